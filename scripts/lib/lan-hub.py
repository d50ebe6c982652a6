#!/usr/bin/env python3
"""An Ethernet hub for scripts/qemu-test's machines (Python stdlib only): three or more QEMU
guests on one virtual LAN, where QEMU's point-to-point `dgram` netdev joins only two.

  lan-hub.py --dir DIR --ports A,B,C [--seconds 900] [--pidfile FILE]

For each port NAME it binds the Unix datagram socket DIR/hub-NAME.sock; the guest NAME's netdev
sends there (remote.path) and receives on DIR/NAME.sock (local.path). Every frame from one port
goes to every other port, as a hub does: the guests' own stacks drop what is not theirs. Nothing
leaves the host's file system: no IP socket is opened. Stops by itself after --seconds.
"""
import argparse
import os
import select
import socket
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--ports", required=True)
    p.add_argument("--seconds", type=float, default=900)
    p.add_argument("--pidfile")
    a = p.parse_args()
    if a.pidfile:
        with open(a.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    names = [n for n in a.ports.split(",") if n]
    socks = {}
    for n in names:
        path = os.path.join(a.dir, "hub-%s.sock" % n)
        if os.path.exists(path):
            os.unlink(path)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(path)
        socks[s] = n
    end = time.monotonic() + a.seconds
    while time.monotonic() < end:
        ready, _, _ = select.select(list(socks), [], [], 1.0)
        for s in ready:
            frame = s.recv(65536)
            src = socks[s]
            for other in names:
                if other == src:
                    continue
                try:
                    s.sendto(frame, os.path.join(a.dir, "%s.sock" % other))
                except OSError:
                    pass  # that guest is off (or not up yet): a hub drops the frame


if __name__ == "__main__":
    main()
