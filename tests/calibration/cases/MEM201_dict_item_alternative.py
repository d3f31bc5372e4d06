def build():
    d = {"k": ""}
    parts = []
    for _ in range(1000):
        parts.append("0123456789")
    d["k"] = "".join(parts)
    return d
