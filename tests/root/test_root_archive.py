#!/usr/bin/env python3
"""The root file system archive (build/root.cpio), read back with a reader of its own.

Checks every BusyBox applet link (present, a symbolic link, resolving inside
the archive to /bin/busybox), the applets the system needs (enabled in
commands/busybox/config), device nodes (type, major, minor, mode), folders
and their modes, and /etc's files. Prints "TEST name PASS|FAIL reason" lines,
like a unit test binary; AXOLOTL_BUILD names the build folder (default build).
"""
import os
import posixpath
import stat
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("AXOLOTL_BUILD", os.path.join(ROOT, "build"))

# What the system needs from BusyBox (commands/busybox/config must keep them).
NEEDED = """ash sh ls cat cp mv rm mkdir rmdir ln chmod chown touch echo printf test [ expr seq sort
uniq wc head tail cut tr tee grep sed awk find xargs diff cmp od hexdump md5sum sha256sum dd sleep
date uname env kill ps top free uptime mount umount df du sync vi less more clear reset stty yes
true false poweroff reboot halt hostname id whoami""".split()

DEVICES = {  # path: (type, major, minor, permissions)
    "dev/console": ("c", 5, 1, 0o600), "dev/tty": ("c", 5, 0, 0o666), "dev/tty0": ("c", 4, 0, 0o620),
    "dev/tty1": ("c", 4, 1, 0o620), "dev/tty2": ("c", 4, 2, 0o620), "dev/tty3": ("c", 4, 3, 0o620),
    "dev/tty4": ("c", 4, 4, 0o620), "dev/ttyS0": ("c", 4, 64, 0o660), "dev/ttyS1": ("c", 4, 65, 0o660),
    "dev/null": ("c", 1, 3, 0o666), "dev/zero": ("c", 1, 5, 0o666), "dev/full": ("c", 1, 7, 0o666),
    "dev/random": ("c", 1, 8, 0o666), "dev/urandom": ("c", 1, 9, 0o666), "dev/ram0": ("b", 1, 0, 0o660),
}
FOLDERS = {"bin": 0o755, "sbin": 0o755, "usr/bin": 0o755, "usr/sbin": 0o755, "etc": 0o755, "dev": 0o755,
           "proc": 0o555, "tmp": 0o1777, "root": 0o700, "home": 0o755}
INITTAB_ACTIONS = {"sysinit", "wait", "once", "respawn", "askfirst", "shutdown", "ctrlaltdel", "restart"}

failures = 0


def report(name, ok, why=""):
    global failures
    print("TEST %s %s" % (name, "PASS" if ok else "FAIL " + why))
    failures += not ok


def read_newc(blob):
    """{path: (mode, uid, gid, nlink, (rmajor, rminor), data)}; raises ValueError on a bad archive."""
    entries, at = {}, 0
    while True:
        if blob[at:at + 6] != b"070701":
            raise ValueError("no newc magic at offset %d" % at)
        f = [int(blob[at + 6 + 8 * i:at + 14 + 8 * i], 16) for i in range(13)]
        namesize, filesize = f[11], f[6]
        name = blob[at + 110:at + 110 + namesize - 1].decode()
        data_at = (at + 110 + namesize + 3) & ~3
        data = blob[data_at:data_at + filesize]
        at = (data_at + filesize + 3) & ~3
        if name == "TRAILER!!!":
            return entries
        if name in entries:
            raise ValueError("%s twice" % name)
        entries[name] = (f[1], f[2], f[3], f[4], (f[9], f[10]), data)


def resolve(entries, path):
    """The archive path a path leads to, following symbolic links as a kernel does (None: nowhere)."""
    done, rest, hops = [], [p for p in path.split("/") if p], 0
    while rest:
        part = rest.pop(0)
        if part == "..":
            done = done[:-1]
            continue
        if part == ".":
            continue
        e = entries.get("/".join(done + [part]))
        if e is None:
            return None
        if stat.S_ISLNK(e[0]):
            hops += 1
            target = e[5].decode()
            if hops > 40:
                return None
            if target.startswith("/"):
                done = []
            rest = [p for p in target.split("/") if p] + rest
            continue
        done.append(part)
    return "/".join(done)


def text(entries, path):
    e = entries.get(path)
    return e[5].decode() if e and stat.S_ISREG(e[0]) else None


def check_applets(entries, busybox):
    listed = subprocess.run([busybox, "--list-full"], capture_output=True, text=True, timeout=30).stdout.split()
    report("root_busybox_lists_applets", len(listed) > 300, "only %d applets listed" % len(listed))
    bb = entries.get("bin/busybox")
    with open(busybox, "rb") as f:
        same = bb is not None and bb[5] == f.read()
    report("root_busybox_is_the_built_binary", same and stat.S_ISREG(bb[0]) and stat.S_IMODE(bb[0]) == 0o755,
           "bin/busybox missing, not 0755 or not build/bin/busybox")
    missing = [a for a in listed if a not in entries]
    report("root_every_applet_link_present", not missing, "missing: %s" % " ".join(missing[:10]))
    not_links = [a for a in listed if a in entries and not stat.S_ISLNK(entries[a][0])]
    report("root_applet_links_are_symlinks", not not_links, "not links: %s" % " ".join(not_links[:10]))
    wrong = [a for a in listed if a in entries and resolve(entries, a) != "bin/busybox"]
    report("root_applet_links_resolve_to_busybox", not wrong, "wrong: %s" % " ".join(wrong[:10]))
    names = {posixpath.basename(a) for a in listed}
    lacking = [a for a in NEEDED if a not in names]
    report("root_needed_applets_enabled", not lacking, "not in BusyBox's list: %s" % " ".join(lacking))
    report("root_sh_is_ash", resolve(entries, "bin/sh") == "bin/busybox" and "ash" in names, "no /bin/sh -> ash")


def check_devices(entries):
    bad = []
    for path, (kind, major, minor, perm) in DEVICES.items():
        e = entries.get(path)
        want_type = stat.S_IFCHR if kind == "c" else stat.S_IFBLK
        if not e or stat.S_IFMT(e[0]) != want_type or e[4] != (major, minor) or stat.S_IMODE(e[0]) != perm:
            got = "absent" if not e else "mode %o rdev %d:%d" % (e[0], e[4][0], e[4][1])
            bad.append("%s (%s)" % (path, got))
    report("root_device_nodes", not bad, "; ".join(bad))


def check_folders(entries):
    bad = []
    for path, perm in FOLDERS.items():
        e = entries.get(path)
        if not e or not stat.S_ISDIR(e[0]) or stat.S_IMODE(e[0]) != perm:
            bad.append("%s (%s)" % (path, "absent" if not e else "%o" % e[0]))
    report("root_folders_and_modes", not bad, "; ".join(bad))
    inside = [p for p in entries if p.startswith("proc/")]
    report("root_proc_is_an_empty_mount_point", not inside, "proc holds %s" % inside[:3])
    # every entry's folder is in the archive before it is needed, and is a folder
    orphans = [p for p in entries if "/" in p and not stat.S_ISDIR(entries.get(posixpath.dirname(p), (0,))[0])]
    report("root_every_parent_is_a_folder", not orphans, "no folder for %s" % orphans[:3])
    owners = sorted(p for p, e in entries.items() if (e[1], e[2]) != (0, 0))
    report("root_owned_by_root_but_the_users_home", owners == ["home/user"], "owners differ: %s" % owners[:5])


def check_etc(entries):
    tab = text(entries, "etc/inittab")
    bad = []
    for line in (tab or "").splitlines():
        if line.strip() and not line.startswith("#"):
            f = line.split(":", 3)
            if len(f) != 4 or f[2] not in INITTAB_ACTIONS or not f[3].strip():
                bad.append(line)
    actions = [l.split(":")[2] for l in (tab or "").splitlines() if l.count(":") >= 3 and not l.startswith("#")]
    report("root_inittab_in_busybox_format", tab is not None and not bad and "sysinit" in actions and
           "respawn" in actions, "bad lines: %s" % bad if tab else "no etc/inittab")
    rc = entries.get("etc/rc")
    report("root_rc_is_executable", rc is not None and stat.S_IMODE(rc[0]) == 0o755 and
           rc[5].startswith(b"#!/bin/sh") and b"/etc/boot-command" in rc[5], "etc/rc missing, not 0755 or no boot-command")
    users = {l.split(":")[0]: l.split(":") for l in (text(entries, "etc/passwd") or "").splitlines() if l.count(":") == 6}
    root = users.get("root")
    report("root_passwd_root", root is not None and root[2:4] == ["0", "0"] and root[5] == "/root" and
           root[6] == "/bin/sh", "root's line: %s" % root)
    # BusyBox's own passwd reader skips a line whose password field is empty: "x", and /etc/shadow
    shadow = entries.get("etc/shadow")
    names = [l.split(":")[0] for l in (shadow[5].decode() if shadow else "").splitlines() if l.count(":") == 8]
    report("root_passwd_fields_and_shadow", all(u[1] == "x" for u in users.values()) and shadow is not None and
           stat.S_IMODE(shadow[0]) == 0o600 and sorted(names) == sorted(users),
           "passwd fields %s, shadow %s" % ([u[1] for u in users.values()], names))
    normal = [u for u in users.values() if u[2].isdigit() and 1000 <= int(u[2]) < 60000]
    report("root_passwd_a_normal_user", len(normal) >= 1 and stat.S_ISDIR(entries.get(normal[0][5].lstrip("/"),
           (0,))[0]) and resolve(entries, normal[0][6]) == "bin/busybox", "no user with a home folder and a shell")
    gids = {l.split(":")[2] for l in (text(entries, "etc/group") or "").splitlines() if l.count(":") == 3}
    report("root_group_has_every_users_group", all(u[3] in gids for u in users.values()), "gids %s" % sorted(gids))
    prof = text(entries, "etc/profile") or ""
    report("root_profile_sets_ps1_path_aliases", "PS1=" in prof and "PATH=" in prof and "alias " in prof,
           "etc/profile lacks PS1, PATH or aliases")
    motd = text(entries, "etc/motd") or ""
    report("root_motd_says_what_to_try", "poweroff" in motd and "demo" in motd and "fault kill" in motd, "etc/motd")
    fstab = [l.split() for l in (text(entries, "etc/fstab") or "").splitlines() if l.strip() and l[0] != "#"]
    report("root_fstab_mounts_proc", ["proc", "/proc", "proc"] in [f[:3] for f in fstab], "fstab: %s" % fstab)
    host = (text(entries, "etc/hostname") or "").strip()
    report("root_hostname", host.isidentifier() or host.replace("-", "").isalnum(), "hostname %r" % host)


def main():
    archive = os.path.join(BUILD, "root.cpio")
    busybox = os.path.join(BUILD, "bin", "busybox")
    try:
        with open(archive, "rb") as f:
            entries = read_newc(f.read())
    except (OSError, ValueError) as e:
        report("root_archive_readable", False, "%s: %s (make %s)" % (archive, e, archive))
        sys.exit(1)
    report("root_archive_readable", True)
    check_applets(entries, busybox)
    check_devices(entries)
    check_folders(entries)
    check_etc(entries)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
