# The servers suite: ds and the libraries servers share, as boot processes.
SUITES += servers
servers.image := tests/servers/image.list
servers.run := --expected tests/servers/expected.txt
