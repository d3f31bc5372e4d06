def build():
    acc = []
    for i in range(500):
        acc.append(i)
        acc.append(i)
    return tuple(acc)
