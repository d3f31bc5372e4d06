def build():
    found = []
    for i in range(1000):
        found = found + [i]
    return found
