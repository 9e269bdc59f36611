#!/usr/bin/env python3
"""Boot a test image in QEMU and report each test it runs.

The image prints "TEST <name> PASS" or "TEST <name> FAIL <reason>" on the
serial console, then "TESTS DONE", and powers off. Every expected test that
is never reported fails (with the reason: time-out or the system stopped).
With --expect-line, the suite is one test that passes when each regular
expression is seen, in order.

Prints "PASS suite/name" or "FAIL suite/name: reason" per test and last
"SUITE <suite> <passed> <failed>". Exit status 0 only if everything passed.
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

TEST_RE = re.compile(r"TEST (\S+) (PASS|FAIL)(.*)")
TYPE_RE = re.compile(r"HARNESS-TYPE ([0-9a-f]+)")  # with --typing: the guest asks for these bytes (hex) on its serial port


def read_expected(path):
    names = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(line)
    return names


def run(args):
    log = args.log or os.path.join("build", "logs", args.name + ".log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    con = qemu.Console(qemu.command(args.iso, args.machine, args.mem, args.uefi, args.qemu), log,
                       typing=args.typing)
    start = time.monotonic()
    total_deadline = start + args.total_timeout
    step_deadline = start + args.step_timeout
    results, stop_reason = {}, None
    patterns = [re.compile(p) for p in args.expect_line]
    seen = 0
    try:
        while True:
            line = con.readline(min(step_deadline, total_deadline))
            if line is None:
                stop_reason = "not reported (system stopped)"
                break
            if line is qemu.TIMEOUT:
                which = "total" if time.monotonic() >= total_deadline else "step"
                stop_reason = "not reported (%s time-out after %ds)" % (
                    which, args.total_timeout if which == "total" else args.step_timeout)
                break
            if patterns:
                if seen < len(patterns) and patterns[seen].search(line):
                    seen += 1
                    step_deadline = time.monotonic() + args.step_timeout
                    if seen == len(patterns):
                        break
                continue
            t = TYPE_RE.search(line) if args.typing else None
            if t:
                con.type(bytes.fromhex(t.group(1)))
                continue
            m = TEST_RE.search(line)
            if m:
                name, verdict, why = m.group(1), m.group(2), m.group(3).strip()
                if name not in results or verdict == "FAIL":  # reported again: a failure is never hidden
                    if name in results and results[name][0] == "PASS":
                        why = "passed, then failed when reported again: " + why
                    results[name] = (verdict, why)
                step_deadline = time.monotonic() + args.step_timeout
            elif "TESTS DONE" in line:
                stop_reason = "not reported (image finished without it)"
                break
    finally:
        con.proc.kill()
        con.close()

    outcomes = []
    if patterns:
        ok = seen == len(patterns)
        why = "" if ok else "never saw %r: %s" % (args.expect_line[seen], stop_reason)
        outcomes.append((args.name, ok, why))
    else:
        expected = read_expected(args.expected)
        for name in expected:
            if name not in results:
                outcomes.append((name, False, stop_reason or "not reported"))
            else:
                verdict, why = results[name]
                outcomes.append((name, verdict == "PASS", why))
        for name in results:
            if name not in expected:
                outcomes.append((name, False, "unexpected test (not in %s)" % args.expected))

    failed = [o for o in outcomes if not o[1]]
    for name, ok, why in outcomes:
        label = name if name == args.name else "%s/%s" % (args.name, name)
        print("PASS %s" % label if ok else "FAIL %s: %s" % (label, why))
    if failed:
        panics = [l for l in con.lines if "PANIC" in l]
        print("--- %s: last lines of the serial console (whole log: %s)" % (args.name, log))
        for l in (panics + con.lines[-30:]):
            print("    " + l)
    print("SUITE %s %d %d" % (args.name, len(outcomes) - len(failed), len(failed)))
    return 1 if failed else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--iso", required=True)
    p.add_argument("--name", required=True, help="suite name")
    p.add_argument("--expected", help="file naming every test, one a line")
    p.add_argument("--expect-line", action="append", default=[], metavar="REGEX")
    p.add_argument("--uefi", action="store_true")
    p.add_argument("--machine", default="q35", choices=["q35", "pc"])
    p.add_argument("--mem", type=int, default=128)
    p.add_argument("--step-timeout", type=int, default=30)
    p.add_argument("--total-timeout", type=int, default=300)
    p.add_argument("--typing", action="store_true",
                   help="type what the guest asks for in HARNESS-TYPE <hex> lines into its serial port")
    p.add_argument("--log")
    p.add_argument("--qemu", default="", help="extra QEMU arguments")
    args = p.parse_args()
    if not args.expected and not args.expect_line:
        p.error("give --expected FILE or --expect-line REGEX")
    if not os.path.exists(args.iso):
        p.error("no image %s (run make first)" % args.iso)
    sys.exit(run(args))


if __name__ == "__main__":
    main()
