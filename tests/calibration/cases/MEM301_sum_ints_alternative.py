def run():
    return sum(i * 2 for i in range(10000))
