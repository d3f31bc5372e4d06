class Writer:
    def __init__(self):
        self.parts = []

    def write_all(self, chunks):
        for chunk in chunks:
            self.parts.append(chunk)

    @property
    def buffer(self):
        return "".join(self.parts)
