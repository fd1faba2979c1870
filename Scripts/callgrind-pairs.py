#!/usr/bin/env python3
"""Which handler follows which, summed over callgrind profiles of the kernel suite.

Callgrind counts a threaded `jmp` from one handler into the next as a call, so its
caller -> callee edges are the adjacent pairs of executed handlers, weighted by how
often each ran. Handler copies (HandlerReplicas.swift) and table closures are folded
into one name each: `closure #N in F` is named by the N-th closure literal of F's
source (a heuristic: it names the call inside the closure, e.g. `i32AddImm($4)`;
run it on the sources the profiled binary was built from, or the names are wrong).
Prints the handler families by instructions, then the pairs by count with the
kernels contributing most. Used to pick fusions (docs/performance.md, "Round 5").

  Scripts/callgrind-pairs.py [--top N] ours.strscan.cg ours.statevm.cg ...
(profiles made as Scripts/callgrind-handlers.py says, one per kernel).
"""
import collections, re, sys, glob, os
import importlib.util

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("cgh", os.path.join(HERE, "callgrind-handlers.py"))
cgh = importlib.util.module_from_spec(spec); spec.loader.exec_module(cgh)

SRC = os.path.join(HERE, "..", "Sources", "WasmInterp")

def parse_edges(path):
    edges = collections.Counter(); names = {}; current = None; callee = None
    entries = collections.Counter(); self_ir = collections.Counter()
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("fn="):
                current = cgh.resolve(line[3:], names); callee = None
            elif line.startswith("cfn="):
                callee = cgh.resolve(line[4:], names)
            elif line.startswith("calls="):
                n = int(line[6:].split()[0])
                edges[(current, callee)] += n; entries[callee] += n
                callee = "skip"
            elif line and (line[0].isdigit() or line[0] in "+-*"):
                if callee == "skip": callee = None; continue
                parts = line.split()
                if len(parts) >= 2 and current is not None: self_ir[current] += int(parts[1])
    return edges, entries, self_ir

_bodies = {}
def closure_target(ctx, n):
    key = (ctx, n)
    if key in _bodies: return _bodies[key]
    result = None
    for fn in glob.glob(SRC + "/*.swift"):
        text = open(fn).read()
        m = re.search(r"(func %s\b|let %s\b|var %s\b)" % (ctx, ctx, ctx), text)
        if not m: continue
        body = text[m.start():]
        # body up to next top-level declaration
        end = re.search(r"\n(func |let |var |private |enum |struct |extension |///)", body[1:])
        body = body[: end.start() + 1] if end else body
        calls = [re.sub(r"\$[0-4], ", "", c.strip())[:60] for c in re.findall(r"\{([^{}]*\$0[^{}]*)\}", body)]
        if 0 < n <= len(calls): result = calls[n - 1]
        break
    _bodies[key] = result
    return result

def family(name, readable):
    text = readable.get(name, name)
    m = re.search(r"closure #(\d+) in (?:variable initialization expression of )?(?:static )?(?:WasmInterp\.)?(?:\w+\.)?(\w+)", text)
    if m:
        ctx = m.group(2); n = int(m.group(1))
        t = closure_target(ctx, n)
        if t: return t
        return f"{ctx}#{n}"
    text = re.sub(r"\(.*", "", text).replace("WasmInterp.", "")
    return text[:80]

def main():
    args = sys.argv[1:]; top = 60
    if "--top" in args:
        i = args.index("--top"); top = int(args[i + 1]); del args[i:i + 2]
    total_pairs = collections.Counter(); per_kernel = {}
    fam_entries = collections.Counter(); fam_ir = collections.Counter()
    for path in args:
        edges, entries, self_ir = parse_edges(path)
        names = set(n for e in edges for n in e if n) | set(self_ir)
        handlers = [n for n in names if cgh.is_handler(n)]
        readable = cgh.demangle(handlers)
        fam = {h: family(h, readable) for h in handlers}
        k = collections.Counter()
        for (a, b), n in edges.items():
            if a in fam and b in fam and fam[a] != fam[b]:
                k[(fam[a], fam[b])] += n
        for h in handlers:
            fam_entries[fam[h]] += entries[h]; fam_ir[fam[h]] += self_ir[h]
        per_kernel[os.path.basename(path)] = k
        total_pairs.update(k)
    print("== families by Ir")
    for f, ir in fam_ir.most_common(top):
        print(f"{ir:>13,} Ir {fam_entries[f]:>11,} x {ir / max(fam_entries[f],1):6.1f}  {f}")
    print("== pairs")
    for (a, b), n in total_pairs.most_common(top):
        ks = sorted(((kk, c[(a, b)]) for kk, c in per_kernel.items() if c[(a, b)]), key=lambda x: -x[1])[:4]
        print(f"{n:>11,}  {a} -> {b}   [" + ", ".join(f"{kk.split('.')[-1]}:{c:,}" for kk, c in ks) + "]")
if __name__ == "__main__":
    main()
