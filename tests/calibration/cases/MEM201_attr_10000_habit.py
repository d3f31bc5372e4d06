class Buffer:
    def __init__(self):
        self.s = ""

    def build(self):
        for _ in range(10000):
            self.s += "0123456789"
        return self.s
