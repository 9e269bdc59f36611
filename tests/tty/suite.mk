# The tty suite: the terminal driver through its protocol, with keys typed by the harness.
SUITES += tty
tty.image := tests/tty/image.list
tty.run := --expected tests/tty/expected.txt --typing
