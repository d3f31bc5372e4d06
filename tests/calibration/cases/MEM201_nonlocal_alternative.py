def build():
    s = ""

    def fill():
        nonlocal s
        parts = []
        for _ in range(1000):
            parts.append("0123456789")
        s = "".join(parts)

    fill()
    return s
