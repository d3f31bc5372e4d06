def build():
    found = []
    for i in range(1000):
        found.append(i)
    return found
