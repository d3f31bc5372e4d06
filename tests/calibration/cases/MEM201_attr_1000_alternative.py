class Buffer:
    def __init__(self):
        self.parts = []

    def build(self):
        for _ in range(1000):
            self.parts.append("0123456789")
        self.s = "".join(self.parts)
        return self.s
