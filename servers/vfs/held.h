/*
 * The inodes vfs holds, with how many of its references each has: an open
 * file's entry, a process's current or root directory, a program execve is
 * reading, as MINIX's vnode table counts; vfs never scans its tables to ask
 * whether an inode is still used. A file server needs to know only of an
 * inode that loses a name while vfs holds it (it must then outlive its
 * last name): vfs tells it then (FS_HOLD) and marks the entry `told`, and
 * sends FS_RELEASE when the last reference to a told inode goes. Pure logic
 * (a hash table with linear probing), tested on the host
 * (tests/unit/test_held.c).
 */
#ifndef VFS_HELD_H
#define VFS_HELD_H

#include <stdbool.h>
#include <stdint.h>

#define HELD_MAX 8192 /* a power of two, over twice the references vfs can have to distinct inodes */

struct held_table {
	struct held {
		uint32_t fs;        /* file system id */
		uint32_t refs : 31; /* 0: the slot is free */
		uint32_t told : 1;  /* the file server was told (FS_HOLD): it hears of the last reference */
		uint64_t ino;
	} e[HELD_MAX];
	int used; /* slots in use */
};

/* One more reference to inode (fs, ino): the count it has now (1: the first), or -ENOMEM (table full). */
int held_add(struct held_table *t, uint32_t fs, uint64_t ino);

/*
 * One reference less: the count left (0: that was the last, and *told says
 * whether the file server was told of the inode), or -ENOENT (not held).
 */
int held_drop(struct held_table *t, uint32_t fs, uint64_t ino, bool *told);

/*
 * The inode is about to lose a name: true if vfs holds it and has not told
 * its file server yet (the caller tells it now; the entry is marked told).
 */
bool held_tell(struct held_table *t, uint32_t fs, uint64_t ino);

/* The references inode (fs, ino) has (0: none). */
int held_refs(const struct held_table *t, uint32_t fs, uint64_t ino);

#endif
