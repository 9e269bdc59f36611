/*
 * The controller of rs's test image: waits until every reporting service
 * has sent T_DONE (or a minute has passed), prints TESTS DONE and powers
 * off. It is a boot process, so services find it in their boot info.
 */
#include "../rstest.h"

int main(void)
{
	test_control("rsctl", RS_REPORTERS);
}
