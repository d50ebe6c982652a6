#!/usr/bin/env python3
"""A tiny DNS server and a tiny SNTP server for scripts/qemu-test (Python stdlib only).

  test-servers.py --dns 127.0.0.1:53 --name shop.till.test=10.0.2.2 \
                  --sntp 127.0.0.1:123 --time 2026-06-01T12:00:00Z --log FILE [--seconds 600]

DNS answers A records for the names given (other types of those names: no records; any other
name: NXDOMAIN). SNTP answers every client request with the one fixed time (stratum 1, its
receive and transmit timestamps both that time, the request's transmit echoed as the origin), so
the test knows exactly what the guest's clock must show. Each question is one line in FILE.
Stops by itself after --seconds.
"""
import argparse
import os
import calendar
import select
import socket
import struct
import sys
import time

NTP_TO_UNIX = 2208988800


def addr(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def qname(packet, i):
    labels = []
    while i < len(packet) and packet[i]:
        n = packet[i]
        labels.append(packet[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    return ".".join(labels).lower(), i + 1


def dns_reply(q, names):
    if len(q) < 17:
        return None, "short"
    ident, flags = struct.unpack("!HH", q[:4])
    name, end = qname(q, 12)
    qtype, _ = struct.unpack("!HH", q[end:end + 4])
    question = q[12:end + 4]
    rd = flags & 0x0100
    if name in names:
        rcode, answers = 0, []
        if qtype == 1:
            ip = socket.inet_aton(names[name])
            answers.append(struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + ip)
    else:
        rcode, answers = 3, []
    head = struct.pack("!HHHHHH", ident, 0x8400 | rd | 0x0080 | rcode, 1, len(answers), 0, 0)
    what = {0: "NOERROR", 3: "NXDOMAIN"}[rcode]
    return head + question + b"".join(answers), "%s type %d -> %s %s" % (name, qtype, what, names.get(name, "") if answers else "")


def ntp_ts(unix):
    secs = int(unix)
    frac = int((unix - secs) * (1 << 32))
    return struct.pack("!II", (secs + NTP_TO_UNIX) & 0xFFFFFFFF, frac)


def sntp_reply(q, fixed):
    if len(q) < 48 or q[0] & 7 != 3:
        return None, "not a client request"
    version = (q[0] >> 3) & 7
    t = ntp_ts(fixed)
    head = struct.pack("!BBbb", (version << 3) | 4, 1, 6, -20)
    body = struct.pack("!II", 0, 0x10) + b"TILL" + t + q[40:48] + t + t
    return head + body, "version %d -> %s" % (version, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(fixed)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dns")
    p.add_argument("--name", action="append", default=[])
    p.add_argument("--sntp")
    p.add_argument("--time", default="2026-06-01T12:00:00Z")
    p.add_argument("--log", required=True)
    p.add_argument("--seconds", type=float, default=600)
    p.add_argument("--pidfile", help="write this process's id here (the caller stops it by it)")
    a = p.parse_args()
    if a.pidfile:
        with open(a.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    names = dict(n.lower().split("=", 1) for n in a.name)
    fixed = calendar.timegm(time.strptime(a.time, "%Y-%m-%dT%H:%M:%SZ"))
    socks = {}
    for kind, where in (("dns", a.dns), ("sntp", a.sntp)):
        if where:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(addr(where))
            socks[s] = kind
    log = open(a.log, "a", buffering=1)
    log.write("listening %s\n" % " ".join("%s=%s:%d" % ((k,) + s.getsockname()) for s, k in socks.items()))
    deadline = time.monotonic() + a.seconds
    while socks and time.monotonic() < deadline:
        ready, _, _ = select.select(list(socks), [], [], min(1.0, max(0.0, deadline - time.monotonic())))
        for s in ready:
            q, peer = s.recvfrom(2048)
            kind = socks[s]
            try:
                reply, what = (dns_reply(q, names) if kind == "dns" else sntp_reply(q, fixed))
            except (struct.error, IndexError, KeyError, OSError) as e:
                reply, what = None, "bad packet: %s" % e
            log.write("%s %s:%d %s\n" % (kind, peer[0], peer[1], what))
            if reply:
                s.sendto(reply, peer)
    log.write("stopped\n")


if __name__ == "__main__":
    sys.exit(main())
