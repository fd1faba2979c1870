#!/usr/bin/env python3
# The wasmtime side of wasmbpf-bench's `wasmtime/` benchmarks (WasmKit cannot run
# their Wasm 3.0 kernels): instantiates one kernel in wasmtime (PyPI `wasmtime`,
# Cranelift, its default configuration plus the 3.0 proposals the kernel uses) and
# serves timed calls of its `run` export over stdin/stdout, so that the harness can
# interleave them with its own runs.
#
# Usage: wasmtime_peer.py KERNEL.wasm|KERNEL.wat [--once N]
# With --once: one call run(N), then one line "RESULT SECONDS PEAK_RSS_KB" and exit
# (the GC workloads, GCBenchmarks.swift; the peak is this whole Python process's).
# Protocol, one line each way: "N" -> "RESULT SECONDS" (SECONDS: the call alone,
# measured with perf_counter); "quit" or end of input stops.
import sys
import time

import wasmtime


def main():
    path = sys.argv[1]
    config = wasmtime.Config()
    config.wasm_tail_call = True
    config.wasm_exceptions = True
    config.wasm_function_references = True
    config.wasm_gc = True
    engine = wasmtime.Engine(config)
    if path.endswith(".wat"):
        module = wasmtime.Module(engine, open(path).read())
    else:
        module = wasmtime.Module.from_file(engine, path)
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store.set_wasi(wasmtime.WasiConfig())
    instance = linker.instantiate(store, module)
    run = instance.exports(store)["run"]
    if len(sys.argv) == 4 and sys.argv[2] == "--once":
        n = int(sys.argv[3])
        start = time.perf_counter()
        result = run(store, n)
        elapsed = time.perf_counter() - start
        peak = 0
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1])
        print(f"{result & 0xFFFFFFFF} {elapsed!r} {peak}", flush=True)
        return
    print("ready", flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line or line == "quit":
            break
        n = int(line)
        start = time.perf_counter()
        result = run(store, n)
        elapsed = time.perf_counter() - start
        print(f"{result & 0xFFFFFFFF} {elapsed!r}", flush=True)


if __name__ == "__main__":
    main()
