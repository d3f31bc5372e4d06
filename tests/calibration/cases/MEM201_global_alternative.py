s = ""


def build():
    global s
    parts = []
    for _ in range(1000):
        parts.append("0123456789")
    s = "".join(parts)
    result = s
    s = ""
    return result
