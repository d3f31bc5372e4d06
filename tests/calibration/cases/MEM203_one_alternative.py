def build():
    acc = []
    for i in range(1000):
        acc.append(i)
    return tuple(acc)
