/* vfs's count of references to the inodes it holds (servers/vfs/held.c): first and last, and the hash table under load. */
#include "../../servers/vfs/held.h"
#include "../../servers/vfs/linux.h"

#include "check.h"

static struct held_table t;
static bool told;

static void references_are_counted_per_inode(void)
{
	t = (struct held_table){0};
	CHECK(held_refs(&t, 1, 42) == 0);
	CHECK(held_add(&t, 1, 42) == 1);
	CHECK(held_add(&t, 1, 42) == 2);
	CHECK(held_add(&t, 2, 42) == 1); /* the same number in another file system is another inode */
	CHECK(held_refs(&t, 1, 42) == 2);
	CHECK(held_drop(&t, 1, 42, &told) == 1);
	CHECK(held_drop(&t, 1, 42, &told) == 0);
	CHECK(held_refs(&t, 1, 42) == 0);
	CHECK(held_refs(&t, 2, 42) == 1);
	CHECK(t.used == 1);
}

static void dropping_what_is_not_held_is_enoent(void)
{
	t = (struct held_table){0};
	CHECK(held_drop(&t, 1, 7, &told) == -ENOENT);
	CHECK(held_add(&t, 1, 7) == 1);
	CHECK(held_drop(&t, 1, 7, &told) == 0);
	CHECK(held_drop(&t, 1, 7, &told) == -ENOENT);
	CHECK(t.used == 0);
}

/* Many inodes, dropped in another order than taken: every count stays right (deletion keeps runs whole). */
static void counts_survive_collisions_and_deletions(void)
{
	enum { N = 4000 };
	int ok = 1;

	t = (struct held_table){0};
	for (uint64_t i = 0; i < N; i++)
		for (uint64_t k = 0; k <= i % 3; k++)
			ok &= held_add(&t, (uint32_t)(1 + i % 5), i * 4096) == (int)k + 1;
	CHECK(ok);
	CHECK(t.used == N);
	for (uint64_t i = 0; i < N; i += 2) /* every other one goes */
		for (uint64_t k = 0; k <= i % 3; k++)
			ok &= held_drop(&t, (uint32_t)(1 + i % 5), i * 4096, &told) == (int)(i % 3 - k);
	CHECK(ok);
	for (uint64_t i = 0; i < N; i++)
		ok &= held_refs(&t, (uint32_t)(1 + i % 5), i * 4096) == (i % 2 ? (int)(i % 3) + 1 : 0);
	CHECK(ok);
	CHECK(t.used == N / 2);
}

/* The file server hears only of an inode that lost a name while held, and then of its last reference. */
static void only_an_inode_that_loses_a_name_is_told(void)
{
	t = (struct held_table){0};
	CHECK(!held_tell(&t, 1, 9)); /* not held: nothing to keep */
	CHECK(held_add(&t, 1, 9) == 1 && held_add(&t, 1, 9) == 2 && held_add(&t, 1, 10) == 1);
	CHECK(held_tell(&t, 1, 9));
	CHECK(!held_tell(&t, 1, 9)); /* told once */
	CHECK(held_drop(&t, 1, 9, &told) == 1 && !told);
	CHECK(held_drop(&t, 1, 9, &told) == 0 && told);
	CHECK(held_drop(&t, 1, 10, &told) == 0 && !told);
	CHECK(held_add(&t, 1, 9) == 1);
	CHECK(held_drop(&t, 1, 9, &told) == 0 && !told); /* a new hold starts untold */
}

static void a_full_table_is_enomem(void)
{
	int r = 0;

	t = (struct held_table){0};
	for (uint64_t i = 0; i < HELD_MAX && r >= 0; i++)
		r = held_add(&t, 1, i);
	CHECK(r == -ENOMEM);
	CHECK(t.used == HELD_MAX - 1);
	CHECK(held_refs(&t, 1, 0) == 1 && held_refs(&t, 1, HELD_MAX - 2) == 1);
	CHECK(held_drop(&t, 1, 5, &told) == 0);
	CHECK(held_add(&t, 1, 1u << 30) == 1); /* room again */
}

int main(void)
{
	RUN(references_are_counted_per_inode);
	RUN(dropping_what_is_not_held_is_enoent);
	RUN(counts_survive_collisions_and_deletions);
	RUN(only_an_inode_that_loses_a_name_is_told);
	RUN(a_full_table_is_enomem);
	return check_exit();
}
