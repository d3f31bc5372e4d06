def greet_all(a, b):
    for _ in range(1000):
        r = "Hello, " + a + " " + b + "!"
    return r
