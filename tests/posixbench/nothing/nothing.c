/*
 * /bin/nothing: what posixbench's fork_exec_wait executes. It exits 0 at
 * once, so that benchmark measures the cost of fork, execve (with musl's
 * ordinary start-up in the new image) and wait4, not of any work.
 */
int main(void)
{
	return 0;
}
