def run():
    total = 0
    for i in range(100):
        for j in range(100):
            total += abs(i - j)
    return total
