#!/usr/bin/env python3
"""Writes a gzip'd newc cpio archive (an initramfs) from a folder, without root.

    mkcpio.py DIR OUT.cpio.gz [--node PATH:c:MAJOR:MINOR]...

Every entry is owned by root (uid/gid 0) whatever owns the files on the host. --node adds device
nodes, which only root could create in DIR: the kernel opens /dev/console for process 1's
stdio before /init runs, and Rust's runtime needs /dev/null if that fails.
"""
import gzip
import os
import stat
import sys


def entry(out, ino, name, mode, data=b"", rdev=(0, 0), mtime=0, nlink=1):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join(
        "%08X" % v
        for v in (ino, mode, 0, 0, nlink, mtime, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0)
    )
    out.write(hdr.encode())
    out.write(name_b)
    out.write(b"\0" * ((4 - (110 + len(name_b)) % 4) % 4))
    out.write(data)
    out.write(b"\0" * ((4 - len(data) % 4) % 4))


def main():
    src, dst = sys.argv[1], sys.argv[2]
    nodes = [a.split(":") for a in sys.argv[4::2]] if len(sys.argv) > 3 else []
    ino = 1
    # mtime 0 and sorted names: the same inputs give the same archive byte for byte.
    with gzip.GzipFile(dst, "wb", mtime=0, compresslevel=9) as out:
        for root, dirs, files in os.walk(src):
            dirs.sort()
            for name in sorted(dirs) + sorted(files):
                path = os.path.join(root, name)
                rel = os.path.relpath(path, src)
                st = os.lstat(path)
                perm = stat.S_IMODE(st.st_mode)
                if stat.S_ISLNK(st.st_mode):
                    entry(out, ino, rel, stat.S_IFLNK | 0o777, os.readlink(path).encode())
                elif stat.S_ISDIR(st.st_mode):
                    entry(out, ino, rel, stat.S_IFDIR | perm, nlink=2)
                elif stat.S_ISREG(st.st_mode):
                    with open(path, "rb") as f:
                        entry(out, ino, rel, stat.S_IFREG | perm, f.read())
                ino += 1
        for path, kind, major, minor in nodes:
            assert kind == "c", "only character devices"
            entry(out, ino, path, stat.S_IFCHR | 0o600, rdev=(int(major), int(minor)))
            ino += 1
        entry(out, 0, "TRAILER!!!", 0)


if __name__ == "__main__":
    main()
