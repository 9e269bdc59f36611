/* rs checks and walks binaries with the kernel's own pure ELF code (kernel/elf.c). */
#include "../../kernel/elf.c"
