# The POSIX suite: ordinary static programs checking Linux's behaviour
# (each check also passes on Linux: tests/posix/run-on-host).
SUITES += posix
posix.image := tests/posix/image.list
posix.archives := posix-programs.cpio=tests/posix/programs.list
posix.cpio.posix-programs.cpio := $(DEV_NODES)
posix.run := --expected tests/posix/expected.txt --step-timeout 60 --total-timeout 240
