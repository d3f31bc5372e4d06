def build():
    parts = []
    for _ in range(1000):
        parts.append(b"0123456789")
    return b"".join(parts)
