#!/usr/bin/env python3
"""Self-healing figures (make bench): how fast rs brings a driver back, how soon it sees a hang.

  restart: the default image runs `service restart memory` RUNS times
      (qemu-run --cmd); rs logs, for each, the time from the end of the old
      incarnation (ended by rs, reaped, as after a crash) to the new one's
      first answer to rs's ping: the whole recovery, in guest microseconds;
  hang: rs's test image (tests/rs), where svc_hang (heartbeat 100 ms) stops
      answering: rs logs how long it had been silent when rs ended it (the
      target: two periods + 1 ms), and the recovery of its next incarnation;
  RAM disk under faults: ramfault (tests/posixbench/ramfault) reads /dev/ram0
      whole again and again, checking every byte, for SECONDS quietly and then
      while the memory driver is crashed every 200 ms: the throughput lost
      (issue 16's target: under 5 %), the faults, errors and wrong bytes.

Each is run plainly (guest time follows host time, emulator costs included)
and under -icount shift=0 (guest time counts guest instructions: repeatable).
Figures never fail the run; a run that prints none does.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RECOVERED_RE = re.compile(r"rs: service (\S+) answers \(endpoint \d+\): recovered (\d+) us")
SILENT_RE = re.compile(r"rs: service (\S+) \(endpoint \d+\) missed its heartbeat: silent for ([\d.]+) ms \(2 (\d+) ms")
RAMFAULT_RE = re.compile(r"RAMFAULT (quiet|crashed) (\d+) faults (\d+) errors (\d+) wrong (\d+)")
ICOUNT = "-icount shift=0"


def restart_run(iso, runs, extra, timeout):
    """The recovery times (us) of `runs` restarts of the memory driver."""
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        script = "; ".join(["service restart memory"] * runs)
        cmd = [os.path.join(ROOT, "release", "qemu-run"), "--iso", iso, "--timeout", str(timeout),
               "--console-log", log.name, "--cmd", script]
        if extra:
            cmd += ["--qemu", extra]
        subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout + 30)
        text = open(log.name, errors="replace").read()
    got = [int(m.group(2)) for m in RECOVERED_RE.finditer(text) if m.group(1) == "memory"]
    if not got:
        raise SystemExit("bench: no recovery line for memory (%s)" % (extra or "plain"))
    return got


def hang_run(iso, extra, timeout):
    """(silence in ms, its period in ms, the recovery in us) of svc_hang in rs's test image."""
    con = qemu.Console(qemu.command(iso, extra=extra))
    silent = period = recovered = None
    deadline = time.monotonic() + timeout
    try:
        while recovered is None:
            line = con.readline(deadline)
            if line is None or line is qemu.TIMEOUT:
                break
            m = SILENT_RE.search(line)
            if m and m.group(1) == "svc_hang":
                silent, period = float(m.group(2)), int(m.group(3))
            m = RECOVERED_RE.search(line)
            if m and m.group(1) == "svc_hang":
                recovered = int(m.group(2))
    finally:
        con.proc.kill()
        con.close()
    if silent is None or recovered is None:
        raise SystemExit("bench: rs's test image showed no hang of svc_hang (%s)" % (extra or "plain"))
    return silent, period, recovered


def ramfault_run(iso, ramfault, seconds, extra, timeout):
    """{"quiet"|"crashed": (bytes/s, faults, errors, wrong)} of one ramfault run."""
    cmd = [os.path.join(ROOT, "release", "qemu-run"), "--iso", iso, "--timeout", str(timeout),
           "--add", ramfault + ":/bin/ramfault", "--cmd", "/bin/ramfault %d" % seconds]
    if extra:
        cmd += ["--qemu", extra]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout + 30)
    got = {m.group(1): tuple(int(m.group(i)) for i in range(2, 6)) for m in RAMFAULT_RE.finditer(p.stdout)}
    if len(got) != 2:
        raise SystemExit("bench: ramfault printed no figures:\n" + "\n".join(p.stdout.splitlines()[-10:]))
    return got


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--iso", required=True, help="the default image")
    p.add_argument("--rs-iso", required=True, help="rs's test image")
    p.add_argument("--ramfault", help="the ramfault binary (the RAM disk under faults)")
    p.add_argument("--ramfault-seconds", type=int, default=5)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--timeout", type=int, default=120)
    args = p.parse_args()

    print("Self-healing (QEMU TCG; guest time: plain follows the host, -icount counts instructions)")
    print()
    print("| figure | plain | -icount shift=0 | target |")
    print("| --- | ---: | ---: | --- |")
    plain = restart_run(args.iso, args.runs, "", args.timeout)
    counted = restart_run(args.iso, args.runs, ICOUNT, args.timeout)
    print("| memory driver: end of the old incarnation to the new one's first answer, median of %d (us) | %d | %d | "
          "under 5000 |" % (args.runs, statistics.median(plain), statistics.median(counted)))
    hp = hang_run(args.rs_iso, "", args.timeout)
    hc = hang_run(args.rs_iso, ICOUNT, args.timeout)
    print("| hung service: silence when rs ended it, past 2 periods of %d ms (ms) | %.3f | %.3f | under 1 |" %
          (hp[1], hp[0] - 2 * hp[1], hc[0] - 2 * hc[1]))
    print("| hung service: its end to the next incarnation's first answer (us) | %d | %d | under 5000 |" %
          (hp[2], hc[2]))
    if args.ramfault:
        rp = ramfault_run(args.iso, args.ramfault, args.ramfault_seconds, "", args.timeout)
        rc = ramfault_run(args.iso, args.ramfault, args.ramfault_seconds, ICOUNT, args.timeout * 4)
        loss = [100.0 * (r["quiet"][0] - r["crashed"][0]) / r["quiet"][0] for r in (rp, rc)]
        print("| RAM disk read, 64 KiB at a time, quiet (MB/s of guest time) | %.1f | %.1f | |" %
              (rp["quiet"][0] / 1e6, rc["quiet"][0] / 1e6))
        print("| the same, memory driver crashed every 200 ms (MB/s) | %.1f | %.1f | |" %
              (rp["crashed"][0] / 1e6, rc["crashed"][0] / 1e6))
        print("| throughput lost to the crashes (%%) | %.1f | %.1f | under 5 |" % (loss[0], loss[1]))
        print("| crashes in %d s; read errors; wrong bytes | %d; %d; %d | %d; %d; %d | 0 errors, 0 wrong |" %
              ((args.ramfault_seconds,) + rp["crashed"][1:] + rc["crashed"][1:]))
    print()
    print("restart recoveries, plain: %s; -icount: %s" % (plain, counted))


if __name__ == "__main__":
    main()
