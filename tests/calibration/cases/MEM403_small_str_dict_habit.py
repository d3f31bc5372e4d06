def weights(kinds):
    total = 0
    for i in range(1000):
        table = {"a": 10, "b": 20, "c": 30}
        total += table[kinds[i % len(kinds)]]
    return total
