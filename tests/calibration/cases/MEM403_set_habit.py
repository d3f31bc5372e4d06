def count_digits(text):
    count = 0
    for i in range(1000):
        digits = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
        if text[i % len(text)] in digits:
            count += 1
    return count
