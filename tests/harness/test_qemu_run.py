#!/usr/bin/env python3
"""release/qemu-run's options: each boot or refusal checked by its exit status and output.

Also its own logic without the system: the extra archive --add and --cmd
build (--dry-run), and --cmd's output, status, time-out and console log
with a stand-in for QEMU (AXOLOTL_QEMU).

Prints "TEST name PASS|FAIL reason" lines, like a unit test binary; every
QEMU run has a time limit.
"""
import os
import socket
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


def free_port():
    """A loopback port nobody holds now: another make test running beside this one takes another."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def report(name, ok, why):
    global failures
    print("TEST %s %s" % (name, "PASS" if ok else "FAIL " + why))
    failures += not ok


def boots(name, *args):
    """The system boots, runs a command in its shell and powers off: qemu-run gives the command's output and status."""
    code, out = run(*args, "--cmd", "echo booted-$((6 * 7)); exit 3")
    report(name, code == 3 and "booted-42" in out, "status %s, last output %r" % (code, out[-200:]))


def refuses(name, *args):
    code, out = run(*args, timeout=20)
    lines = [l for l in out.splitlines() if l.strip()]
    report(name, code == 2 and len(lines) == 1 and lines[0].startswith("qemu-run: "),
           "status %s, output %r" % (code, out[-200:]))


def run_plain(*args, env=None, timeout=30):
    """qemu-run without the default --iso/--timeout: (status, stdout, stderr)."""
    try:
        p = subprocess.run([RUN, *args], stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                           env=dict(os.environ, **(env or {})))
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def refuses_plain(name, *args):
    code, out, err = run_plain(*args)
    lines = [l for l in (out + err).splitlines() if l.strip()]
    report(name, code == 2 and len(lines) == 1 and lines[0].startswith("qemu-run: "),
           "status %s, output %r" % (code, (out + err)[-200:]))


def read_newc(path):
    """{name: (mode, data)} of a newc archive (the root archive test's reader)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("rootcheck", os.path.join(ROOT, "tests", "root",
                                                                           "test_root_archive.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    with open(path, "rb") as f:
        return {k: (v[0], v[5]) for k, v in mod.read_newc(f.read()).items()}


def dry_run_archive(tmp, *args):
    """The QEMU command qemu-run --dry-run prints, and the extra archive it names (None if none)."""
    code, out, err = run_plain("--iso", RUN, "--dry-run", *args)
    words = out.split()
    arc = None
    for w in words:
        if w.startswith("name=opt/axolotl/extra.cpio,file="):
            path = w.split("file=", 1)[1]
            arc = read_newc(path)
            os.unlink(path)
    return code, words, arc


def check_archives(tmp):
    tool = os.path.join(tmp, "tool")
    note = os.path.join(tmp, "note.txt")
    tree = os.path.join(tmp, "tree")
    with open(tool, "w") as f:
        f.write("#!/bin/sh\necho tool\n")
    os.chmod(tool, 0o755)
    with open(note, "w") as f:
        f.write("a note\n")
    os.chmod(note, 0o640)
    os.makedirs(os.path.join(tree, "sub"))
    with open(os.path.join(tree, "sub", "leaf"), "w") as f:
        f.write("leaf\n")
    code, words, arc = dry_run_archive(tmp, "--add", tool, "--add", note, "--add", note + ":/etc/x/y.conf",
                                       "--add", tool + ":/usr/local/bin/", "--add", tree, "--cmd", "echo hi; exit 3")
    arc = arc or {}
    report("qemu_run_add_executable_to_bin_mode_kept", arc.get("bin/tool", (0,))[0] == 0o100755 and
           arc["bin/tool"][1] == b"#!/bin/sh\necho tool\n", "archive %s" % sorted(arc))
    report("qemu_run_add_other_file_to_root_mode_kept", arc.get("root/note.txt", (0,))[0] == 0o100640,
           "archive %s" % sorted(arc))
    report("qemu_run_add_to_a_guest_path", arc.get("etc/x/y.conf", (0, b""))[1] == b"a note\n" and
           "usr/local/bin/tool" in arc, "archive %s" % sorted(arc))
    report("qemu_run_add_a_folder", arc.get("root/tree/sub/leaf", (0, b""))[1] == b"leaf\n" and
           arc.get("root/tree/sub", (0,))[0] & 0o170000 == 0o040000, "archive %s" % sorted(arc))
    report("qemu_run_cmd_is_etc_boot_command", arc.get("etc/boot-command") == (0o100644, b"echo hi; exit 3\n"),
           "archive has %r" % (arc.get("etc/boot-command"),))
    report("qemu_run_extra_archive_leaves_existing_folders", not any(k in arc for k in ("bin", "etc", "root", "usr")),
           "parents in the archive: %s" % sorted(arc))
    serials = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "-serial"]
    report("qemu_run_cmd_console_to_log_com2_to_us", code == 0 and len(serials) == 2 and
           serials[0].startswith("file:") and serials[1] == "stdio", "serial ports %s" % serials)
    if serials and serials[0].startswith("file:") and os.path.exists(serials[0][5:]):
        os.unlink(serials[0][5:])
    code, words, arc = dry_run_archive(tmp)
    report("qemu_run_no_extra_archive_without_add", code == 0 and arc is None and "-fw_cfg" not in words,
           "status %s, %s" % (code, words))
    refuses_plain("qemu_run_add_missing_file_refused", "--iso", RUN, "--add", os.path.join(tmp, "nope"))
    refuses_plain("qemu_run_add_same_path_twice_refused", "--iso", RUN, "--add", note + ":/a", "--add", tool + ":/a")
    refuses_plain("qemu_run_empty_cmd_refused", "--iso", RUN, "--cmd", " ")
    refuses_plain("qemu_run_zero_timeout_refused", "--iso", RUN, "--timeout", "0")
    refuses_plain("qemu_run_console_log_without_cmd_refused", "--iso", RUN, "--console-log", "x.log")
    refuses_plain("qemu_run_unknown_option_refused", "--iso", RUN, "--frobnicate")
    refuses_plain("qemu_run_bad_mem_refused", "--iso", RUN, "--mem", "lots")


FAKE_QEMU = r"""#!/usr/bin/env python3
# A stand-in for qemu-system-x86_64: what the guest would write to COM1 (a file) and COM2 (stdout).
import os, sys, time
args = sys.argv[1:]
log = [args[i + 1][5:] for i, a in enumerate(args[:-1]) if a == "-serial" and args[i + 1].startswith("file:")]
if log:
    open(log[0], "w").write("Axolotl kernel booting\n")
mode = os.environ["FAKE_MODE"]
out = sys.stdout.buffer
if mode == "ok":
    out.write(b"line one\r\nline two\r\n@@axolotl-exit-status 3@@\r\n")
elif mode == "split":
    out.write(b"no newline at the end")
    out.flush(); time.sleep(0.3)
    out.write(b"@@axolotl-exit-")
    out.flush(); time.sleep(0.3)
    out.write(b"status 0@@\r\n")
elif mode == "nostatus":
    out.write(b"oops\r\n")
elif mode == "hang":
    out.flush(); time.sleep(30)
elif mode == "nopoweroff":
    out.write(b"@@axolotl-exit-status 9@@\r\n")
    out.flush(); time.sleep(30)
out.flush()
"""


def check_command_runs(tmp):
    fake = os.path.join(tmp, "fake-qemu")
    with open(fake, "w") as f:
        f.write(FAKE_QEMU)
    os.chmod(fake, 0o755)
    log = os.path.join(tmp, "console.log")

    def cmd(mode, *more):
        return run_plain("--iso", RUN, "--cmd", "true", *more, env={"AXOLOTL_QEMU": fake, "FAKE_MODE": mode})

    code, out, err = cmd("ok", "--console-log", log)
    report("qemu_run_cmd_output_and_status", code == 3 and out == "line one\nline two\n" and err == "",
           "status %s, out %r, err %r" % (code, out, err))
    report("qemu_run_cmd_console_log_kept_when_asked", os.path.exists(log) and "booting" in open(log).read(), log)
    code, out, err = cmd("split")
    report("qemu_run_cmd_status_line_in_pieces", code == 0 and out == "no newline at the end" and err == "",
           "status %s, out %r, err %r" % (code, out, err))
    code, out, err = cmd("nostatus")
    named = err.rsplit("console log: ", 1)[-1].rstrip(")\n")
    report("qemu_run_cmd_no_status_125", code == 125 and out == "oops\n" and len(err.splitlines()) == 1 and
           os.path.exists(named) and "booting" in open(named).read(), "status %s, out %r, err %r" % (code, out, err))
    if os.path.exists(named):
        os.unlink(named)
    code, out, err = cmd("hang", "--timeout", "2")
    named = err.rsplit("console log: ", 1)[-1].rstrip(")\n")
    report("qemu_run_cmd_timeout_124", code == 124 and len(err.splitlines()) == 1 and "2 s" in err,
           "status %s, err %r" % (code, err))
    if os.path.exists(named):
        os.unlink(named)
    code, out, err = cmd("nopoweroff", "--timeout", "3")
    report("qemu_run_cmd_status_kept_when_no_power_off", code == 9 and "did not power off" in err,
           "status %s, err %r" % (code, err))
    named = err.rsplit("console log: ", 1)[-1].rstrip(")\n")
    if os.path.exists(named):
        os.unlink(named)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        check_archives(tmp)
        check_command_runs(tmp)
    with tempfile.TemporaryDirectory() as tmp:
        disks = []
        for i in range(3):
            disks.append(os.path.join(tmp, "d%d.img" % i))
            with open(disks[-1], "wb") as f:
                f.truncate(1 << 20)
        boots("qemu_run_boots_and_powers_off")
        boots("qemu_run_boots_to_a_shell_in_32_mib", "--mem", "32")
        boots("qemu_run_two_ahci_disks_and_a_forwarded_port", "--disk", disks[0], "--disk", disks[1],
              "--hostfwd", "tcp:%d-:80" % free_port())
        boots("qemu_run_pc_with_three_ide_disks", "--machine", "pc", "--mem", "64", "--disk", disks[0], "--disk",
              disks[1], "--disk", disks[2])
        refuses("qemu_run_missing_disk_refused", "--disk", os.path.join(tmp, "nope.img"))
        refuses("qemu_run_bad_hostfwd_refused", "--hostfwd", "udp:1-:2")
        refuses("qemu_run_too_many_ide_disks_refused", "--machine", "pc", *sum([["--disk", d] for d in disks * 2], []))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
