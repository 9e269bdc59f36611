#!/usr/bin/env python3
"""Boot the benchmark image twice and print a table of its figures.

Plain run: guest cycles per operation (rdtsc; under TCG a scaled host clock,
so noisy). With -icount shift=0 the guest TSC advances one tick per guest
instruction, so the same figure is guest instructions per operation and
repeats from run to run.
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

BENCH_RE = re.compile(r"BENCH (\S+) ([\d.]+) (\d+)")


def boot(iso, extra, timeout):
    con = qemu.Console(qemu.command(iso, extra=extra))
    figures, deadline = {}, time.monotonic() + timeout
    try:
        while True:
            line = con.readline(deadline)
            if line is None or line is qemu.TIMEOUT:
                raise SystemExit("bench: the image stopped or timed out before BENCHES DONE (%s)" % extra)
            m = BENCH_RE.search(line)
            if m:
                figures[m.group(1)] = float(m.group(2))
            if "BENCHES DONE" in line:
                return figures
    finally:
        con.proc.kill()
        con.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--iso", required=True)
    p.add_argument("--timeout", type=int, default=120)
    args = p.parse_args()
    if not os.path.exists(args.iso):
        p.error("no image %s (run make first)" % args.iso)
    plain = boot(args.iso, "", args.timeout)
    counted = boot(args.iso, "-icount shift=0", args.timeout)
    print("| benchmark | guest cycles/op (plain TCG) | guest instructions/op (-icount shift=0) |")
    print("| --- | ---: | ---: |")
    for name in plain:
        print("| %s | %.1f | %.1f |" % (name, plain[name], counted.get(name, float("nan"))))


if __name__ == "__main__":
    main()
