def build():
    b = b""
    for _ in range(1000):
        b += b"0123456789"
    return b
