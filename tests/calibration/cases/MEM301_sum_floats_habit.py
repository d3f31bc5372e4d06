def run():
    return sum([i * 0.5 for i in range(10000)])
