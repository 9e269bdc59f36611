/* The ELF loader's checks: a good executable loads, every malformed one is refused. */
#include <stdlib.h>

#include <axolotl/abi.h>

#include "check.h"
#include <elf/elf.h>

#define TOP 0x800000000000ULL

static uint8_t image[8192];
static struct elf64_ehdr *eh = (struct elf64_ehdr *)image;
static struct elf64_phdr *ph = (struct elf64_phdr *)(image + 64);
static struct elf_segment seen[4];
static int nseen;

/* A text segment (R+X) at 0x400000 and a data+bss segment (RW) at 0x401000. */
static void make_valid(void)
{
	static const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};

	memset(image, 0, sizeof(image));
	memcpy(eh->ident, ident, 16);
	eh->type = 2;
	eh->machine = 62;
	eh->version = 1;
	eh->entry = 0x400010;
	eh->phoff = 64;
	eh->ehsize = 64;
	eh->phentsize = 56;
	eh->phnum = 3;
	ph[0] = (struct elf64_phdr){1, 5, 0x1000, 0x400000, 0x400000, 0x800, 0x800, 0x1000};
	ph[1] = (struct elf64_phdr){1, 6, 0x1800, 0x401000, 0x401000, 0x100, 0x3000, 0x1000};
	ph[2] = (struct elf64_phdr){0x6474e551, 6, 0, 0, 0, 0, 0, 16}; /* GNU_STACK: skipped */
	nseen = 0;
}

static int record(void *ctx, const struct elf_segment *s)
{
	(void)ctx;
	if (nseen < 4)
		seen[nseen++] = *s;
	return 0;
}

static int fail_second(void *ctx, const struct elf_segment *s)
{
	(void)ctx, (void)s;
	return ++nseen == 2 ? -12 : 0;
}

static int load(void)
{
	uint64_t entry = 0;

	nseen = 0;
	return elf_load(image, sizeof(image), TOP, record, NULL, &entry);
}

static void valid_executable_loads(void)
{
	uint64_t entry = 0;

	make_valid();
	CHECK(elf_load(image, sizeof(image), TOP, record, NULL, &entry) == 0);
	CHECK(entry == 0x400010);
	CHECK(nseen == 2);
	CHECK(seen[0].vaddr == 0x400000 && seen[0].memsz == 0x800 && seen[0].offset == 0x1000);
	CHECK(seen[0].executable && !seen[0].writable);
	CHECK(seen[1].vaddr == 0x401000 && seen[1].filesz == 0x100 && seen[1].memsz == 0x3000);
	CHECK(seen[1].writable && !seen[1].executable);
}

#define REFUSED(name, mutation)                   \
	static void name(void)                    \
	{                                         \
		make_valid();                     \
		mutation;                         \
		CHECK(load() == -AX_EINVAL);      \
		CHECK(nseen == 0);                \
	}

REFUSED(refuses_bad_magic, image[1] = 'X')
REFUSED(refuses_32_bit_class, image[4] = 1)
REFUSED(refuses_big_endian, image[5] = 2)
REFUSED(refuses_shared_object, eh->type = 3)
REFUSED(refuses_other_machine, eh->machine = 3)
REFUSED(refuses_headers_past_file, eh->phoff = sizeof(image) - 8)
REFUSED(refuses_filesz_above_memsz, ph[1].filesz = 0x4000)
REFUSED(refuses_data_past_file, ph[1].offset = sizeof(image) - 8)
REFUSED(refuses_segment_above_user_space, ph[1].vaddr = TOP - 0x1000)
REFUSED(refuses_address_overflow, ph[1].vaddr = UINT64_MAX - 0x10)
REFUSED(refuses_page_zero, ph[0].vaddr = 0)
REFUSED(refuses_entry_outside_code, eh->entry = 0x401010)
REFUSED(refuses_wrong_phentsize, eh->phentsize = 32)

static void program_headers_located_in_first_segment(void)
{
	uint16_t n = 0;

	make_valid();
	ph[0].offset = 0; /* the text segment now starts at the file's beginning */
	ph[0].vaddr = 0x400000;
	CHECK(elf_phdr_vaddr(image, &n) == 0x400000 + 64);
	CHECK(n == 3);
	ph[0].offset = 0x1000; /* no segment holds them */
	CHECK(elf_phdr_vaddr(image, &n) == 0);
}

static void refuses_truncated_header(void)
{
	uint64_t entry;

	make_valid();
	CHECK(elf_load(image, 40, TOP, record, NULL, &entry) == -AX_EINVAL);
}

static void callback_error_passed_back(void)
{
	uint64_t entry;

	make_valid();
	nseen = 0;
	CHECK(elf_load(image, sizeof(image), TOP, fail_second, NULL, &entry) == -12);
}

static void host_pie_binary_refused(void)
{
	FILE *f = fopen("/proc/self/exe", "rb");
	static uint8_t buf[1 << 16];
	size_t n;
	uint64_t entry;

	CHECK(f != NULL);
	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	CHECK(elf_load(buf, n, TOP, record, NULL, &entry) == -AX_EINVAL); /* ET_DYN */
}

int main(void)
{
	RUN(valid_executable_loads);
	RUN(refuses_bad_magic);
	RUN(refuses_32_bit_class);
	RUN(refuses_big_endian);
	RUN(refuses_shared_object);
	RUN(refuses_other_machine);
	RUN(refuses_headers_past_file);
	RUN(refuses_filesz_above_memsz);
	RUN(refuses_data_past_file);
	RUN(refuses_segment_above_user_space);
	RUN(refuses_address_overflow);
	RUN(refuses_page_zero);
	RUN(refuses_entry_outside_code);
	RUN(refuses_wrong_phentsize);
	RUN(program_headers_located_in_first_segment);
	RUN(refuses_truncated_header);
	RUN(callback_error_passed_back);
	RUN(host_pie_binary_refused);
	return check_exit();
}
