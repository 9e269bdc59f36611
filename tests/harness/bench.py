#!/usr/bin/env python3
"""Boot the benchmark images twice each and print tables of their figures.

Plain run: guest cycles per operation (rdtsc; under TCG a scaled host clock,
so noisy). With -icount shift=0 the guest TSC advances one tick per guest
instruction, so the same figure is guest instructions per operation and
repeats from run to run.

The kernel table comes from tests/bench (--iso). The POSIX table
(--posix-iso) comes from tests/posixbench: one static Linux program, run as
Axolotl's first POSIX process and, for reference, as /init of Debian's
kernel in the same QEMU (--linux-kernel, --linux-initrd). Without the Linux
kernel (it could not be fetched) the table has the Axolotl side only, and
one line says why. Figures never fail the run; an image that does not get
to BENCHES DONE, or reports BENCH_ERROR, does.
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

BENCH_RE = re.compile(r"BENCH (\S+) ([\d.]+) (\d+)")
ICOUNT = "-icount shift=0"
# quiet: the kernel's log would interleave with the BENCH lines on ttyS0;
# panic=-1 with -no-reboot: should /init die, QEMU ends at once.
LINUX_APPEND = "console=ttyS0 quiet panic=-1"
POSIX_OPS = (
    ("getpid", "`getpid` (raw system call)"),
    ("fork_wait", "`fork` + child `_exit(0)` + `wait4`"),
    ("fork_exec_wait", "`fork` + `execve(\"/bin/nothing\")` + `wait4`"),
    ("page_fault", "page fault (first write to an anonymous page)"),
)


def boot(cmd, label, timeout):
    """The {name: figure} a booted image reports; exits with its last lines if it fails."""
    con = qemu.Console(cmd)
    figures, deadline = {}, time.monotonic() + timeout
    try:
        while True:
            line = con.readline(deadline)
            if line is None or line is qemu.TIMEOUT or "BENCH_ERROR" in line:
                why = {None: "stopped", qemu.TIMEOUT: "timed out after %d s" % timeout}.get(line, "reported an error")
                tail = "\n".join("  | " + s for s in con.lines[-15:])
                raise SystemExit("bench: %s %s before BENCHES DONE; its last lines:\n%s" % (label, why, tail))
            m = BENCH_RE.search(line)
            if m:
                figures[m.group(1)] = float(m.group(2))
            if "BENCHES DONE" in line:
                return figures
    finally:
        con.proc.kill()
        con.close()


def plain_and_counted(make_cmd, label, timeout):
    """Figures of a plain run and of an -icount run of the same image."""
    return (boot(make_cmd(""), label, timeout),
            boot(make_cmd(ICOUNT), "%s (%s)" % (label, ICOUNT), timeout))


def fig(value):
    return "-" if value is None else "{:,.1f}".format(value)


def kernel_table(iso, timeout):
    plain, counted = plain_and_counted(lambda extra: qemu.command(iso, extra=extra), iso, timeout)
    print("| benchmark | guest cycles/op (plain TCG) | guest instructions/op (-icount shift=0) |")
    print("| --- | ---: | ---: |")
    for name in plain:
        print("| %s | %.1f | %.1f |" % (name, plain[name], counted.get(name, float("nan"))))


def linux_reference(kernel, initrd):
    """(kernel, initrd, package) when the Linux side can run, else (None, None, why)."""
    if not kernel or not initrd:
        return None, None, "not asked for (no --linux-kernel and --linux-initrd)"
    if not os.path.exists(kernel):
        log = os.path.join(os.path.dirname(kernel), "fetch.log")
        return None, None, "Debian's kernel could not be fetched (no %s; see %s)" % (kernel, log)
    if not os.path.exists(initrd):
        raise SystemExit("bench: no initramfs %s (run make bench)" % initrd)
    try:
        with open(os.path.join(os.path.dirname(kernel), "package")) as f:
            package = f.read().strip()
    except OSError:
        package = os.path.basename(kernel)
    return kernel, initrd, package


def ratio(a, b):
    return "-" if a is None or b is None or b == 0 else "%.2f" % (a / b)


def posix_table(iso, kernel, initrd, timeout):
    ax_plain, ax_count = plain_and_counted(lambda extra: qemu.command(iso, extra=extra), iso, timeout)
    kernel, initrd, package = linux_reference(kernel, initrd)
    lx_plain, lx_count = {}, {}
    if kernel:
        lx_plain, lx_count = plain_and_counted(
            lambda extra: qemu.linux_command(kernel, initrd, LINUX_APPEND, extra=extra), "Linux " + package, timeout)
    print()
    if kernel:
        print("POSIX operations, the same static binary (tests/posixbench) on Axolotl and on Linux (%s);" % package)
    else:
        print("Linux reference: %s: Axolotl figures only." % package)
    print("QEMU TCG, -M q35, default CPU; per operation:")
    print()
    print("| operation | Axolotl cycles | Linux cycles | Axolotl instructions (-icount shift=0) "
          "| Linux instructions | ratio (Axolotl/Linux instructions) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, title in POSIX_OPS:
        a_c, l_c, a_i, l_i = ax_plain.get(name), lx_plain.get(name), ax_count.get(name), lx_count.get(name)
        print("| %s | %s | %s | %s | %s | %s |" % (title, fig(a_c), fig(l_c), fig(a_i), fig(l_i), ratio(a_i, l_i)))
    missing = [n for n, _ in POSIX_OPS if n not in ax_plain or n not in ax_count]
    if missing:
        raise SystemExit("bench: %s reported no figure for %s" % (iso, ", ".join(missing)))
    if kernel:
        print()
        print("targets: getpid at most 2x Linux's instructions: %sx; fork+execve+wait no slower than Linux: "
              "%sx its instructions, %sx its cycles" % (ratio(ax_count["getpid"], lx_count.get("getpid")),
                                                         ratio(ax_count["fork_exec_wait"], lx_count.get("fork_exec_wait")),
                                                         ratio(ax_plain["fork_exec_wait"], lx_plain.get("fork_exec_wait"))))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--iso", required=True, help="the kernel benchmark image (tests/bench)")
    p.add_argument("--posix-iso", help="the POSIX benchmark image (tests/posixbench)")
    p.add_argument("--linux-kernel", help="Debian's vmlinuz, for the Linux column")
    p.add_argument("--linux-initrd", help="the initramfs whose /init is posixbench")
    p.add_argument("--timeout", type=int, default=120, help="seconds each boot may take")
    args = p.parse_args()
    for iso in (args.iso, args.posix_iso):
        if iso and not os.path.exists(iso):
            p.error("no image %s (run make first)" % iso)
    kernel_table(args.iso, args.timeout)
    if args.posix_iso:
        posix_table(args.posix_iso, args.linux_kernel, args.linux_initrd, args.timeout)


if __name__ == "__main__":
    main()
