from functools import lru_cache


def run():
    class Scaler:
        def scale(self, x):
            return x

    scaler = Scaler()
    return [scaler.scale(i) for i in range(100)]
