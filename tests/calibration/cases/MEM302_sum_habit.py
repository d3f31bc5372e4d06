def total():
    sizes = []
    for i in range(10000):
        sizes.append(i * 3)
    return sum(sizes)
