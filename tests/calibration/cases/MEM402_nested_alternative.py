import math


def run():
    total = 0.0
    sqrt = math.sqrt
    for i in range(100):
        for j in range(100):
            total += sqrt(i * j)
    return total
