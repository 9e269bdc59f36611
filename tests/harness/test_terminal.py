#!/usr/bin/env python3
"""The terminal and job control, as a person at the console sees them.

Boots the default image with the console on a pipe, waits for BusyBox's
shell prompt on ttyS0, and types into it as a person would: line editing
in canonical mode, echo off, raw mode with VMIN and VTIME, the window
size, ^C, ^\\, ^Z with fg and bg, background jobs stopped by reading or
(with tostop) writing the terminal, and finally poweroff. Prints
"TEST name PASS|FAIL reason" lines; every wait has a deadline.
"""
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "harness"))
import qemu  # noqa: E402

ISO = os.environ.get("AXOLOTL_ISO", os.path.join(ROOT, "build", "axolotl.iso"))
PROMPT = r"@P@ $"  # set by the first command; typed as '@''P@ ' so its echo never matches
failures = 0


def report(name, ok, why=""):
    global failures
    print("TEST %s %s" % (name, "PASS" if ok else "FAIL " + why), flush=True)
    failures += not ok


class Shell:
    def __init__(self, console):
        self.c = console

    def wait(self, pattern, seconds=15):
        m = self.c.expect(pattern, time.monotonic() + seconds)
        self.seen = m.group(0) if m else None
        return m

    def run(self, line, pattern, seconds=15):
        """Type line and Enter; the text up to pattern's match (None if it never came)."""
        self.c.type(line.encode() + b"\r")
        return self.wait(pattern, seconds)

    def prompt(self, seconds=15):
        return self.wait(r"(?s).*?" + PROMPT, seconds)

    def key_until(self, key, pattern, tries=10, each=1.5):
        """Type a signal key until pattern shows: the state, not a time, says when the job was in the front.

        On a busy host the key may reach the terminal before the shell has
        handed it to the job (then the shell, which ignores it, gets it).
        """
        for _ in range(tries):
            self.c.type(key)
            m = self.wait(pattern, each)
            if m:
                return m
        return None

    def status_after_key(self, key):
        """A sleep in the front ended by key: the shell's $? after it, as a string (None if none came)."""
        self.run("echo go; sleep 100", r"\ngo\r?\n")
        self.key_until(key, r"(?s).*?" + PROMPT)
        m = self.run("echo st=$?", r"st=(\d+)\r?\n")
        self.prompt()
        return m and m.group(1)

    def until(self, line, pattern, good, tries=10, each=1.0):
        """Run line until good(match) holds: a state that comes in its own time (a background job's stop)."""
        m = None
        for _ in range(tries):
            m = self.run(line, pattern)
            if m is not None and good(m):
                return m
            time.sleep(each)
        return m


def main():
    log = os.path.join(ROOT, "build", "test_terminal.log")
    console = qemu.Console(qemu.command(ISO), log_path=log, typing=True)
    sh = Shell(console)
    try:
        ok = sh.wait(r"[#$] $", 90) is not None
        report("terminal_shell_prompt_on_the_console", ok, "no prompt in 90 s (log: %s)" % log)
        if not ok:
            return
        report("terminal_prompt_set", sh.run("PS1='@''P@ '", PROMPT) is not None, "no new prompt")

        m = sh.run("echo hel''lo", r"\nhello\r?\n(?s:.*?)" + PROMPT)
        report("terminal_command_output", m is not None, "no hello")

        # canonical mode, through cat (ash edits its own lines in raw mode)
        # typed once the shell printed "started": it has read its line and put the terminal back in
        # canonical mode (what comes while ash still edits its line is ash's), so the bytes wait for cat
        sh.run("echo started; cat", r"\nstarted\r?\n")
        console.type(b"abX\x7fc\r")
        report("terminal_erase_removes_a_character", sh.wait(r"\nabc\r\n") is not None, "cat did not get abc")
        console.type(b"xyz\x15def\r")
        report("terminal_kill_removes_the_line", sh.wait(r"\ndef\r\n") is not None, "cat did not get def")
        console.type(b"\x04")
        report("terminal_eof_ends_cat", sh.prompt() is not None, "no prompt after ^D")

        m = sh.run("stty -echo; echo reading; read v; stty echo; echo got:$v", r"\nreading\r?\n")
        console.type(b"secret\r")
        m = sh.wait(r"(?s)(.*?)got:(\w*)\r?\n")  # to the line's end: the word may come in pieces
        report("terminal_echo_off", m is not None and m.group(2) == "secret" and "secret" not in m.group(1),
               "saw %r" % (m.group(0) if m else None))
        sh.prompt()

        sh.run("stty -icanon min 3 time 0; echo raw; dd bs=1 count=3 2>/dev/null | od -An -c; stty icanon", r"\nraw\r?\n")
        console.type(b"xyz")
        report("terminal_raw_read_of_vmin_bytes", sh.wait(r"x\s+y\s+z") is not None, "od did not show x y z")
        sh.prompt()

        m = sh.run("stty -icanon min 0 time 5; dd bs=10 count=1 2>/dev/null | wc -c; stty sane", r"sane\r?\n\s*(\d+)\r?\n")
        report("terminal_vtime_read_times_out_empty", m is not None and m.group(1) == "0",
               "wc said %r" % (m.group(1) if m else None))
        sh.prompt()

        m = sh.run("stty rows 30 cols 100; stty size", r"size\r?\n(\d+ \d+)\r?\n")
        report("terminal_window_size", m is not None and m.group(1) == "30 100", "stty size said %r" % (m and m.group(1)))
        sh.prompt()

        st = sh.status_after_key(b"\x03")
        report("terminal_ctrl_c_ends_the_foreground_job", st == "130", "status %r" % st)
        st = sh.status_after_key(b"\x1c")
        report("terminal_ctrl_backslash_quits", st == "131", "status %r" % st)

        # job control: a sleep in the background, to the front, stopped, continued, killed
        sh.run("sleep 100 &", PROMPT)
        m = sh.run("jobs", r"(?s)jobs\r?\n(.*?)" + PROMPT)
        report("job_background_sleep_is_running", m is not None and "Running" in m.group(1) and "sleep 100" in m.group(1),
               "jobs said %r" % (m and m.group(1)))
        sh.run("fg", r"fg\r?\nsleep 100\r?\n")
        m = sh.key_until(b"\x1a", r"(?s)(.*?)" + PROMPT)
        report("job_ctrl_z_stops_it", m is not None and "Stopped" in m.group(1), "saw %r" % (m and m.group(1)))
        m = sh.run("bg", r"(?s)bg\r?\n(.*?)" + PROMPT)
        report("job_bg_continues_it", m is not None and "sleep 100" in m.group(1), "saw %r" % (m and m.group(1)))
        m = sh.run("jobs", r"(?s)jobs\r?\n(.*?)" + PROMPT)
        report("job_running_again", m is not None and "Running" in m.group(1), "jobs said %r" % (m and m.group(1)))
        # ^C typed before fg has handed the terminal to the job reaches the shell, which then leaves
        # the job running behind it: bring it to the front again until ^C ends it
        for _ in range(5):
            sh.run("fg", r"fg\r?\nsleep 100\r?\n")
            time.sleep(0.5)  # ash names the job first, then hands it the terminal: a person types after both
            sh.key_until(b"\x03", r"(?s).*?" + PROMPT)
            m = sh.run("jobs; echo end", r"(?s)end\r?\n(.*?)end\r?\n")
            sh.prompt()
            if m is None or "sleep" not in m.group(1):
                break
        report("job_ctrl_c_kills_it", m is not None and "sleep" not in m.group(1), "jobs said %r" % (m and m.group(1)))

        sh.run("cat &", PROMPT)
        m = sh.until("jobs", r"(?s)jobs\r?\n(.*?)" + PROMPT, lambda m: "Stopped" in m.group(1))
        report("job_background_read_stops_with_sigttin", m is not None and "Stopped (tty input)" in m.group(1),
               "jobs said %r" % (m and m.group(1)))
        sh.run("kill -9 %1", PROMPT)
        sh.run("stty tostop; echo to-the-front &", PROMPT)
        m = sh.until("jobs", r"(?s)jobs\r?\n(.*?)" + PROMPT, lambda m: "Stopped" in m.group(1))
        report("job_background_write_stops_with_tostop", m is not None and "Stopped (tty output)" in m.group(1),
               "jobs said %r" % (m and m.group(1)))
        m = sh.run("stty -tostop; fg", r"to-the-front")
        report("job_stopped_writer_continues_in_front", m is not None, "no output after fg")
        sh.prompt()

        # the terminal driver restarted under the shell: pm hears ^C from its new endpoint (through ds)
        m = sh.run("service restart tty; echo restarted=$?", r"restarted=(\d+)\r?\n", 30)
        report("terminal_tty_restarted_under_the_shell", m is not None and m.group(1) == "0",
               "service said %r" % (m and m.group(1)))
        sh.prompt()
        st = sh.status_after_key(b"\x03")
        report("terminal_ctrl_c_after_a_tty_restart", st == "130", "status %r" % st)

        # waiting for a line while the driver restarts (done when "restarted" shows): ash's read polls first, and
        # registers again with the next driver; head reads, and its read is issued again to the next driver
        sh.run("(sleep 1; service restart tty >/dev/null; echo restarted; sleep 4) & read v; echo got:$v", r"restarted\r?\n", 30)
        console.type(b"after\r")
        m = sh.wait(r"got:(\w*)\r?\n", 15)
        report("terminal_poll_across_a_tty_restart", m is not None and m.group(1) == "after",
               "saw %r" % (m and m.group(0)))
        sh.prompt()
        sh.run("(sleep 1; service restart tty >/dev/null; echo restarted) & head -n 1 | sed s/^/got:/",
               r"restarted\r?\n", 30)
        console.type(b"again\r")
        m = sh.wait(r"got:(\w*)\r?\n", 15)
        report("terminal_read_across_a_tty_restart", m is not None and m.group(1) == "again",
               "saw %r" % (m and m.group(0)))
        sh.prompt()

        # a line typed before a crash of the driver and not read yet is read after it: it was in the kept state
        sh.run("echo started; (sleep 2; fault crash tty >/dev/null 2>&1; echo crashed) & sleep 5; read v; echo got:$v",
               r"\nstarted\r?\n", 30)
        console.type(b"early\r")
        crashed = sh.wait(r"crashed\r?\n", 20) is not None
        m = sh.wait(r"got:(\w*)\r?\n", 20)
        if m is None:
            console.type(b"lost\r")  # the read still waits: end it, so the rest can go on
            sh.wait(r"got:(\w*)\r?\n", 10)
        report("terminal_line_typed_before_a_crash_read_after_it", crashed and m is not None and m.group(1) == "early",
               "crashed %s, saw %r" % (crashed, m and m.group(0)))
        sh.prompt()

        console.type(b"poweroff\r")
        deadline = time.monotonic() + 30
        while console.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        report("terminal_poweroff_ends_the_machine", console.proc.poll() is not None,
               "QEMU still running 30 s after poweroff")
    finally:
        if console.proc.poll() is None:
            console.proc.kill()
        console.close()


if __name__ == "__main__":
    main()
    sys.exit(1 if failures else 0)
