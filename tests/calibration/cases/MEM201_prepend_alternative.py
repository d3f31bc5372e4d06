def build():
    parts = []
    for _ in range(1000):
        parts.append("0123456789")
    parts.reverse()
    return "".join(parts)
