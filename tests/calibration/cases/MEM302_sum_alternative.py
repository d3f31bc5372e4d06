def total():
    return sum(i * 3 for i in range(10000))
