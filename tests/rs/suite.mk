# The rs suite: services started, watched, restarted and given up on.
SUITES += rs
rs.image := tests/rs/image.list
rs.archives := rs-services.cpio=tests/rs/programs.list
rs.run := --expected tests/rs/expected.txt
