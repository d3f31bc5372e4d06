def greet(a, b):
    return "Hello, " + a + " " + b + "!"
