#!/usr/bin/env python3
"""How many exec tracers one wasmbpfd holds, and what an idle guest costs.

For each guest count N (default 1 10 25 50 100 150 200), a fresh agent (release
build) loads N copies of the exec tracer fixture (ring buffer, `-m MARKER -n E`:
each prints and counts only execs and exits of a binary named MARKER, and exits 0
once it has seen E of them). Then:

  idle  the agent's resident memory (VmRSS) and CPU time over IDLE seconds with no
        events made by us (the tracers still wake every 100 ms to poll, and see
        the machine's other execs, which they filter out);
  load  RATE execs per second of MARKER for SECONDS (E = 2 * RATE * SECONDS events:
        exec and exit), the agent's CPU over that time, and how many tracers saw
        every one of their events (exited 0) within DRAIN seconds after the last.

A node "holds" N tracers when all N saw every event. Each tracer attaches its own
programs to sched_process_exec and sched_process_exit, and the kernel runs at most
64 BPF programs on one tracepoint (BPF_TRACE_MAX_PROGS; attaching more fails with
E2BIG), counting every program on the machine: that, not the agent, ends the curve. Prints a table (and JSON with
--json). Needs root, tracefs, the fixtures (Scripts/build-fixtures.sh) and
`swift build -c release --product wasmbpfd` (or WASMBPFD=path).
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKS = os.sysconf("SC_CLK_TCK")


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=120):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


class Agent:
    def __init__(self, binary, folder, fixtures):
        self.socket = os.path.join(folder, "run", "wasmbpfd.sock")
        self.log = open(os.path.join(folder, "agent.log"), "w")
        self.process = subprocess.Popen(
            [binary, "--socket", self.socket, "--allow-dir", fixtures, "--log-level", "warning"],
            stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            if os.path.exists(self.socket):
                try:
                    self.call("GET", "/v1/health")
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        raise RuntimeError("wasmbpfd did not start")

    def call(self, method, path, body=None):
        connection = UnixHTTPConnection(self.socket)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=json.dumps(body) if body is not None else None,
                           headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
        return json.loads(data) if data and response.getheader("Content-Type", "").startswith("application/json") else data

    def usage(self):
        """(CPU seconds, resident bytes) of the agent process."""
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICKS
        rss = 0
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
        return cpu, rss

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=120)
        finally:
            self.log.close()


def make_execs(binary, rate, seconds):
    """Spawns `binary` `rate` times a second for `seconds`; returns how many ran."""
    count = 0
    total = int(rate * seconds)
    start = time.monotonic()
    for index in range(total):
        target = start + index / rate
        delay = target - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        pid = os.posix_spawn(binary, [binary], {})
        os.waitpid(pid, 0)
        count += 1
    return count, time.monotonic() - start


def measure(args, count, fixtures, tracer, folder):
    marker = f"wbs{os.getpid() % 100000}n{count}"
    binary = os.path.join(folder, marker)
    shutil.copy("/bin/true", binary)
    os.chmod(binary, 0o755)
    expected = 2 * int(args.rate * args.seconds)
    agent = Agent(args.wasmbpfd, folder, fixtures)
    try:
        cpu0, rss0 = agent.usage()
        began = time.monotonic()
        for index in range(count):
            agent.call("POST", "/v1/guests", {
                "name": f"tracer-{index}",
                "spec": {"module": {"file": tracer},
                         "args": ["-m", marker, "-n", str(expected), "-t", "3600000"],
                         "policy": {"preset": "observe"}}})
        while True:
            guests = agent.call("GET", "/v1/guests")["guests"]
            if all(g["links"] == 2 for g in guests):
                break
            ended = [g for g in guests if g["state"] == "ended"]
            if ended:
                # The kernel runs at most 64 BPF programs on one tracepoint (E2BIG past
                # that, counting every program on the machine attached there).
                log = agent.call("GET", f"/v1/guests/{ended[0]['name']}/logs").decode()
                raise RuntimeError(f"{len(ended)} of {count} tracers could not attach; "
                                   f"{ended[0]['name']}: {log.strip().splitlines()[-3:]}")
            if time.monotonic() - began > 300:
                raise RuntimeError("tracers did not attach within 300 s")
            time.sleep(0.1)
        load_seconds = time.monotonic() - began
        time.sleep(2)
        cpu1, rss1 = agent.usage()
        time.sleep(args.idle)
        cpu2, rss2 = agent.usage()
        idle_cpu = (cpu2 - cpu1) / args.idle
        made, took = make_execs(binary, args.rate, args.seconds)
        cpu3, _ = agent.usage()
        load_cpu = (cpu3 - cpu2) / took
        deadline = time.monotonic() + args.drain
        complete = 0
        while time.monotonic() < deadline:
            guests = agent.call("GET", "/v1/guests")["guests"]
            complete = sum(1 for g in guests if g["state"] == "ended"
                           and g.get("outcome", {}).get("exitCode") == 0)
            if complete == count:
                break
            time.sleep(0.25)
        drained = time.monotonic() - (deadline - args.drain)
        guests = agent.call("GET", "/v1/guests")["guests"]
        fuel = sum(g["fuelUsed"] for g in guests)
        _, rss_end = agent.usage()
        status = agent.stop()
        return {
            "guests": count,
            "load_seconds": round(load_seconds, 2),
            "rss_empty_mib": round(rss0 / 2**20, 1),
            "rss_idle_mib": round(rss2 / 2**20, 1),
            "rss_per_guest_kib": round((rss2 - rss0) / 1024 / count, 0) if count else 0,
            "idle_cpu_percent": round(100 * idle_cpu, 2),
            "idle_cpu_per_guest_percent": round(100 * idle_cpu / count, 3) if count else 0,
            "execs": made,
            "exec_rate": round(made / took, 1),
            "events_expected_per_guest": expected,
            "load_cpu_percent": round(100 * load_cpu, 1),
            "complete": complete,
            "drain_seconds": round(drained, 2),
            "fuel_total": fuel,
            "rss_after_mib": round(rss_end / 2**20, 1),
            "exit_status": status,
        }
    except BaseException:
        if agent.process.poll() is None:
            agent.process.kill()
        raise


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("counts", nargs="*", type=int, default=[1, 10, 25, 50, 100, 150, 200])
    parser.add_argument("--rate", type=float, default=50, help="execs per second (default 50)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds of execs (default 10)")
    parser.add_argument("--idle", type=float, default=10, help="seconds of idle measurement (default 10)")
    parser.add_argument("--drain", type=float, default=30, help="seconds to wait for the last events")
    parser.add_argument("--wasmbpfd", default=os.environ.get(
        "WASMBPFD", os.path.join(ROOT, ".build-release/release/wasmbpfd")))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    fixtures = os.path.join(ROOT, "Fixtures", "generated")
    tracer = os.path.join(fixtures, "bpf", "guests", "exectrace.wasm")
    if not os.path.exists(tracer):
        sys.exit("fixtures missing: run Scripts/build-fixtures.sh")
    with open("/proc/loadavg") as f:
        print(f"# load average before: {f.read().strip()}; {os.cpu_count()} CPUs", flush=True)
    rows = []
    for count in args.counts:
        folder = tempfile.mkdtemp(prefix="wasmbpfd-scale-")
        try:
            row = measure(args, count, fixtures, tracer, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        rows.append(row)
        print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    with open("/proc/loadavg") as f:
        print(f"# load average after: {f.read().strip()}")
    print()
    print("| guests | RSS MiB (empty agent) | RSS per guest KiB | idle CPU % | idle CPU % per guest "
          "| execs/s | events per guest | CPU % under load | tracers with every event |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['guests']} | {r['rss_idle_mib']} ({r['rss_empty_mib']}) | {r['rss_per_guest_kib']:.0f} "
              f"| {r['idle_cpu_percent']} | {r['idle_cpu_per_guest_percent']} | {r['exec_rate']} "
              f"| {r['events_expected_per_guest']} | {r['load_cpu_percent']} | {r['complete']}/{r['guests']} |")
    if args.json:
        print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
