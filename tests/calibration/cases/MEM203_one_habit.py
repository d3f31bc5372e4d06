def build():
    t = ()
    for i in range(1000):
        t += (i,)
    return t
