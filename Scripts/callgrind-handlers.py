#!/usr/bin/env python3
"""Per-handler instruction profile of an interpreter run, from a callgrind output file.

For each function: instructions executed in it (self Ir), how often it was entered
(callgrind counts a threaded `jmp` into a handler as a call), and Ir per entry. With
two files (ours, then WasmKit's), prints both tables and the totals over handlers:
ours are the closures of WasmInterp (`Sources/WasmInterp/*Handlers.swift`, and the
translator's emit sites), WasmKit's the `wasmkit_tc_*` functions.

Procedure (docs/performance.md, "How to profile"):
  objcopy --strip-debug Benchmarks/.build/release/wasmbpf-bench /tmp/bench
  valgrind --tool=callgrind --toggle-collect='*timeRuns*' --callgrind-out-file=ours.cg \\
    /tmp/bench --profile ours --profile-runs 3 kernel/NAME
  (the same with --profile peer into peer.cg)
  Scripts/callgrind-handlers.py ours.cg peer.cg [--top N]
"""

import collections
import re
import subprocess
import sys


def parse(path):
    """(self Ir by function, entries by function) from a callgrind out file."""
    self_ir = collections.Counter()
    entries = collections.Counter()
    names = {}  # compressed "(id)" references
    current = None
    pending_call = None
    with open(path) as lines:
        for line in lines:
            line = line.rstrip("\n")
            if line.startswith("fn="):
                current = resolve(line[3:], names)
                pending_call = None
            elif line.startswith("cfn="):
                pending_call = resolve(line[4:], names)
            elif line.startswith("calls="):
                count = int(line[6:].split()[0])
                if pending_call is not None:
                    entries[pending_call] += count
                # The next cost line is the inclusive cost of that call: skip it.
                pending_call = "skip"
            elif line and (line[0].isdigit() or line[0] in "+-*"):
                if pending_call == "skip":
                    pending_call = None
                    continue
                parts = line.split()
                if len(parts) >= 2 and current is not None:
                    self_ir[current] += int(parts[1])
    return self_ir, entries


def resolve(text, names):
    match = re.match(r"\((\d+)\)(?: (.*))?", text)
    if not match:
        return text
    if match.group(2):
        names[match.group(1)] = match.group(2)
    return names.get(match.group(1), text)


def demangle(symbols):
    try:
        out = subprocess.run(
            ["swift-demangle", "--simplified", "--compact"],
            input="\n".join(symbols),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        return dict(zip(symbols, out))
    except (OSError, subprocess.CalledProcessError):
        return {symbol: symbol for symbol in symbols}


def is_handler(name):
    return name.startswith("wasmkit_tc_") or (
        "WasmInterp" in name and ("Handler" in name or "Translator" in name or "handler" in name)
    )


def short(name, readable):
    text = readable.get(name, name)
    text = re.sub(r"\(Swift\.UnsafePointer<Swift\.Int>.*", "", text)
    text = text.replace("WasmInterp.", "").replace("'2", "")
    return text[:110]


def report(path, top):
    self_ir, entries = parse(path)
    handlers = [name for name in self_ir if is_handler(name)]
    readable = demangle(handlers)
    total_ir = sum(self_ir[name] for name in handlers)
    total_entries = sum(entries[name] for name in handlers)
    print(f"== {path}: handlers {total_entries:,} entries, {total_ir:,} Ir "
          f"({total_ir / max(total_entries, 1):.1f} Ir/entry); all code {sum(self_ir.values()):,} Ir")
    for name in sorted(handlers, key=lambda n: -self_ir[n])[:top]:
        count = entries[name]
        print(f"{self_ir[name]:>13,} Ir {count:>11,} x {self_ir[name] / max(count, 1):6.1f}  {short(name, readable)}")
    return total_ir, total_entries


def main():
    arguments = sys.argv[1:]
    top = 25
    if "--top" in arguments:
        index = arguments.index("--top")
        top = int(arguments[index + 1])
        del arguments[index : index + 2]
    if not arguments:
        raise SystemExit(__doc__)
    totals = [report(path, top) for path in arguments]
    if len(totals) == 2:
        (ours_ir, ours_entries), (peer_ir, peer_entries) = totals
        print(f"ours/peer: handler Ir {ours_ir / peer_ir:.3f}, dispatches {ours_entries / peer_entries:.3f}")


if __name__ == "__main__":
    main()
