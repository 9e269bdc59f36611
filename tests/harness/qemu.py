"""Start QEMU for Axolotl images and read its serial console with time limits.

Shared by systest.py, bench.py and release/qemu-run.
"""
import os
import re
import select
import shlex
import subprocess
import time

TIMEOUT = object()  # readline: nothing came before the deadline

OVMF_CANDIDATES = ("/usr/share/ovmf/OVMF.fd", "/usr/share/qemu/OVMF.fd")


def ovmf_path():
    for path in OVMF_CANDIDATES:
        if os.path.exists(path):
            return path
    raise SystemExit("qemu: no OVMF firmware found (install the ovmf package)")


def _machine(machine, mem, interactive):
    """What every run shares: the machine, its memory and devices, the console on stdio."""
    cmd = ["qemu-system-x86_64", "-M", machine, "-m", str(mem), "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    return cmd + (["-nographic"] if interactive else ["-display", "none", "-serial", "stdio", "-monitor", "none"])


def command(iso, machine="q35", mem=128, uefi=False, extra="", interactive=False):
    """The QEMU command line for booting iso; console on stdio."""
    cmd = _machine(machine, mem, interactive) + ["-cdrom", iso]
    if uefi:
        cmd += ["-bios", ovmf_path()]
    return cmd + shlex.split(extra)


def linux_command(kernel, initrd, append, machine="q35", mem=128, extra=""):
    """The same machine booting a Linux kernel and initramfs directly (SeaBIOS, no GRUB)."""
    cmd = _machine(machine, mem, False) + ["-kernel", kernel, "-initrd", initrd, "-append", append]
    return cmd + shlex.split(extra)


class Console:
    """A QEMU process whose serial output is read line by line."""

    def __init__(self, cmd, log_path=None, typing=False):
        """typing: keep QEMU's standard input (the serial port's receive side) open for type()."""
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if typing else subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.buf = b""
        self.lines = []
        self.log = open(log_path, "w") if log_path else None

    def readline(self, deadline):
        """Next line (str) before the deadline, TIMEOUT if none came, None when QEMU has exited."""
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return TIMEOUT
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                return TIMEOUT
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                if self.buf:
                    break
                return None
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        text = line.decode("utf-8", "replace").replace("\r", "")
        self.lines.append(text)
        if self.log:
            self.log.write(text + "\n")
            self.log.flush()
        return text

    def expect(self, pattern, deadline):
        """Read until pattern (a regex, searched in what came since the last match) is found.

        Returns the match, or None if the deadline passed or QEMU ended first.
        Independent of readline(): use one or the other on a console."""
        rx = re.compile(pattern)
        if not hasattr(self, "text"):
            self.text = ""
        while True:
            m = rx.search(self.text)
            if m:
                self.text = self.text[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                return None
            data = chunk.decode("utf-8", "replace")
            self.text += data
            if self.log:
                self.log.write(data)
                self.log.flush()

    def type(self, data):
        """Send bytes to the guest's serial port, as if typed (needs typing=True)."""
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def close(self):
        """Stop QEMU (if still running) and return its exit status."""
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log:
            self.log.close()
        return self.proc.returncode
