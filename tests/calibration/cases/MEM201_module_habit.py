s = ""
for _ in range(2000):
    s += "0123456789"
