/*
 * Run by pminit through execve("/bin/echoargs", {"echoargs", "one", "two"},
 * {"A=1", "B=2"}): checks the start frame pm built and exits with a bitmask
 * of what was wrong (0: all right).
 */
#include "../../system/test.h"

int main(void)
{
	uint64_t *sp = ax_start_sp, argc = sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1, **e = envp;
	uint64_t *aux;
	int bad = 0, pagesz = 0, random = 0, phdr = 0, entry = 0;

	bad |= (argc != 3) << 0;
	bad |= (argc == 3 && (strcmp(argv[0], "echoargs") || strcmp(argv[1], "one") || strcmp(argv[2], "two") || argv[3])) << 1;
	bad |= (!envp[0] || strcmp(envp[0], "A=1") || !envp[1] || strcmp(envp[1], "B=2") || envp[2]) << 2;
	while (*e)
		e++;
	for (aux = (uint64_t *)(e + 1); aux[0]; aux += 2) {
		pagesz |= aux[0] == 6 && aux[1] == 4096;
		random |= aux[0] == 25 && aux[1] != 0;
		phdr |= aux[0] == 3 && aux[1] >= 0x400000;
		entry |= aux[0] == 9 && aux[1] >= 0x400000;
	}
	bad |= !(pagesz && random && phdr && entry) << 3;
	bad |= ((uint64_t)sp & 15) << 4; /* the ABI wants rsp 16-byte aligned at entry */
	posix_call(60, bad, 0, 0, 0, 0, 0);
	return bad;
}
