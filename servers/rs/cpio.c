/* rs finds the table and the binaries in its archive with pm's cpio reader. */
#include "../pm/cpio.c"
