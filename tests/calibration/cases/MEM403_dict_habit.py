def weights(kinds):
    total = 0
    for i in range(1000):
        table = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7}
        total += table[kinds[i % len(kinds)]]
    return total
