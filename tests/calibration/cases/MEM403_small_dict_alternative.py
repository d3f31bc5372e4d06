def weights(kinds):
    total = 0
    table = {1: 10, 2: 20, 3: 30}
    for i in range(1000):
        total += table[kinds[i % len(kinds)]]
    return total
