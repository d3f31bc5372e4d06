def build():
    s = ""

    def fill():
        nonlocal s
        for _ in range(1000):
            s += "0123456789"

    fill()
    return s
