/*
 * devices.c: the site's devices on the virtual clock, in the manner of O-RAN
 * software management: stage into the inactive slot, switch (deepest first,
 * the master last), check health; any failure rolls the whole site back.
 */
#ifndef DUPG_SIM_DEVICES_H
#define DUPG_SIM_DEVICES_H

#include "model/siterun.h"

/*
 * Run the upgrade plan r->up on the devices: 0 when it ran (upgraded, or
 * rolled back with r->cause set), or a negative error.
 */
int site_devices_run(struct site_run *r);

#endif
