from functools import lru_cache


def run():
    # A new class per call, so each measured call starts with an empty cache; with the
    # collector off, neither the class nor its cache is ever freed, as in a long process.
    class Scaler:
        @lru_cache(maxsize=None)
        def scale(self, x):
            return x

    scaler = Scaler()
    return [scaler.scale(i) for i in range(100)]
