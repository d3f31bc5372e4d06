def total_length(table):
    total = 0
    for key in list(table.keys()):
        total += len(key)
    return total
