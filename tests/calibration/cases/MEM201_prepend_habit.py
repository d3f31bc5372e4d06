def build():
    s = ""
    for _ in range(1000):
        s = "0123456789" + s
    return s
