def count_digits(text):
    count = 0
    digits = frozenset({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"})
    for i in range(1000):
        if text[i % len(text)] in digits:
            count += 1
    return count
