def total_length(rows):
    total = 0
    for row in rows:
        total += len(row)
    return total
