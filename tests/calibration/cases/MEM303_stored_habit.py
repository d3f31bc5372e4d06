def total_length(path):
    with open(path) as f:
        lines = f.readlines()
    total = 0
    for line in lines:
        total += len(line)
    return total
