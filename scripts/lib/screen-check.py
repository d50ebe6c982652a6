#!/usr/bin/env python3
"""Checks a screendump of a register's screen (scripts/qemu-test): that something was drawn, and
optionally that it has the layout of an expected screen.

    screen-check.py DUMP.png [EXPECTED.png]

Fails (exit 1, one line on stdout saying why) when the dump
  - is not an 8-bit PNG of the expected size,
  - has few colours (a black, blank or single-colour screen: the register's screens draw
    anti-aliased text, hundreds of colours),
  - is almost all one colour (a cleared screen with a stray pixel or two),
  - or, given EXPECTED (the same screen drawn with sample data by `till screens`), does not have
    its layout. Both are cut into 20x20-pixel cells; a cell matches when its mean colour is
    within CELL_TOLERANCE of the expected cell's. At least MIN_CELLS of all cells must match, and
    at least MIN_DRAWN_CELLS of the cells where either screen has drawn something (a mean colour
    away from its background): the first alone is easy for any dark screen to meet. Text differs
    between the sample and the real screen (names, counts); bars, cards, buttons and fields do
    not. Measured on the real screens of scripts/qemu-test: the expected screen scores 94-99% and
    76-95%; wrong ones fail one or both (client setup as settings 62% / 20%, the keyboard as
    client setup 49% / 80%, scan results as a status screen 86% / 65%). Screens of one family
    (the three status screens, the test-connection results) score alike.
Prints the figures when it passes. Pure Python (zlib only): the host may have no imaging library.
"""

import struct
import sys
import zlib

MIN_COLOURS = 8
# Share of pixels that differ from the most common colour; the emptiest screen (scanning) has
# 25%.
MIN_DRAWN = 0.05
CELL = 20
# Per channel, 0-255: how far a cell's mean colour may be from the expected cell's.
CELL_TOLERANCE = 24
MIN_CELLS = 0.88
MIN_DRAWN_CELLS = 0.65


def read_png(path):
    """(width, height, rows): rows of bytes, 3 bytes (RGB) per pixel."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, [], None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("no IHDR")
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError("unsupported PNG (depth %d, colour type %d, interlace %d)" % (depth, colour, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, prev, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1 : at + 1 + stride])
        at += 1 + stride
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = prev[i]
                c = prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        elif kind != 0:
            raise ValueError("bad filter type %d" % kind)
        rows.append(line)
        prev = line
    if channels != 3:
        rows = [to_rgb(r, channels) for r in rows]
    return width, height, rows


def background(width, height, rows):
    """(colour count, most common colour as RGB bytes, share of pixels of another colour)."""
    counts = {}
    for line in rows:
        for i in range(0, len(line), 3):
            px = bytes(line[i : i + 3])
            counts[px] = counts.get(px, 0) + 1
    colour, most = max(counts.items(), key=lambda kv: kv[1])
    return len(counts), colour, 1 - most / (width * height)


def near(a, b):
    return all(abs(x - y) <= CELL_TOLERANCE for x, y in zip(a, b))


def layout(got, got_bg, want, want_bg):
    """(share of all cells that match, share of the drawn cells that match)."""
    same = sum(1 for a, b in zip(got, want) if near(a, b))
    drawn = [(a, b) for a, b in zip(got, want) if not near(a, got_bg) or not near(b, want_bg)]
    same_drawn = sum(1 for a, b in drawn if near(a, b))
    return same / len(want), (same_drawn / len(drawn) if drawn else 1.0)


def to_rgb(row, channels):
    out = bytearray()
    for i in range(0, len(row), channels):
        px = row[i : i + channels]
        out += bytes((px[0], px[0], px[0])) if channels <= 2 else px[:3]
    return out


def cells(width, height, rows):
    """Mean colour of every CELLxCELL cell, row by row."""
    out = []
    for cy in range(0, height - CELL + 1, CELL):
        for cx in range(0, width - CELL + 1, CELL):
            r = g = b = 0
            for y in range(cy, cy + CELL):
                line = rows[y]
                r += sum(line[3 * cx : 3 * (cx + CELL) : 3])
                g += sum(line[3 * cx + 1 : 3 * (cx + CELL) : 3])
                b += sum(line[3 * cx + 2 : 3 * (cx + CELL) : 3])
            n = CELL * CELL
            out.append((r / n, g / n, b / n))
    return out


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2].strip())
        return 2
    try:
        width, height, rows = read_png(argv[1])
    except (OSError, ValueError, zlib.error) as e:
        print("%s: unreadable: %s" % (argv[1], e))
        return 1
    colours, bg, drawn = background(width, height, rows)
    figures = "%dx%d, %d colours, %.1f%% drawn on #%s" % (width, height, colours, 100 * drawn, bg.hex())
    if colours <= MIN_COLOURS:
        print("%s: %s: a blank screen (at most %d colours)" % (argv[1], figures, MIN_COLOURS))
        return 1
    if drawn < MIN_DRAWN:
        print("%s: %s: almost nothing drawn (under %.0f%%)" % (argv[1], figures, 100 * MIN_DRAWN))
        return 1
    if len(argv) == 3:
        try:
            ew, eh, erows = read_png(argv[2])
        except (OSError, ValueError, zlib.error) as e:
            print("%s: unreadable: %s" % (argv[2], e))
            return 1
        if (ew, eh) != (width, height):
            print("%s: %s, the expected screen is %dx%d" % (argv[1], figures, ew, eh))
            return 1
        _, ebg, _ = background(ew, eh, erows)
        cells_like, drawn_like = layout(cells(width, height, rows), bg, cells(ew, eh, erows), ebg)
        figures += ", cells like %s: %.0f%% of all, %.0f%% of the drawn" % (argv[2], 100 * cells_like, 100 * drawn_like)
        if cells_like < MIN_CELLS or drawn_like < MIN_DRAWN_CELLS:
            print(
                "%s: %s: not that screen's layout (needs %.0f%% and %.0f%%)"
                % (argv[1], figures, 100 * MIN_CELLS, 100 * MIN_DRAWN_CELLS)
            )
            return 1
    print("%s: %s" % (argv[1], figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
