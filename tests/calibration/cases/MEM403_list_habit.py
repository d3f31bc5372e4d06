def scaled(values):
    out = 0
    for i in range(1000):
        factors = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
        out += values[i % len(values)] * factors[i % 20]
    return out
