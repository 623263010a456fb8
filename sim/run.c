/* The simulator run (issue 3): not written yet. */
#include "config.h"
#include "cli.h"
int sim_run_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_fail("run: not implemented yet");
	return 1;
}
