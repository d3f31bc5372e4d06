def build():
    chunk = list(range(10))
    merged = []
    for _ in range(500):
        merged += chunk
    return merged
