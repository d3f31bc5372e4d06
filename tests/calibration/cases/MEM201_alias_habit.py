def build():
    s = ""
    for _ in range(1000):
        t = s  # a second reference: the in-place resize cannot apply
        s += "0123456789"
    return s
