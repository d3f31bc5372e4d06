def greet(a, b):
    return f"Hello, {a} {b}!"
