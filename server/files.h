/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Package files over HTTP: only files of the package set, by their name in
 * the index (any other name, traversal forms included, is 404); ETag (the
 * archive's XXH3-128), If-None-Match (304), a single Range (206, 416),
 * If-Range; a file that changed or went since it was indexed is 404 until a
 * reload indexes it again.
 */
#ifndef DUPG_SERVER_FILES_H
#define DUPG_SERVER_FILES_H

#include "http.h"
#include "index.h"

int srv_serve_package(struct srv_request *r, const struct srv_index *idx, const char *name);

#endif
