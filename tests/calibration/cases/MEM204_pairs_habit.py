def build():
    pairs = []
    for i in range(300):
        pairs = pairs + [i, i]
    return pairs
