def run():
    total = 0
    absolute = abs
    for i in range(100):
        for j in range(100):
            total += absolute(i - j)
    return total
