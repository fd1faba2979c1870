#!/usr/bin/env python3
"""Writes the symbol order the release build links wasmbpf-run with
(Scripts/build-release.sh passes it to lld as --symbol-ordering-file).

Why: a run of a small guest touches ~950 functions and ~4,600 data objects spread
over a 30 MB static binary, and the kernel maps file pages in 64 KB windows around
each fault, so scattered touches cost resident memory and page faults out of all
proportion (docs/performance.md, "Start-up"). Placing what start-up touches first, in
the order it is touched, packs it into a few windows.

How: runs the binary under valgrind's lackey tool (every instruction fetch and data
access) on an empty WASI command and on one that writes a line, three times each, maps
each address to the symbol containing it (with all its aliases), and lists the symbols
in first-touch order, code and data alike. The release build compiles Swift with
-function-sections: without it a Swift file's code is one section and moves whole.
A stale list is harmless: lld ignores names it does not find, and what is not listed
keeps its usual place.

Functions the compiler emits with private linkage (closures' `objectdestroy`, outlined
copies: sections named `.text..L...`) have no symbol, so no symbol order can move
them, and each sat in a 64 KB window of its own object's code (5 windows, 320 KB
resident). From the link map (BINARY.map, which Scripts/build-release.sh writes) the
touched ones of our own objects are listed as input sections in a linker script
(Scripts/release-startup-sections.ld) that puts them in `.text.startup`, just before
`.text` and its ordered start. Also harmless when stale: a pattern that matches no
section places nothing.

Usage: Scripts/gen-startup-order.py BINARY [OUTPUT [SECTIONS]]
  (defaults Scripts/release-symbol-order.txt, Scripts/release-startup-sections.ld)
Needs valgrind, nm (binutils), readelf, and BINARY.map.
"""

import bisect
import os
import re
import subprocess
import sys
import tempfile

# What a run may or may not call depending on which thread gets there first, and
# that valgrind's serialised scheduler never shows: the main thread blocks in
# pthread_cond_wait for the guest's outcome only when the guest has not finished yet
# (about a third of the runs natively; the wait's code filled a 64 KB window of its
# own). Listed after the traced symbols, when the binary has them.
TIMING_DEPENDENT = (
    "___pthread_cond_wait",
    "__pthread_cond_wait",
    "pthread_cond_wait",
    "__condvar_confirm_wakeup",
    "__condvar_release_lock",
    "__condvar_dec_grefs",
    "__condvar_cancel_waiting",
    "__condvar_cleanup_waiting",
    "__pthread_cleanup_upto",
    "__futex_abstimed_wait_common",
    "__futex_abstimed_wait_cancelable64",
    "__futex_abstimed_wait64",
)

# Runs of each command (see main). Eight: besides the hash seeds, whether the guest's
# thread finishes exiting (its Guest's deinit, glibc's thread teardown) before the
# main thread exits is a race that valgrind's scheduler decides either way, about one
# run in four here; with 16 runs a list misses that path with odds of about 1%.
RUNS = 8
# (module (func (export "_start")))
EMPTY = bytes.fromhex("0061736d010000000104016000000302010007" "0a01065f73746172740000" "0a040102000b")


def leb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def section(kind, payload):
    return bytes([kind]) + leb(len(payload)) + payload


def vector(items):
    return leb(len(items)) + b"".join(items)


def name(text):
    return leb(len(text)) + text.encode()


def hello_module():
    """_start writes "hello\\n" with fd_write: the path of a guest that prints."""
    text = b"hello\n"
    types = vector([b"\x60" + vector([b"\x7f"] * 4) + vector([b"\x7f"]), b"\x60\x00\x00"])
    imports = vector([name("wasi_snapshot_preview1") + name("fd_write") + b"\x00\x00"])
    functions = vector([b"\x01"])
    memory = vector([b"\x00\x01"])
    exports = vector([name("_start") + b"\x00\x01", name("memory") + b"\x02\x00"])
    body = (
        b"\x00"  # no locals
        + b"\x41\x00\x41\x10\x36\x02\x00"  # i32.store [0] = 16 (iov base)
        + b"\x41\x04\x41" + leb(len(text)) + b"\x36\x02\x00"  # i32.store [4] = length
        + b"\x41\x01\x41\x00\x41\x01\x41\x08\x10\x00\x1a"  # fd_write(1, 0, 1, 8); drop
        + b"\x0b"
    )
    code = vector([leb(len(body)) + body])
    data = vector([b"\x00\x41\x10\x0b" + leb(len(text)) + text])
    return (
        b"\x00asm\x01\x00\x00\x00"
        + section(1, types)
        + section(2, imports)
        + section(3, functions)
        + section(5, memory)
        + section(7, exports)
        + section(10, code)
        + section(11, data)
    )


def symbols(binary):
    """Sorted (address, name) of every defined symbol with an address."""
    out = subprocess.run(["nm", "-n", binary], capture_output=True, text=True, check=True).stdout
    table = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] not in "UuvV":
            table.append((int(parts[0], 16), parts[2]))
    table.sort()
    return table


def entry_point(binary):
    out = subprocess.run(["readelf", "-h", binary], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if "Entry point address" in line:
            return int(line.split()[-1], 16)
    raise SystemExit("no entry point in " + binary)


def symbolless_sections(map_path):
    """Sorted (start, end, pattern) of the .text input sections of our own objects
    that define no symbol, from an lld map; pattern is how a linker script names it."""
    # lld's map: "VMA LMA Size Align" then the output section (no indent), an input
    # section (8 spaces) or a symbol (16 spaces).
    row = re.compile(r"^\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+ (.*)$")
    found, current, output = [], None, None
    with open(map_path) as lines:
        for line in lines:
            match = row.match(line.rstrip("\n"))
            if not match:
                continue
            rest = match.group(3)
            depth = len(rest) - len(rest.lstrip(" "))
            if depth == 0:
                output, current = rest.strip(), None
            elif depth == 8:
                current = None
                source = rest.strip()
                size = int(match.group(2), 16)
                # Our objects only: "PATH/Module.build/File.swift.o:(.text..Lname)".
                if output in (".text", ".text.startup") and size and ".build/" in source and source.endswith(")"):
                    path, section = source[:-1].split(":(", 1)
                    obj = path[path.rindex("/", 0, path.index(".build/")) + 1 :]
                    start = int(match.group(1), 16)
                    current = [start, start + size, f"*{obj}({section})"]
                    found.append(current)
            elif current is not None:
                found.pop()  # it has a symbol: the symbol order moves it
                current = None
    return sorted(tuple(entry) for entry in found)


def trace(binary, module, log):
    subprocess.run(
        ["valgrind", "--tool=lackey", "--trace-mem=yes", "--log-file=" + log, binary, module],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    binary = sys.argv[1]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    output = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "Scripts/release-symbol-order.txt")
    script = sys.argv[3] if len(sys.argv) > 3 else os.path.join(root, "Scripts/release-startup-sections.ld")
    if not os.path.exists(binary + ".map"):
        raise SystemExit(f"no link map {binary}.map: build with Scripts/build-release.sh")
    private = symbolless_sections(binary + ".map")
    private_starts = [start for start, _, _ in private]
    placed, placed_seen = [], set()
    table = symbols(binary)
    addresses = [address for address, _ in table]
    entry = entry_point(binary)
    order, seen = [], set()
    with tempfile.TemporaryDirectory() as work:
        # Each command several times: hashing is seeded per process, so which
        # dictionary paths (resizing, collisions) a run takes varies a little.
        commands = (("empty", EMPTY), ("hello", hello_module()))
        runs = [(label, module, run) for label, module in commands for run in range(RUNS)]
        for label, module, run in runs:
            path = os.path.join(work, label + ".wasm")
            with open(path, "wb") as file:
                file.write(module)
            log = os.path.join(work, f"{label}-{run}.log")
            trace(binary, path, log)
            base = None
            with open(log) as lines:
                for line in lines:
                    if line.startswith("=="):
                        continue
                    parts = line.split()
                    if len(parts) != 2:
                        continue
                    address = int(parts[1].split(",")[0], 16)
                    if base is None:
                        # The first instruction executed is the entry point: where a
                        # position-independent binary was loaded.
                        base = address - entry
                    where = bisect.bisect_right(private_starts, address - base) - 1
                    if where >= 0 and address - base < private[where][1]:
                        pattern = private[where][2]
                        if pattern not in placed_seen:
                            placed_seen.add(pattern)
                            placed.append(pattern)
                        continue
                    index = bisect.bisect_right(addresses, address - base) - 1
                    if index < 0:
                        continue
                    symbol = table[index][1]
                    # Addresses past the binary's last symbol are the heap, the stack
                    # or mappings; a symbol more than 1 MB before them is no match.
                    if address - base - table[index][0] > 1 << 20 or symbol in seen:
                        continue
                    # Every name of the address: which alias nm sorts last is chance,
                    # and the one listed must be the one whose section lld moves.
                    start = table[index][0]
                    first, last = bisect.bisect_left(addresses, start), bisect.bisect_right(addresses, start)
                    for _, name in table[first:last]:
                        if name not in seen:
                            seen.add(name)
                            order.append(name)
    names = {name for _, name in table}
    for name in TIMING_DEPENDENT:
        if name in names and name not in seen:
            seen.add(name)
            order.append(name)
    with open(output, "w") as file:
        file.write(
            "# Generated by Scripts/gen-startup-order.py from a release build of wasmbpf-run:\n"
            "# the symbols an empty and a printing WASI command touch, in first-touch order.\n"
            "# Scripts/build-release.sh links with it (lld --symbol-ordering-file). Regenerate\n"
            "# after changes to the run path; a stale list only packs start-up less tightly.\n"
        )
        file.write("\n".join(order) + "\n")
    with open(script, "w") as file:
        file.write(
            "/* Generated by Scripts/gen-startup-order.py from a release build of wasmbpf-run:\n"
            "   the symbol-less functions (private linkage) of our objects that an empty and a\n"
            "   printing WASI command run, in first-touch order, placed just before .text.\n"
            "   Scripts/build-release.sh links with it. */\n"
            "SECTIONS {\n  .text.startup : {\n"
        )
        file.write("".join(f"    {pattern}\n" for pattern in placed))
        file.write("  }\n}\nINSERT BEFORE .text;\n")
    print(f"{output}: {len(order)} symbols; {script}: {len(placed)} sections")


if __name__ == "__main__":
    main()
