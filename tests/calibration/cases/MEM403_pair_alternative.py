def pick(flags):
    total = 0
    for i in range(1000):
        pair = (10, 20)
        total += pair[flags[i % len(flags)]]
    return total
