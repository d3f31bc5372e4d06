class Record:
    __slots__ = ("a", "b", "c", "d", "e", "f", "g", "h")

    def __init__(self, value):
        self.a = value
        self.b = value
        self.c = value
        self.d = value
        self.e = value
        self.f = value
        self.g = value
        self.h = value


def load():
    return [Record(i) for i in range(1000)]
