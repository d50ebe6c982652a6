#!/usr/bin/env python3
"""Rebuilds common-passwords.txt and common-words.txt from the frequency lists of the zxcvbn
crate (crates.io, version 3.1.1, MIT licence), as unpacked by cargo in its registry:

    cargo download is not needed: any project that depends on zxcvbn = "=3.1.1" unpacks it to
    ~/.cargo/registry/src/*/zxcvbn-3.1.1/src/frequency_lists.rs

    python3 make-lists.py PATH/TO/frequency_lists.rs

Only data is taken (the words, in their order), never code.
"""
import re
import sys

PASSWORDS = 3000  # most common passwords of 4+ characters
WORDS = 4000  # most common English words of 4+ letters

text = open(sys.argv[1], encoding="utf-8").read()
lists = {m.group(1): m.group(2).split(",") for m in re.finditer(r'const (\w+): &str = "(.*?)";', text, re.S)}

passwords = [p for p in lists["PASSWORDS"] if len(p) >= 4 and p.isascii() and p.isprintable()][:PASSWORDS]
seen = set(passwords)

# zxcvbn keeps a word in one list only (where it ranks best); merge Wikipedia and US television
# and film by rank, keep plain words of 4+ letters that are not already common passwords.
rank = {}
for name in ("ENGLISH_WIKI", "US_TV_AND_FILM"):
    for i, w in enumerate(lists[name]):
        if re.fullmatch("[a-z]{4,}", w) and w not in seen:
            rank[w] = min(rank.get(w, i), i)
words = sorted(rank, key=lambda w: (rank[w], w))[:WORDS]

with open("common-passwords.txt", "w", encoding="utf-8") as f:
    f.write("\n".join(passwords) + "\n")
with open("common-words.txt", "w", encoding="utf-8") as f:
    f.write("\n".join(words) + "\n")
print(len(passwords), "passwords,", len(words), "words")
