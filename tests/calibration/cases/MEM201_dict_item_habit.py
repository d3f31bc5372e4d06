def build():
    d = {"k": ""}
    for _ in range(1000):
        d["k"] += "0123456789"
    return d
