#!/usr/bin/env python3
"""Run every test: host unit test binaries, then system suites in QEMU.

  run_all.py --unit DIR [--script PATH ...] --suite 'NAME:SYSTEST ARGS' [--suite ...]

Each unit binary prints "TEST name PASS|FAIL reason" lines and exits non-zero
on failure; a binary that crashes, times out (60 s) or fails without a FAIL
line counts as one failure. Each suite runs systest.py --name NAME ARGS.

Output: one line per unit binary, script and suite (its name and counts),
and under it every failure with its context (the reason, the last lines of
the output or of the serial console); with --verbose (or V=1 in the
environment) every check's line too. The last line is "N passed, N failed";
the exit status is non-zero on any failure, and also when no test ran at all.
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
    """A unit test binary (60 s), or a script of the tree that boots the system (its own limits, within 900 s).

    Returns (passed, failed, lines): lines as they would be printed, check by check."""
    passed = failed = 0
    lines = []
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
            lines.append("PASS unit/%s" % m.group(1))
        else:
            failed += 1
            lines.append("FAIL unit/%s:%s" % (m.group(1), m.group(3)))
    if failed or code != 0:
        if failed == 0:
            failed += 1
            lines.append("FAIL unit/%s: exited with %s without reporting a failure" % (name, code))
        lines.append("--- %s: last lines of its output" % name)
        lines.extend("    " + l for l in out.splitlines()[-20:])
    return passed, failed, lines


def run_suite(spec):
    name, _, rest = spec.partition(":")
    cmd = [sys.executable, os.path.join(HERE, "systest.py"), "--name", name] + shlex.split(rest)
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    passed = failed = 0
    counted = False
    lines = []
    for line in proc.stdout.splitlines():
        m = re.match(r"^SUITE \S+ (\d+) (\d+)$", line)
        if m:
            passed, failed, counted = int(m.group(1)), int(m.group(2)), True
        else:
            lines.append(line)
    if proc.returncode != 0 and not counted:
        lines.append(proc.stderr.strip())
        lines.append("FAIL %s: the harness itself failed (status %d)" % (name, proc.returncode))
        failed += 1
    return passed, failed, lines


def report(name, passed, failed, lines, verbose):
    """One line for a unit binary, script or suite; then its failures with their context, or every line."""
    print("%-8s %-34s %5d passed%s" % ("FAIL" if failed else "ok", name, passed,
                                       ", %d failed" % failed if failed else ""))
    for line in lines:
        if verbose or (failed and not line.startswith("PASS ")):
            print("    " + line)
    sys.stdout.flush()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--unit", help="folder of unit test binaries")
    p.add_argument("--suite", action="append", default=[], metavar="NAME:ARGS")
    p.add_argument("--script", action="append", default=[], metavar="PATH",
                   help="a test program of the tree, run like a unit test binary")
    p.add_argument("--verbose", action="store_true", default=os.environ.get("V") == "1",
                   help="every check's line, not only failures (also V=1)")
    args = p.parse_args()
    passed = failed = 0
    if args.unit:
        for entry in sorted(os.listdir(args.unit)):
            path = os.path.join(args.unit, entry)
            if os.path.isfile(path) and os.access(path, os.X_OK):
                p_, f_, lines = run_unit(path)
                report("unit/" + entry, p_, f_, lines, args.verbose)
                passed, failed = passed + p_, failed + f_
    for path in args.script:
        p_, f_, lines = run_unit(path, timeout=900)
        report(os.path.relpath(path), p_, f_, lines, args.verbose)
        passed, failed = passed + p_, failed + f_
    for spec in args.suite:
        p_, f_, lines = run_suite(spec)
        report(spec.partition(":")[0], p_, f_, lines, args.verbose)
        passed, failed = passed + p_, failed + f_
    if passed + failed == 0:
        print("FAIL no test ran")
        failed = 1
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
