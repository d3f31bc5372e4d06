def run():
    return any(i < 0 for i in range(10000))
