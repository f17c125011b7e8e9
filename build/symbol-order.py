#!/usr/bin/env python3
"""Writes build/symbol-order.txt: the release binary's functions that run, hottest first.

usage: build/symbol-order.sh   (builds the release binary and runs it under callgrind)

build.rs hands the file to the linker (`--symbol-ordering-file`), which places these functions
together at the start of the code. A typical conversion then keeps the 2 MB of code it runs
resident instead of 7 MB of 64 KiB windows scattered over the binary's 11 MB
(docs/decisions.md, "Speed").

This script reads the callgrind profiles named on the command line (each recorded with
`--demangle=no`), takes the functions of each profile by their own instruction count, the
first profile first, and keeps those the binary defines (`nm`), once each.
"""

import re
import subprocess
import sys


def self_costs(path):
    """Maps each function of a callgrind profile to the instructions it ran itself."""
    names = {}
    costs = {}
    current = None
    after_call = False
    with open(path, encoding="utf-8", errors="replace") as profile:
        for line in profile:
            match = re.match(r"(c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
            if match:
                kind, ident, name = match.groups()
                if name:
                    names[ident] = name
                if kind == "fn":
                    current = names[ident]
                continue
            if line.startswith("calls="):
                after_call = True
                continue
            if current and (line[:1].isdigit() or line[:1] in "+-*"):
                if after_call:
                    # The inclusive cost of the call just named, not this function's own.
                    after_call = False
                    continue
                fields = line.split()
                if len(fields) >= 2 and fields[1].isdigit():
                    costs[current] = costs.get(current, 0) + int(fields[1])
    return costs


def main():
    binary, output, profiles = sys.argv[1], sys.argv[2], sys.argv[3:]
    symbols = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True)
    defined = {line.split()[2] for line in symbols.stdout.splitlines() if line.split()[1] in "tTwW"}
    order = []
    seen = set()
    for profile in profiles:
        costs = self_costs(profile)
        for name in sorted(costs, key=lambda n: (-costs[n], n)):
            if name in defined and name not in seen:
                seen.add(name)
                order.append(name)
    with open(output, "w", encoding="utf-8") as out:
        out.write("".join(name + "\n" for name in order))
    print(f"{output}: {len(order)} functions", file=sys.stderr)


main()
