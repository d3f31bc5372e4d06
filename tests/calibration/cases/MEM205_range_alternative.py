def run():
    return [x for xs in [[i] * 10 for i in range(200)] for x in xs]
