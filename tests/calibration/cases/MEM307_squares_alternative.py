def squares():
    for n in range(100):
        yield n * n


def total():
    return sum(squares())
