def build():
    t = ()
    for i in range(500):
        t += (i, i)
    return t
