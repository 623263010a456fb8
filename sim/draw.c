/* Graphviz output of a site (issue 3): not written yet. */
#include "config.h"
#include "cli.h"
int sim_draw_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_fail("draw: not implemented yet");
	return 1;
}
