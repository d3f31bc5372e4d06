import math


def run():
    total = 0.0
    for i in range(100):
        for j in range(100):
            total += math.sqrt(i * j)
    return total
