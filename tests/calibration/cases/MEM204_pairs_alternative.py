def build():
    pairs = []
    for i in range(300):
        pairs += [i, i]
    return pairs
