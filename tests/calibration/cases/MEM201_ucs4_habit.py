def build():
    s = ""
    for _ in range(1000):
        s += "😀😀😀😀😀😀😀😀😀😀"
    return s
