def weights(kinds):
    total = 0
    for i in range(1000):
        table = {1: 10, 2: 20, 3: 30}
        total += table[kinds[i % len(kinds)]]
    return total
