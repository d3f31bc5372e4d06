s = ""


def build():
    global s
    s = ""
    for _ in range(1000):
        s += "0123456789"
    result = s
    s = ""
    return result
