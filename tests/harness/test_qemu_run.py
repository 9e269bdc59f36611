#!/usr/bin/env python3
"""release/qemu-run's options: each boot or refusal checked by its exit status and output.

Prints "TEST name PASS|FAIL reason" lines, like a unit test binary; every
QEMU run has a time limit.
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN = os.path.join(ROOT, "release", "qemu-run")
ISO = os.environ.get("AXOLOTL_ISO", os.path.join(ROOT, "build", "axolotl.iso"))  # make test names its build
failures = 0


def run(*args, timeout=60):
    try:
        p = subprocess.run([RUN, "--iso", ISO, "--timeout", "45", *args], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", ""


def report(name, ok, why):
    global failures
    print("TEST %s %s" % (name, "PASS" if ok else "FAIL " + why))
    failures += not ok


def boots(name, *args):
    code, out = run(*args)
    report(name, code == 0 and "init: /etc/rc ended" in out, "status %s, last output %r" % (code, out[-200:]))


def refuses(name, *args):
    code, out = run(*args, timeout=20)
    lines = [l for l in out.splitlines() if l.strip()]
    report(name, code == 2 and len(lines) == 1 and lines[0].startswith("qemu-run: "),
           "status %s, output %r" % (code, out[-200:]))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        disks = []
        for i in range(3):
            disks.append(os.path.join(tmp, "d%d.img" % i))
            with open(disks[-1], "wb") as f:
                f.truncate(1 << 20)
        boots("qemu_run_boots_and_powers_off")
        boots("qemu_run_two_ahci_disks_and_a_forwarded_port", "--disk", disks[0], "--disk", disks[1],
              "--hostfwd", "tcp:18475-:80")
        boots("qemu_run_pc_with_three_ide_disks", "--machine", "pc", "--mem", "64", "--disk", disks[0], "--disk",
              disks[1], "--disk", disks[2])
        refuses("qemu_run_missing_disk_refused", "--disk", os.path.join(tmp, "nope.img"))
        refuses("qemu_run_bad_hostfwd_refused", "--hostfwd", "udp:1-:2")
        refuses("qemu_run_too_many_ide_disks_refused", "--machine", "pc", *sum([["--disk", d] for d in disks * 2], []))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
