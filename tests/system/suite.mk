# The kernel suite: test programs as boot processes, checking IPC, kernel
# calls, scheduling, memory, exceptions and privileges (expected.txt).
SUITES += kernel
kernel.image := tests/system/image.list
kernel.run := --expected tests/system/expected.txt
