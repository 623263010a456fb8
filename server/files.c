/* SPDX-License-Identifier: BSD-2-Clause */
/* Serving package files: by index name only, with ETag, ranges and conditional requests. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

/* 1 when an If-None-Match list names etag (weak or strong), or is "*". */
static int etag_listed(const char *list, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = list;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
			return 1;
		while (*p && *p != ',')
			p++;
	}
	return 0;
}

/*
 * One "bytes=" range of size: 1 with [*from, *to] set, 0 to serve the whole
 * file (no range, several ranges, or one we do not read), -1 unsatisfiable.
 */
static int parse_range(uint64_t *from, uint64_t *to, const char *h, uint64_t size)
{
	const char *p;
	char *end;
	unsigned long long a, b;

	if (h == NULL || strncmp(h, "bytes=", 6) != 0 || strchr(h, ',') != NULL)
		return 0;
	p = h + 6;
	while (*p == ' ')
		p++;
	if (*p == '-') {
		/* the last b bytes */
		if (p[1] < '0' || p[1] > '9')
			return 0;
		b = strtoull(p + 1, &end, 10);
		if (*end != '\0')
			return 0;
		if (b == 0 || size == 0)
			return -1;
		*from = b >= size ? 0 : size - b;
		*to = size - 1;
		return 1;
	}
	if (*p < '0' || *p > '9')
		return 0;
	a = strtoull(p, &end, 10);
	if (*end != '-')
		return 0;
	p = end + 1;
	if (*p == '\0') {
		b = size ? size - 1 : 0;
	} else {
		if (*p < '0' || *p > '9')
			return 0;
		b = strtoull(p, &end, 10);
		if (*end != '\0' || b < a)
			return 0;
	}
	if (a >= size)
		return -1;
	*from = a;
	*to = b >= size ? size - 1 : b;
	return 1;
}

int srv_serve_package(struct srv_request *r, const struct srv_index *idx, const char *name)
{
	size_t i = srv_index_find(idx, name);
	const struct srv_pkg *p;
	const char *inm, *ifr;
	struct stat st;
	uint64_t from = 0, to = 0;
	char buf[96];
	int fd, range;

	if (i == DUPG_NONE)
		return srv_reply_error(r, 404, "not found", "no such package in the set");
	p = srv_index_pkg(idx, i);
	fd = openat(srv_index_dirfd(idx), p->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOMEM)) {
		srv_req_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
		return srv_reply_error(r, 503, "busy", "out of file descriptors");
	}
	if (fd < 0)
		return srv_reply_error(r, 404, "not found",
				       "the package is gone from disk; a reload (SIGHUP) drops it");
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_ino != p->ino || st.st_dev != p->dev ||
	    (uint64_t)st.st_size != p->size ||
	    (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec != p->mtime_ns) {
		close(fd);
		return srv_reply_error(r, 404, "not found", "the package changed on disk since it was "
				       "indexed; a reload (SIGHUP) serves it again");
	}
	srv_req_add_header(r, MHD_HTTP_HEADER_ETAG, p->etag);
	srv_req_add_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	inm = srv_req_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm != NULL && etag_listed(inm, p->etag)) {
		close(fd);
		return srv_reply_empty(r, 304);
	}
	range = parse_range(&from, &to, srv_req_header(r, MHD_HTTP_HEADER_RANGE), p->size);
	/* a range of another version of the file is the whole of this one */
	ifr = srv_req_header(r, MHD_HTTP_HEADER_IF_RANGE);
	if (ifr != NULL && strcmp(ifr, p->etag) != 0)
		range = 0;
	if (range < 0) {
		close(fd);
		snprintf(buf, sizeof(buf), "bytes */%" PRIu64, p->size);
		srv_req_add_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, buf);
		return srv_reply_empty(r, 416);
	}
	if (range == 0)
		return srv_reply_file(r, 200, fd, 0, p->size, "application/octet-stream");
	snprintf(buf, sizeof(buf), "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, from, to, p->size);
	srv_req_add_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, buf);
	return srv_reply_file(r, 206, fd, from, to - from + 1, "application/octet-stream");
}
