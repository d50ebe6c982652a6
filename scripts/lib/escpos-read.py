#!/usr/bin/env python3
"""Reads what a register sent to its receipt printer (ESC/POS bytes, text in cp858) and checks it.

    escpos-read.py FILE [--order NUMBER]... [--kick]

Splits the bytes into jobs (each starts with ESC @, the printer's reset) and decodes each: its
lines of text, whether it ends with a cut (GS V) and kicks the cash drawer (ESC p). Commands are
parsed by their lengths from the ESC/POS reference (written from it, not from Till's encoder), so
a barcode's or an image's data is never read as text, and an unknown command is an error rather
than garbage. Prints one line per job. With --order: exits 0 only when, for every NUMBER, a
complete job (cut) has the line "Order NUMBER" and a "TOTAL" line, and with --kick also a drawer
kick; otherwise says what is missing and exits 1. Used by scripts/qemu-test (pure Python: the
host needs nothing else).
"""
import argparse
import sys


class Job:
    def __init__(self):
        self.lines = []
        self.line = bytearray()
        self.cut = False
        self.kick = False
        self.barcodes = []

    def end_line(self):
        self.lines.append(self.line.decode("cp858", "replace"))
        self.line = bytearray()


def parse(data):
    """The jobs in DATA; the last may be incomplete (the printer's bytes still arriving)."""
    jobs, job, i, n = [], None, 0, len(data)

    def need(k):
        if i + k > n:
            raise EOFError
        return data[i:i + k]

    try:
        while i < n:
            b = data[i]
            if b == 0x1B and i + 1 < n and data[i + 1] == ord("@"):  # ESC @: a new job
                if job is not None:
                    jobs.append(job)
                job, i = Job(), i + 2
                continue
            if job is None:  # bytes before the first ESC @: status queries only
                if b == 0x10:  # DLE EOT n
                    need(3)
                    i += 3
                    continue
                raise ValueError("byte 0x%02x at %d before the first ESC @" % (b, i))
            if b == 0x0A:
                job.end_line()
                i += 1
            elif b == 0x10:  # DLE EOT n, DLE DC4 …: real-time status
                need(3)
                i += 3
            elif b == 0x1B:
                c = need(2)[1]
                if c in b"2<S":
                    i += 2
                elif c in b"!-3EGJMVadt{":
                    need(3)
                    i += 3
                elif c == ord("p"):  # ESC p m t1 t2: pulse the drawer
                    need(5)
                    job.kick = True
                    i += 5
                else:
                    raise ValueError("unknown command ESC 0x%02x at %d" % (c, i))
            elif b == 0x1D:
                c = need(2)[1]
                if c in b"!BHfhw":
                    need(3)
                    i += 3
                elif c in b"LW":
                    need(4)
                    i += 4
                elif c == ord("V"):  # GS V m [n]: cut (m 65, 66, 97, 98, 103, 104 take n)
                    m = need(3)[2]
                    i += 4 if m in (65, 66, 97, 98, 103, 104) else 3
                    need(0)
                    job.cut = True
                elif c == ord("k"):  # GS k m …: barcode
                    m = need(3)[2]
                    if m >= 65:
                        k = need(4)[3]
                        code = need(4 + k)[4:].decode("ascii", "replace")
                        # Code 128 data starts with its code set ({A, {B, {C)
                        job.barcodes.append(code[2:] if m == 73 and code[:1] == "{" else code)
                        i += 4 + k
                    else:
                        end = data.find(b"\0", i + 3)
                        if end < 0:
                            raise EOFError
                        job.barcodes.append(data[i + 3:end].decode("ascii", "replace"))
                        i = end + 1
                elif c == ord("("):  # GS ( k pL pH …: QR code and other functions
                    h = need(5)
                    i += 5 + h[3] + 256 * h[4]
                    need(0)
                elif c == ord("v"):  # GS v 0 m xL xH yL yH data: a raster image
                    h = need(8)
                    i += 8 + (h[4] + 256 * h[5]) * (h[6] + 256 * h[7])
                    need(0)
                    job.lines.append("[image]")
                else:
                    raise ValueError("unknown command GS 0x%02x at %d" % (c, i))
            elif b in (0x09, 0x0D):
                i += 1
            elif b < 0x20:
                raise ValueError("control byte 0x%02x at %d" % (b, i))
            else:
                job.line.append(b)
                i += 1
    except EOFError:
        pass  # a command cut off at the end: its job is still arriving
    if job is not None:
        if job.line:
            job.end_line()
        jobs.append(job)
    return jobs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--order", action="append", default=[], help="an order number that must have printed")
    ap.add_argument("--kick", action="store_true", help="each of those receipts must kick the drawer")
    ap.add_argument("--quiet", action="store_true", help="print only what is missing")
    a = ap.parse_args()
    try:
        data = open(a.file, "rb").read()
    except OSError as e:
        print("%s: %s" % (a.file, e.strerror))
        return 1
    try:
        jobs = parse(data)
    except ValueError as e:
        print("%s: not ESC/POS as expected: %s" % (a.file, e))
        return 1
    orders = {}
    for k, job in enumerate(jobs, 1):
        text = [l.strip() for l in job.lines]
        number = next((l[len("Order "):] for l in text if l.startswith("Order ")), None)
        total = next((" ".join(l.split()) for l in text if l.startswith("TOTAL")), None)
        if not a.quiet:
            print("job %d: order %s, %s, %s, %s, barcode %s, %d lines" % (
                k, number or "-", total or "no TOTAL", "cut" if job.cut else "no cut",
                "drawer kick" if job.kick else "no kick", ",".join(job.barcodes) or "-", len(text)))
        if number and job.cut:
            orders[number] = (total is not None, job.kick)
    missing = []
    for o in a.order:
        if o not in orders:
            missing.append("%s: no complete receipt (cut) with the line 'Order %s'" % (o, o))
        elif not orders[o][0]:
            missing.append("%s: no TOTAL line" % o)
        elif a.kick and not orders[o][1]:
            missing.append("%s: no drawer kick (ESC p)" % o)
    for m in missing:
        print(m)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
