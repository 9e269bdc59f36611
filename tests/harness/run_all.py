#!/usr/bin/env python3
"""Run every test: host unit test binaries, then system suites in QEMU.

  run_all.py --unit DIR [--script PATH ...] --suite 'NAME:SYSTEST ARGS' [--suite ...]

Each unit binary prints "TEST name PASS|FAIL reason" lines and exits non-zero
on failure; a binary that crashes, times out (60 s) or fails without a FAIL
line counts as one failure. Each suite runs systest.py --name NAME ARGS.
The last line is "N passed, N failed"; the exit status is non-zero on any
failure, and also when no test ran at all.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT_RE = re.compile(r"^TEST (\S+) (PASS|FAIL)(.*)$")


def run_unit(path, timeout=60):
    """A unit test binary (60 s), or a script of the tree that boots the system (its own limits, within 900 s)."""
    passed = failed = 0
    name = os.path.basename(path)
    try:
        proc = subprocess.run([path], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        out, code = proc.stdout + proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as e:
        out, code = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), "timeout"
    for line in out.splitlines():
        m = UNIT_RE.match(line)
        if not m:
            continue
        if m.group(2) == "PASS":
            passed += 1
            print("PASS unit/%s" % m.group(1))
        else:
            failed += 1
            print("FAIL unit/%s:%s" % (m.group(1), m.group(3)))
    if code != 0 and failed == 0:
        failed += 1
        print("FAIL unit/%s: exited with %s without reporting a failure" % (name, code))
        print("\n".join("    " + l for l in out.splitlines()[-20:]))
    return passed, failed


def run_suite(spec):
    name, _, rest = spec.partition(":")
    cmd = [sys.executable, os.path.join(HERE, "systest.py"), "--name", name] + shlex.split(rest)
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    passed = failed = 0
    counted = False
    for line in proc.stdout.splitlines():
        m = re.match(r"^SUITE \S+ (\d+) (\d+)$", line)
        if m:
            passed, failed, counted = int(m.group(1)), int(m.group(2)), True
        else:
            print(line)
    if proc.returncode != 0 and not counted:
        print(proc.stderr.strip())
        print("FAIL %s: the harness itself failed (status %d)" % (name, proc.returncode))
        failed += 1
    return passed, failed


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--unit", help="folder of unit test binaries")
    p.add_argument("--suite", action="append", default=[], metavar="NAME:ARGS")
    p.add_argument("--script", action="append", default=[], metavar="PATH",
                   help="a test program of the tree, run like a unit test binary")
    args = p.parse_args()
    passed = failed = 0
    if args.unit:
        for entry in sorted(os.listdir(args.unit)):
            path = os.path.join(args.unit, entry)
            if os.path.isfile(path) and os.access(path, os.X_OK):
                p_, f_ = run_unit(path)
                passed, failed = passed + p_, failed + f_
    for path in args.script:
        p_, f_ = run_unit(path, timeout=900)
        passed, failed = passed + p_, failed + f_
    for spec in args.suite:
        p_, f_ = run_suite(spec)
        passed, failed = passed + p_, failed + f_
    if passed + failed == 0:
        print("FAIL no test ran")
        failed = 1
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
