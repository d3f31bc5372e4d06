def squares():
    result = []
    for n in range(100):
        result.append(n * n)
    return result


def total():
    return sum(squares())
