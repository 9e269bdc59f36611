/*
 * main with argc and argv, as musl's start-up calls it. It lives apart
 * from the checks because lib/sys's <sys/ax.h> declares main(void).
 */
int rs_args(int argc, char **argv);

int main(int argc, char **argv)
{
	return rs_args(argc, argv);
}
