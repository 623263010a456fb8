/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * server.c: the management server of a run. The catalogue's packages are
 * built for real into WORKDIR/catalog; the server's set is WORKDIR/server
 * (links to the catalogue, or a corrupted copy), indexed as a dupg_pkgset.
 */
#ifndef DUPG_SIM_SERVER_H
#define DUPG_SIM_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "dupg.h"
#include "scenario/catalog.h"

struct sim_server {
	dupg_pkgset *set;     /* what the server matches sites against */
	size_t *set_pkg;      /* pkgset index -> catalogue index */
	char *dir;            /* WORKDIR/server */
};

/* Build every package of cat (filling base, file, size, set_index) and the server's set. */
/* sign_key: a private key every package is signed with, or NULL. */
int sim_server_build(struct sim_server *srv, struct sim_catalog *cat, const char *workdir,
		     int no_fsync, const char *sign_key);
void sim_server_clear(struct sim_server *srv);
/* Bytes of the server's set as built: this design's server storage. */
uint64_t sim_server_bytes(const struct sim_catalog *cat);

#endif
