/*
 * A freestanding service: checks what rs hands a new process at its entry,
 * as the kernel does for boot processes: rdi = its endpoint, rsi = the
 * boot information page, rsp at a System V start frame with the table's
 * arguments (tests/rs/services: `args alpha beta`), and a boot information
 * page that lists it and what was started before it.
 */
#include "../rstest.h"

static const char *entry_name(endpoint_t ep)
{
	for (uint32_t i = 0; i < ax_bootinfo->count && i < AX_BOOT_MAX; i++)
		if (ax_bootinfo->procs[i].ep == ep)
			return ax_bootinfo->procs[i].name;
	return "";
}

int main(void)
{
	uint64_t *sp = ax_start_sp, argc = sp[0];
	char **argv = (char **)(sp + 1);
	uint64_t *envp = sp + 2 + argc, *aux = envp + 1;
	uint64_t phdr = 0, phent = 0, phnum = 0, pagesz = 0;
	int aux_ok = 1, slot = ax_self & (AX_NR_SLOTS - 1);

	test_result("rs_start_rdi_is_own_endpoint", ax_self > 0 && ax_self == ax_bootinfo->self, "rdi is not self");
	test_eq("rs_start_rsi_is_bootinfo_page", (int64_t)(uint64_t)ax_bootinfo, (int64_t)AX_BOOTINFO_ADDR);
	test_result("rs_start_slot_from_the_top", slot >= AX_NR_SLOTS - 32, "slot below the services' range");
	test_eq("rs_start_stack_aligned", (int64_t)((uint64_t)sp % 16), 0);
	test_result("rs_start_argv_from_table",
		    argc == 3 && strcmp(argv[0], "rs_start") == 0 && strcmp(argv[1], "alpha") == 0 &&
			    strcmp(argv[2], "beta") == 0 && argv[3] == 0,
		    "argv is not rs_start alpha beta");
	test_eq("rs_start_envp_empty", (int64_t)envp[0], 0);
	for (int i = 0; aux[i] != 0 && i < 64; i += 2) {
		if (aux[i] == 3)
			phdr = aux[i + 1];
		else if (aux[i] == 4)
			phent = aux[i + 1];
		else if (aux[i] == 5)
			phnum = aux[i + 1];
		else if (aux[i] == 6)
			pagesz = aux[i + 1];
		else
			aux_ok = 0;
	}
	/* The first program header of a static executable loaded at AT_PHDR: PT_LOAD (1) or PT_PHDR (6). */
	test_result("rs_start_auxv_phdr_phent_phnum_pagesz",
		    aux_ok && phdr && phent == 56 && phnum > 0 && pagesz == 4096 &&
			    (*(uint32_t *)phdr == 1 || *(uint32_t *)phdr == 6),
		    "wrong auxiliary vector");
	test_result("rs_start_bootinfo_lists_itself", strcmp(entry_name(ax_self), "rs_start") == 0, "not listed");
	test_result("rs_start_bootinfo_lists_boot_processes",
		    listed("rs") > 0 && listed("rsctl") > 0 && listed("bootexit") > 0 &&
			    listed("services") == AX_NONE,
		    "boot processes missing");
	test_eq("rs_start_bootinfo_has_no_data_modules", ax_bootinfo->ndata, 0);
	test_done();
	for (;;) { /* stay alive: rs_check counts the slots of live services */
		ax_message m;

		ax_receive(AX_ANY, &m);
	}
}
