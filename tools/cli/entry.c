// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* irqcap(1)'s main(); the unit tests call irqcap_cli_main() instead. */
#include "cli.h"

int main(int argc, char **argv)
{
	return irqcap_cli_main(argc, argv);
}
