def run():
    return sum([[i] * 10 for i in range(200)], [])
