#!/usr/bin/env python3
"""Fault campaigns for make bench (issue 17's targets; docs/fault.md, "Campaigns").

For each driver class (memory, tty) one boot of the default image under
-icount shift=0 (guest time counts guest instructions, so the times are the
system's own, not the emulator's), running one after the other:

  kill,crash,exit   FAULTS faults: the faults the system must hide (no workload error, no wrong byte)
  hang              FAULTS/10, at least 10 (each takes two heartbeats, 500 ms of guest time, to be
                    seen: about 70 ms of host time for the emulator, whose loop of no-ops is cheap to run)
  flip-text,data    FAULTS/100 bits flips, 10 bits each: whatever follows, the system must stay up
  garbage           FAULTS/100 garbage replies: each the client's complaint and a restart

and prints each campaign's table line by line, then a summary per class:
the faults, the recoveries (median and maximum, guest ms: the targets are
under 5 and under 20), workload errors and wrong bytes, and whether the
system was up at the end of every campaign (no system crash, no hang).
Figures never fail the run; a boot that prints no table does.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROW_RE = re.compile(r"^(kill|crash|hang|exit|garbage|flip-text|flip-data|all)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)"
                    r"\s+(\d+)\s+(\d+)\s+(\d+)$")
RECOVERY_RE = re.compile(r"^recovery, .*: min ([\d.]+), median ([\d.]+), max ([\d.]+)$")
WORKLOAD_RE = re.compile(r"^workload: (\d+) operations, (\d+) errors, (\d+) wrong bytes$")
UP_RE = re.compile(r"^system: up after (\d+) faults$")
BEGIN_RE = re.compile(r"^fault: campaign of (\d+) faults into (\S+) \(kinds ([^;]+);")


def campaigns(faults):
    few = max(1, faults // 100)
    return [("kill,crash,exit", faults, ""), ("hang", max(10, faults // 10), ""), ("flip-text,flip-data", few, " --count 10"),
            ("garbage", few, " --window 1000")]


def run_class(iso, driver, faults, seed, timeout):
    script = "".join("fault campaign %s --faults %d --kinds %s --seed %d%s; echo campaign-status $?\n" %
                     (driver, n, kinds, seed, extra) for kinds, n, extra in campaigns(faults))
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
        f.write(script)
        path = f.name
    try:
        cmd = [os.path.join(ROOT, "release", "qemu-run"), "--iso", iso, "--qemu", "-icount shift=0", "--timeout",
               str(timeout), "--add", path + ":/root/bench.sh", "--cmd", "sh /root/bench.sh"]
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout + 60)
        return p.stdout
    finally:
        os.unlink(path)


def summarize(driver, out):
    done, rows, rec, work, kinds = [], {}, [], [0, 0, 0], ""
    for line in out.splitlines():
        line = line.rstrip()
        if BEGIN_RE.match(line) or ROW_RE.match(line) or line.startswith(("detected by", "restarts:", "detection",
                                                                          "recovery", "workload", "stalled:", "system:")):
            print("  " + line)
        m = BEGIN_RE.match(line)
        if m:
            kinds = m.group(3).strip()
        m = ROW_RE.match(line)
        if m and m.group(1) != "all":
            r = rows.setdefault(m.group(1), [0] * 8)
            for i in range(8):
                r[i] += int(m.group(i + 2))
        m = RECOVERY_RE.match(line)
        if m:
            rec.append((kinds, float(m.group(1)), float(m.group(2)), float(m.group(3))))
        m = WORKLOAD_RE.match(line)
        if m:
            work = [work[i] + int(m.group(i + 1)) for i in range(3)]
        m = UP_RE.match(line)
        if m:
            done.append(int(m.group(1)))
    if not done:
        raise SystemExit("bench: the %s campaigns printed no table:\n%s" % (driver, "\n".join(out.splitlines()[-15:])))
    print("%s: %d campaigns of %d ended with the system up; faults by kind (injected/restarted/failed/not-back/"
          "no-effect/wrong/errors/refused):" % (driver, len(done), len(campaigns(1))))
    for k, r in rows.items():
        print("  %-10s %s" % (k, "/".join(str(x) for x in r)))
    for kinds, lo, med, hi in rec:  # the targets are the injected faults'; a flipped driver's restarts back off
        print("  recovery after %s, guest ms: min %.3f, median %.3f, max %.3f%s" %
              (kinds, lo, med, hi, " (targets: median < 5, max < 20)" if "flip" not in kinds else
               " (its own failures: rs's back-off included)"))
    print("  workload: %d operations, %d errors, %d wrong bytes (all campaigns, garbage and flips included)" %
          tuple(work))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--iso", required=True, help="the default image")
    p.add_argument("--faults", type=int, default=100000, help="kills, crashes and exits per driver class")
    p.add_argument("--seed", type=int, default=17)
    p.add_argument("--drivers", default="memory,tty", help="the driver classes, comma-separated (one boot each)")
    args = p.parse_args()
    # about 30 ms of host time per fault under -icount, a hang 0.1 s, a flip or garbage 0.5 s: with room
    timeout = int(args.faults * 0.1 + max(10, args.faults // 10) * 0.5 + (args.faults // 100) * 5 + 600)
    print("Fault campaigns (tests/harness/bench_faults.py), QEMU TCG -icount shift=0, %d faults per class" %
          args.faults)
    for driver in args.drivers.split(","):
        summarize(driver, run_class(args.iso, driver, args.faults, args.seed, timeout))


if __name__ == "__main__":
    main()
