# Axolotl: build, run and test. Everything built or downloaded goes to build/.
#
#   make          the bootable ISO (build/axolotl.iso), BIOS and UEFI
#   make run      boot it in QEMU with the console on this terminal
#   make test     host unit tests + system tests in QEMU; ends "N passed, N failed"
#   make test-shell  the BusyBox ash suite inside the system (qemu-run --cmd)
#   make test-init   init as pid 1 of a Linux pid namespace, with BusyBox
#   make bench    kernel and POSIX benchmarks (guest cycles and instructions), POSIX
#                 ones side by side with Linux in the same QEMU
#   make loc      the kernel's size in lines of code

B := build
CC := gcc
PYTHON := python3

WARN := -Wall -Wextra -Werror
KCFLAGS := -std=c11 -O2 -g -ffreestanding -fno-pie -fno-pic -fno-stack-protector -mno-red-zone \
	-mcmodel=kernel -mgeneral-regs-only -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	$(WARN) -Ikernel/include -Ilib
UCFLAGS := -std=c11 -O2 -g -ffreestanding -fno-pie -fno-pic -fno-stack-protector \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables $(WARN) -Ikernel/include -Ilib/sys/include -Ilib
ULDFLAGS := -nostdlib -static -no-pie -Wl,-z,max-page-size=4096 -Wl,--build-id=none -Wl,-z,noexecstack
# Every object records the headers it read (-MMD), each also as a target of
# its own (-MP: a header removed does not break the build): make reads these
# .d files at the end, so no rule lists headers by hand.
DEPFLAGS := -MMD -MP
HOSTCFLAGS := -std=c11 -O1 -g $(WARN) -Ikernel/include -Ikernel -Ilib/sys -Ilib -Iservers/vm -I$(B)/gen -fsanitize=address,undefined

# ---- kernel ---------------------------------------------------------------

KSRC := $(wildcard kernel/*.c kernel/arch/x86_64/*.c)
KASM := $(wildcard kernel/arch/x86_64/*.S)
KOBJ := $(patsubst %,$(B)/%.o,$(KSRC) $(KASM))
# libraries the kernel shares with the servers (pure logic, built freestanding here)
KLIB := lib/elf/elf.c lib/format/format.c lib/string/string.c
KOBJ += $(patsubst %,$(B)/klib/%.o,$(KLIB))
KERNEL := $(B)/kernel/axolotl.elf

$(B)/kernel/%.c.o: kernel/%.c
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/klib/%.c.o: %.c
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/kernel/%.S.o: kernel/%.S
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) $(DEPFLAGS) -c $< -o $@

$(KERNEL): $(KOBJ) kernel/arch/x86_64/kernel.ld
	$(CC) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack \
		-Wl,--no-warn-rwx-segments -T kernel/arch/x86_64/kernel.ld $(KOBJ) -o $@

# ---- lib/sys and boot programs ----------------------------------------------

LIBSYS_SRC := $(filter-out lib/sys/musl.c,$(wildcard lib/sys/*.c lib/sys/*.S)) lib/format/format.c lib/string/string.c
LIBSYS_OBJ := $(patsubst %,$(B)/libsys/%.o,$(LIBSYS_SRC))
LIBSYS := $(B)/libsys/libsys.a

$(B)/libsys/%.o: %
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) $(DEPFLAGS) -c $< -o $@

$(LIBSYS): $(LIBSYS_OBJ)
	rm -f $@
	ar rcs $@ $^

# System processes on musl: musl's libc.a for pure functions, its own start-up;
# lib/sys replaces the thread-pointer set-up, _Exit and malloc (linked as
# objects, ahead of libc.a, so musl's members for them are never pulled in).
MUSL_CC := musl-gcc
MCFLAGS := -std=c11 -D_DEFAULT_SOURCE -O2 -g -static -fno-pie -no-pie -Wall -Wextra -Werror -Ikernel/include -Ilib/sys/include -Ilib \
	-Wl,-z,max-page-size=4096 -Wl,--build-id=none
LIBSYSM_SRC := lib/sys/ax.c lib/sys/print.c lib/sys/heap.c lib/sys/malloc.c lib/sys/musl.c lib/sys/server.c lib/sys/random.c lib/sys/info.c lib/sys/mounts.c lib/sys/kept.c lib/format/format.c
LIBSYSM_OBJ := $(patsubst %,$(B)/libsysm/%.o,$(LIBSYSM_SRC))

$(B)/libsysm/%.o: %
	@mkdir -p $(@D)
	$(MUSL_CC) $(MCFLAGS) $(DEPFLAGS) -c $< -o $@

# Libraries the servers share, lib/NAME/NAME.c with its NAME.h (included as
# <NAME/NAME.h>): one archive, so a program takes only what it calls.
LIBAX_SRC := lib/cpio/cpio.c lib/elf/elf.c lib/fsserver/fsserver.c lib/sys/sigq.c $(wildcard lib/driver/*.c)
LIBAX_OBJ := $(patsubst %,$(B)/libsysm/%.o,$(LIBAX_SRC))
LIBAX := $(B)/libsysm/libax.a
$(LIBAX): $(LIBAX_OBJ)
	rm -f $@
	ar rcs $@ $^

# A program's files are compiled one by one (objects under $(B)/mobj,
# uobj, pobj: musl servers, freestanding programs, POSIX programs), then linked.
objs_of = $(patsubst %.c,$(B)/$(2)/%.o,$(wildcard $(1)/*.c))
$(B)/mobj/%.o: %.c | $(LINUX_ABI) $(B)/gen/syscall_names.inc
	@mkdir -p $(@D)
	$(MUSL_CC) $(MCFLAGS) $(DEPFLAGS) -I$(B)/gen -c $< -o $@
define musl_program
$(B)/bin/$(notdir $(1)): $(call objs_of,$(1),mobj) $(LIBSYSM_OBJ) $(LIBAX)
	@mkdir -p $$(@D)
	$(MUSL_CC) $(MCFLAGS) $(call objs_of,$(1),mobj) $(LIBSYSM_OBJ) $(LIBAX) -o $$@
endef

# Linux's system call names, for pm's "not implemented" log lines: generated
# from the installed kernel headers (linux-libc-dev), not kept in the tree.
SYSCALL_HEADER := $(firstword $(wildcard /usr/include/x86_64-linux-gnu/asm/unistd_64.h /usr/include/asm/unistd_64.h))
$(B)/gen/syscall_names.inc: $(SYSCALL_HEADER)
	@mkdir -p $(@D)
	awk 'BEGIN { print "/* Generated from $(SYSCALL_HEADER). */" } \
	     $$1 == "#define" && $$2 ~ /^__NR_/ && $$3 ~ /^[0-9]+$$/ { sub(/^__NR_/, "", $$2); \
	       printf "[%s] = \"%s\",\n", $$3, $$2 }' $< > $@

# Linux's numbers for the servers, from the installed kernel headers too:
# <linuxabi/syscalls.h> names every call NR_NAME (NR_COUNT: one past the
# highest), <linuxabi/errno.h> every errno value as Linux's own headers do.
ERRNO_HEADER := $(firstword $(wildcard /usr/include/asm-generic/errno.h))
LINUX_ABI := $(B)/gen/linuxabi/syscalls.h $(B)/gen/linuxabi/errno.h
$(B)/gen/linuxabi/syscalls.h: $(SYSCALL_HEADER)
	@mkdir -p $(@D)
	awk 'BEGIN { print "/* Generated from $(SYSCALL_HEADER): Linux x86_64 call numbers. */"; \
	             print "#ifndef LINUXABI_SYSCALLS_H"; print "#define LINUXABI_SYSCALLS_H"; n = 0 } \
	     $$1 == "#define" && $$2 ~ /^__NR_/ && $$3 ~ /^[0-9]+$$/ { sub(/^__NR_/, "", $$2); \
	       printf "#define NR_%s %s\n", toupper($$2), $$3; if ($$3 + 1 > n) n = $$3 + 1 } \
	     END { printf "#define NR_COUNT %d /* one past the highest */\n#endif\n", n }' $< > $@
$(B)/gen/linuxabi/errno.h: $(ERRNO_HEADER) $(dir $(ERRNO_HEADER))errno-base.h
	@mkdir -p $(@D)
	{ echo '/* Generated from $(ERRNO_HEADER): Linux errno values. */'; \
	  echo '#ifndef LINUXABI_ERRNO_H'; echo '#define LINUXABI_ERRNO_H'; \
	  printf '#include <asm-generic/errno.h>\n' | $(CC) -E -dM -x c - | \
	    awk '$$1 == "#define" && $$2 ~ /^E[A-Z0-9]+$$/ && NF == 3 { print "#define", $$2, $$3 }' | sort -k3,3n -k2,2; \
	  echo '#endif'; } > $@


# A boot program is a folder of C files: servers/NAME, tests/{system,servers,pm,bench}/NAME.
# Those holding a file named MUSL are built on musl; the others freestanding.
# A folder is a program when it holds NAME/NAME.c or NAME/main.c (others
# hold a server's pure parts still growing, or configuration).
program_dirs = $(foreach d,$(patsubst %/,%,$(1)),$(if $(wildcard $(d)/$(notdir $(d)).c $(d)/main.c),$(d)))
$(B)/uobj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) $(DEPFLAGS) -c $< -o $@
define program
$(B)/bin/$(notdir $(1)): $(call objs_of,$(1),uobj) $(LIBSYS)
	@mkdir -p $$(@D)
	$(CC) $(UCFLAGS) $(ULDFLAGS) $(B)/libsys/lib/sys/start.S.o $(call objs_of,$(1),uobj) $(LIBSYS) -o $$@
endef
PROGRAM_DIRS := $(call program_dirs,$(wildcard servers/*/ drivers/*/ tests/system/*/ tests/servers/*/ tests/pm/*/ \
	tests/bench/*/ tests/rs/*/ tests/ramfs/*/ tests/vfs/*/ tests/tty/*/ tests/procfs/*/))
MUSL_DIRS := $(patsubst %/MUSL,%,$(wildcard $(addsuffix /MUSL,$(PROGRAM_DIRS))))
$(foreach d,$(filter-out $(MUSL_DIRS),$(PROGRAM_DIRS)),$(eval $(call program,$(d))))
$(foreach d,$(MUSL_DIRS),$(eval $(call musl_program,$(d))))

# Ordinary POSIX programs (our commands, the POSIX tests): static Linux
# executables from Debian's musl-gcc, exactly as a user would build them.
PCFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -static -Wall -Wextra -Werror -idirafter kernel/include -idirafter lib/sys/include
$(B)/pobj/%.o: %.c
	@mkdir -p $(@D)
	$(MUSL_CC) $(PCFLAGS) $(DEPFLAGS) -c $< -o $@
define posix_program
$(B)/bin/$(notdir $(1)): $(call objs_of,$(1),pobj)
	@mkdir -p $$(@D)
	$(MUSL_CC) $$(PCFLAGS) $(call objs_of,$(1),pobj) -o $$@
endef
# commands/busybox holds BusyBox's configuration, not our source (see below).
POSIX_DIRS := $(call program_dirs,$(wildcard commands/*/ tests/posix/*/ tests/posixbench/*/ tests/busybox/*/ tests/procfs/posix/*/ \
	tests/robust/*/ tests/service/*/))
$(foreach d,$(POSIX_DIRS),$(eval $(call posix_program,$(d))))
# the fuzzer names the calls it made as pm does
$(B)/pobj/tests/robust/fuzz/fuzz.o: $(B)/gen/syscall_names.inc
$(B)/pobj/tests/robust/fuzz/fuzz.o: PCFLAGS += -I$(B)/gen
PROGRAMS := $(foreach d,$(PROGRAM_DIRS) $(POSIX_DIRS),$(B)/bin/$(notdir $(d)))

# ---- BusyBox, from Debian's source package -----------------------------------

# apt-get source (release/setup adds the deb-src entry it needs) unpacks the
# source once into $(B)/src, which stays as Debian ships it: the build goes to
# $(B)/busybox/obj (make O=), from our configuration commands/busybox/config,
# with BusyBox's own flags (never ours: no -Werror), on Debian's musl-gcc.
# musl-gcc sees only musl's headers; BusyBox also needs the kernel's, so it
# gets a folder of links to linux-libc-dev's (never all of /usr/include, which
# would mix glibc's headers in). Rebuilt only when the configuration changes.
# Its make is a program of its own, not a sub-make: none of our variables,
# flags or job server reach it (and make -n does not start it).
BUSYBOX_VERSION := 1.35.0
BUSYBOX_SRC := $(B)/src/busybox-$(BUSYBOX_VERSION)
BUSYBOX_OUT := $(B)/busybox
# (asm is under the multiarch folder; asked for when the recipe runs, after set-up.)
BUSYBOX_KERNEL_HEADERS = /usr/include/linux /usr/include/asm-generic /usr/include/mtd \
	/usr/include/$(shell $(CC) -print-multiarch)/asm

$(B)/src/busybox.fetched:
	@mkdir -p $(@D)
	@rm -rf $(BUSYBOX_SRC)
	@echo "busybox: apt-get source busybox (into $(@D))"
	@cd $(@D) && apt-get source -q busybox >busybox-fetch.log 2>&1 || { cat busybox-fetch.log >&2; exit 1; }
	@test -f $(BUSYBOX_SRC)/Makefile || { echo "busybox: apt-get source gave no $(BUSYBOX_SRC): \
		Debian's version is not $(BUSYBOX_VERSION)? (see $(@D)/busybox-fetch.log)" >&2; exit 1; }
	@touch $@

$(BUSYBOX_OUT)/include/.made:
	@rm -rf $(@D)
	@mkdir -p $(@D)
	@for d in $(BUSYBOX_KERNEL_HEADERS); do \
		test -d $$d || { echo "busybox: no header folder $$d (package linux-libc-dev)" >&2; exit 1; }; done
	ln -s $(BUSYBOX_KERNEL_HEADERS) $(@D)/
	@touch $@

# The configuration, copied only when it differs, so that a touched but
# unchanged one (a fresh checkout, say) rebuilds nothing. (BusyBox rewrites
# its obj/.config, so that one cannot be compared.)
$(BUSYBOX_OUT)/config: commands/busybox/config
	@mkdir -p $(@D)
	@cmp -s $< $@ || { echo "cp $< $@"; cp $< $@; }

$(B)/bin/busybox: $(B)/src/busybox.fetched $(BUSYBOX_OUT)/include/.made $(BUSYBOX_OUT)/config
	@echo "busybox: building $(BUSYBOX_SRC) with $(MUSL_CC) (log: $(BUSYBOX_OUT)/build.log)"
	@mkdir -p $(BUSYBOX_OUT)/obj
	cp $(BUSYBOX_OUT)/config $(BUSYBOX_OUT)/obj/.config
	@env -u MAKEFLAGS -u MFLAGS -u CFLAGS -u CPPFLAGS -u LDFLAGS make -C $(BUSYBOX_SRC) -j2 \
		O=$(abspath $(BUSYBOX_OUT)/obj) CC="$(MUSL_CC) -isystem $(abspath $(BUSYBOX_OUT)/include)" \
		</dev/null >$(BUSYBOX_OUT)/build.log 2>&1 || { tail -40 $(BUSYBOX_OUT)/build.log >&2; exit 1; }
	@mkdir -p $(@D)
	cp $(BUSYBOX_OUT)/obj/busybox $@

# ---- boot images ------------------------------------------------------------

ISO := $(B)/axolotl.iso
BENCH_ISO := $(B)/bench.iso
POSIXBENCH_ISO := $(B)/posixbench.iso
RS_ISO := $(B)/rs.iso # the rs suite's image, which make bench's recovery figures use too

$(B)/%.iso: $(KERNEL) $(PROGRAMS) release/mkiso
	release/mkiso $@ $(LIST) $(B)/bin $(KERNEL)

# A program archive (cpio, given to a server as a boot data module) from a
# list of "PATH PROGRAM" (from build/bin) or "PATH @FILE" (from the tree) lines;
# a third argument adds more mkcpio entries (--chardev PATH=MAJOR:MINOR).
define archive
$(B)/bin/$(1): $(2) $(PROGRAMS) release/mkcpio $$(shell awk '!/^\#/ && NF == 2 && $$$$2 ~ /^@/ { print substr($$$$2, 2) }' $(2))
	release/mkcpio $$@ $$$$(awk '!/^#/ && NF == 2 { f = $$$$2; sub(/^@/, "", f); \
		print $$$$1 "=" ($$$$2 ~ /^@/ ? f : "$(B)/bin/" f) }' $(2)) $(3)
endef

# A boot image: its ISO, its list, and the archives the list loads.
define image
$(1): LIST := $(2)
$(1): $(2) $(3)
endef

$(eval $(call archive,system-services.cpio,release/images/services.list))
$(eval $(call image,$(ISO),release/images/default.list,$(B)/bin/system-services.cpio $(B)/bin/root.cpio))
$(eval $(call image,$(BENCH_ISO),tests/bench/image.list))
$(eval $(call archive,posixbench-programs.cpio,tests/posixbench/programs.list))
$(eval $(call image,$(POSIXBENCH_ISO),tests/posixbench/image.list,$(B)/bin/posixbench-programs.cpio))
# The device nodes of a POSIX test image's root (numbers as Linux's: docs/tty.md, proto/dev.h).
DEV_NODES := --chardev dev/console=5:1 --chardev dev/tty=5:0 --chardev dev/ttyS0=4:64 --chardev dev/ttyS1=4:65 \
	--chardev dev/null=1:3 --chardev dev/zero=1:5 --chardev dev/full=1:7 --chardev dev/random=1:8 --chardev dev/urandom=1:9

# ---- system test suites ------------------------------------------------------
#
# Each suite describes itself in a tests/*/suite.mk, read here in name order,
# so adding one touches no line of this file (README.md, "Tests"). It says:
#   SUITES += NAME                 the suite, as make test names it (one file may add several)
#   NAME.image := LIST             its boot image, built as $(B)/NAME.iso from LIST (release/mkiso)
#   NAME.archives := FILE=LIST ..  program archives the image loads, built as $(B)/bin/FILE from LIST
#   NAME.cpio.FILE := ARGS         more release/mkcpio arguments for one archive (device nodes)
#   NAME.needs := FILES            what else its archives or its run need built first
#   NAME.iso := ISO                instead of an image of its own: one built already (another suite's)
#   NAME.run := ARGS               tests/harness/systest.py's arguments besides --iso: --expected FILE,
#                                  --expect-line RE, --typing, --uefi, --qemu 'ARGS', timeouts
# and it may hold rules of its own for what it needs.
SUITES :=
include $(sort $(wildcard tests/*/suite.mk))
archive_file = $(firstword $(subst =, ,$(1)))
archive_list = $(word 2,$(subst =, ,$(1)))
suite_iso = $(or $($(1).iso),$(B)/$(1).iso)
$(foreach s,$(SUITES),$(foreach a,$($(s).archives),\
	$(eval $(call archive,$(call archive_file,$(a)),$(call archive_list,$(a)),$($(s).cpio.$(call archive_file,$(a)))))\
	$(eval $(B)/bin/$(call archive_file,$(a)): $($(s).needs))))
$(foreach s,$(SUITES),$(if $($(s).image),\
	$(eval $(call image,$(B)/$(s).iso,$($(s).image),$(foreach a,$($(s).archives),$(B)/bin/$(call archive_file,$(a))) $($(s).needs)))))
SUITE_DEPS := $(sort $(foreach s,$(SUITES),$(call suite_iso,$(s)) $($(s).needs)))
SUITE_ARGS := $(foreach s,$(SUITES),--suite "$(s):--iso $(call suite_iso,$(s)) $($(s).run)")

# ---- the root file system ------------------------------------------------------

# build/root.cpio, the boot data module "root.cpio" that ramfs fills the root
# from: release/images/root.spec (folders, devices, /etc from etc/root/), BusyBox
# and every applet link the built binary lists (relative symbolic links to
# /bin/busybox). A copy under build/bin is where mkiso looks for modules.
ROOT_CPIO := $(B)/root.cpio
$(B)/gen/busybox-links.spec: $(B)/bin/busybox
	@mkdir -p $(@D)
	$(B)/bin/busybox --list-full | awk -F/ '{ t = "bin/busybox"; if ($$1 == "bin" && NF == 2) t = "busybox"; \
		else for (i = 1; i < NF; i++) t = "../" t; print "slink " $$0 " " t }' > $@.new && mv $@.new $@
$(ROOT_CPIO): release/images/root.spec $(B)/gen/busybox-links.spec $(B)/bin/busybox $(B)/bin/service $(B)/bin/fault $(B)/bin/typein $(wildcard etc/root/* demos/*) release/mkcpio
	B=$(B) release/mkcpio $@ --spec release/images/root.spec --spec $(B)/gen/busybox-links.spec
$(B)/bin/root.cpio: $(ROOT_CPIO)
	@mkdir -p $(@D)
	cp $< $@

# ---- the Linux reference for make bench ---------------------------------------

# Debian's kernel and an initramfs whose /init is the same posixbench binary,
# /bin/nothing at the same path as on Axolotl, and the /dev/console Linux
# opens for init's standard descriptors. fetch-linux never fails: without a
# network it leaves no vmlinuz (and is tried again next time), and bench.py
# then reports the Axolotl side alone.
LINUX_DIR := $(B)/linux
LINUX_KERNEL := $(LINUX_DIR)/vmlinuz
LINUX_INITRD := $(LINUX_DIR)/initramfs.cpio

$(LINUX_KERNEL): tests/posixbench/fetch-linux
	tests/posixbench/fetch-linux $(LINUX_DIR)

# ... and for bench_system.py: BusyBox's ash as /init (the boot figure), and
# sysbench as /init with BusyBox as /bin/dd.
LINUX_SHELL_INITRD := $(LINUX_DIR)/shell.cpio
LINUX_SYSBENCH_INITRD := $(LINUX_DIR)/sysbench.cpio
$(LINUX_SHELL_INITRD): tests/posixbench/linux-shell-init $(B)/bin/busybox release/mkcpio
	@mkdir -p $(@D)
	release/mkcpio $@ init=tests/posixbench/linux-shell-init bin/sh=$(B)/bin/busybox --chardev dev/console=5:1
$(LINUX_SYSBENCH_INITRD): tests/posixbench/linux-sysbench.spec $(B)/bin/sysbench $(B)/bin/busybox release/mkcpio
	@mkdir -p $(@D)
	B=$(B) release/mkcpio $@ --spec tests/posixbench/linux-sysbench.spec

$(LINUX_INITRD): $(B)/bin/posixbench $(B)/bin/nothing release/mkcpio
	@mkdir -p $(@D)
	release/mkcpio $@ init=$(B)/bin/posixbench bin/nothing=$(B)/bin/nothing --chardev dev/console=5:1

# ---- host unit tests --------------------------------------------------------

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNIT_SRC))
# The kernel's pure logic, compiled for the host.
UNIT_KERNEL := kernel/frame.c lib/elf/elf.c kernel/grant.c kernel/bootspec.c kernel/ipcq.c kernel/ipc.c lib/format/format.c lib/sys/heap.c servers/vm/region.c lib/cpio/cpio.c servers/rs/table.c
UNIT_KERNEL += servers/ramfs/fs.c servers/ramfs/cpio.c
UNIT_KERNEL += servers/vfs/path.c servers/vfs/fdtable.c servers/vfs/held.c
UNIT_KERNEL += drivers/tty/line.c drivers/tty/vt.c drivers/tty/kbd.c
UNIT_KERNEL += commands/init/inittab.c
UNIT_KERNEL += servers/procfs/text.c lib/sys/mounts.c lib/driver/pending.c

# Compiled once into an archive; each test takes the objects it needs.
UNIT_HEADERS := $(wildcard kernel/*.h kernel/include/axolotl/*.h servers/*/*.h drivers/*/*.h lib/sys/*.h lib/sys/include/*/*.h lib/driver/*.h commands/*/*.h)
UNIT_OBJ := $(patsubst %.c,$(B)/unitobj/%.o,$(UNIT_KERNEL))
UNIT_LIB := $(B)/unitobj/libunit.a
$(B)/unitobj/%.o: %.c $(UNIT_HEADERS) $(LINUX_ABI)
	@mkdir -p $(@D)
	$(CC) $(HOSTCFLAGS) -c $< -o $@
$(UNIT_LIB): $(UNIT_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/unit/%: tests/unit/%.c tests/unit/check.h $(UNIT_LIB) $(UNIT_HEADERS) $(LINUX_ABI)
	@mkdir -p $(@D)
	$(CC) $(HOSTCFLAGS) $< $(UNIT_LIB) -o $@
$(B)/unit/test_service_table: servers/rs/table.h
$(B)/unit/test_inittab: commands/init/inittab.h

# ---- top-level targets ------------------------------------------------------

.PHONY: all setup run test test-shell test-init unit bench loc clean
.DEFAULT_GOAL := all

all: setup $(ISO) $(ROOT_CPIO)

setup:
	@release/setup

run: all
	release/qemu-run --iso $(ISO)

unit: setup $(UNIT_BIN)

test: setup $(UNIT_BIN) $(ROOT_CPIO) $(ISO) $(B)/bin/fuzz $(B)/bin/stress $(B)/bin/ttystate $(SUITE_DEPS)
	AXOLOTL_ISO=$(ISO) AXOLOTL_BUILD=$(B) $(PYTHON) tests/harness/run_all.py --unit $(B)/unit --script tests/harness/test_qemu_run.py \
		--script tests/root/test_root_archive.py --script tests/shell/run --script tests/service/run --script tests/fault/run --script tests/robust/run --script tests/harness/test_terminal.py \
		$(SUITE_ARGS)

# Not in make test yet: the shell suite needs the default image to boot to BusyBox
# with terminals and exec through vfs. tests/shell/run --host runs it on Linux.
test-shell: setup $(ISO) $(ROOT_CPIO)
	$(PYTHON) tests/shell/run --iso $(ISO)

# init as pid 1 of a Linux pid namespace (needs user namespaces, as tests/posix/run-on-host).
test-init: setup $(B)/bin/init $(B)/bin/busybox
	$(PYTHON) tests/init/run-on-host --build $(B)

# kills, crashes and exits per driver class in bench_faults.py's campaigns (about 30 ms each under -icount)
FAULTS ?= 100000
bench: setup $(BENCH_ISO) $(POSIXBENCH_ISO) $(LINUX_KERNEL) $(LINUX_INITRD) $(ISO) $(B)/bin/sysbench \
		$(LINUX_SHELL_INITRD) $(LINUX_SYSBENCH_INITRD) $(RS_ISO) $(B)/bin/fuzz $(B)/bin/stress $(B)/bin/ramfault
	$(PYTHON) tests/harness/bench.py --iso $(BENCH_ISO) --posix-iso $(POSIXBENCH_ISO) \
		--linux-kernel $(LINUX_KERNEL) --linux-initrd $(LINUX_INITRD)
	@echo
	$(PYTHON) tests/harness/bench_system.py --iso $(ISO) --sysbench $(B)/bin/sysbench \
		--linux-kernel $(LINUX_KERNEL) --linux-shell-initrd $(LINUX_SHELL_INITRD) \
		--linux-sysbench-initrd $(LINUX_SYSBENCH_INITRD)
	@echo
	$(PYTHON) tests/harness/bench_recovery.py --iso $(ISO) --rs-iso $(RS_ISO) --ramfault $(B)/bin/ramfault
	@echo
	$(PYTHON) tests/harness/bench_faults.py --iso $(ISO) --faults $(FAULTS)
	@echo
	$(PYTHON) tests/robust/long --iso $(ISO) --fuzz $(B)/bin/fuzz --stress $(B)/bin/stress --seconds 600 --stress-seconds 30

loc:
	@release/loc

clean:
	rm -rf $(B)

# The headers each object was built with (DEPFLAGS).
-include $(shell find $(B) -name '*.d' -type f 2>/dev/null)
