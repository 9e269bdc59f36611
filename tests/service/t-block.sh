# /dev/ram0, the memory driver's RAM disk, as a block device through vfs: its size, positional
# reads and writes at the file's offset, lseek from its end, the end itself, fsync.

size=$(blockdev --getsize64 /dev/ram0)
check block_size_by_ioctl 8388608 "$size"
dd if=/dev/urandom of="$T/one" bs=64k count=16 2>/dev/null
status block_write_a_mebibyte 0 dd if="$T/one" of=/dev/ram0 bs=64k conv=fsync
check block_reads_back "$(sha256sum < "$T/one")" "$(head -c 1048576 /dev/ram0 | sha256sum)"
check block_reads_back_in_small_pieces "$(sha256sum < "$T/one")" "$(dd if=/dev/ram0 bs=4k count=256 2>/dev/null | sha256sum)"
check block_reads_from_an_offset "$(tail -c 4096 "$T/one" | sha256sum)" \
	"$(dd if=/dev/ram0 bs=4096 skip=255 count=1 2>/dev/null | sha256sum)"
check block_whole_device_read 8388608 "$(dd if=/dev/ram0 bs=1M 2>/dev/null | wc -c)"
printf 'hello' | dd of=/dev/ram0 bs=1 seek=8388603 2>/dev/null
check block_last_bytes hello "$(dd if=/dev/ram0 bs=1 skip=8388603 count=5 2>/dev/null)"
check block_write_past_the_end_enospc 1 "$(printf x | dd of=/dev/ram0 bs=1 seek=8388608 2>&1 | grep -c 'No space left')"
check block_read_at_the_end_is_empty 0 "$(dd if=/dev/ram0 bs=1 skip=8388608 2>/dev/null | wc -c)"
check block_tail_from_the_end hello "$(tail -c 5 /dev/ram0)"
