def build():
    parts = []
    for _ in range(1000):
        parts.append("éééééééééé")
    return "".join(parts)
