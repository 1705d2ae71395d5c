import zlib, struct, sys
def chunk(t, d):
    c = struct.pack(">I", len(d)) + t + d
    return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
def write(path, w, h, interlace):
    bpp = 8  # RGBA, 16 bits per channel
    z = zlib.compressobj(9)
    out = []
    if not interlace:
        passes = [(0, 0, 1, 1)]
    else:
        passes = [(0,0,8,8),(4,0,8,8),(0,4,4,8),(2,0,4,4),(0,2,2,4),(1,0,2,2),(0,1,1,2)]
    for x0, y0, dx, dy in passes:
        pw = (w - x0 + dx - 1) // dx
        ph = (h - y0 + dy - 1) // dy
        if pw == 0 or ph == 0:
            continue
        row = b"\x00" * (1 + pw * bpp)
        for _ in range(ph):
            out.append(z.compress(row))
    out.append(z.flush())
    idat = b"".join(out)
    ihdr = struct.pack(">IIBBBBB", w, h, 16, 6, 0, 0, 1 if interlace else 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    open(path, "wb").write(data)
    print(path, len(data))
write("rgba16.png", 6000, 6666, False)
write("rgba16-interlaced.png", 6000, 6666, True)
