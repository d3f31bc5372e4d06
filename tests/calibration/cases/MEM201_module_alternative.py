parts = []
for _ in range(2000):
    parts.append("0123456789")
s = "".join(parts)
