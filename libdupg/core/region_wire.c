/* SPDX-License-Identifier: BSD-2-Clause */
/* The region announcement: building it, and its wire format (encode, decode; pure). */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/region_internal.h"
#include "util/utf8.h"

#define HEAD_BYTES 30u /* magic, format, flags, region, epoch, period, score */
#define FLAG_LEADER 1u /* the sender is the virtual server */
#define FLAG_URL 2u    /* a serving URL follows the hardware types (version 2) */

struct dupg_announce {
	char *sender;
	uint32_t region, score;
	uint64_t epoch, period;
	int leader;
	char **hw, **ver;
	size_t nhw, cap;
	char *url;    /* where the sender serves its packages; NULL for none */
	size_t bytes; /* the encoded size so far (the URL's 2 + u included) */
};

void dupg_announce_free(dupg_announce *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nhw; i++) {
		free(a->hw[i]);
		free(a->ver[i]);
	}
	free(a->hw);
	free(a->ver);
	free(a->url);
	free(a->sender);
	free(a);
}

static int announce_alloc(dupg_announce **out, const char *sender, size_t len)
{
	dupg_announce *a = calloc(1, sizeof(*a));

	if (a == NULL || (a->sender = malloc(len + 1)) == NULL) {
		free(a);
		return dupg__error_nomem();
	}
	memcpy(a->sender, sender, len);
	a->sender[len] = '\0';
	a->bytes = HEAD_BYTES + 2 + len + 2;
	*out = a;
	return 0;
}

int dupg_announce_new(dupg_announce **out, const char *sender, uint32_t region, uint64_t epoch,
		      uint64_t period, uint32_t score, int leader)
{
	int rc;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_announce_new: out is NULL");
	*out = NULL;
	if ((rc = dupg__region_id_check(sender, "announcement: sender")) != 0)
		return rc;
	if (score > DUPG_SCORE_MAX)
		return dupg__error(DUPG_EINVAL, "announcement: score %u is above %u", score,
				   DUPG_SCORE_MAX);
	if ((rc = announce_alloc(out, sender, strlen(sender))) != 0)
		return rc;
	(*out)->region = region;
	(*out)->epoch = epoch;
	(*out)->period = period;
	(*out)->score = score;
	(*out)->leader = leader != 0;
	return 0;
}

/* Add without checks of the strings (the callers checked them); len are their lengths. */
static int add_pair(dupg_announce *a, const char *hw, size_t hlen, const char *ver, size_t vlen)
{
	size_t cap = a->cap;
	char *h, *v;

	if (DUPG__GROW(&a->hw, &cap, a->nhw + 1) != 0)
		return dupg__error_nomem();
	cap = a->cap;
	if (DUPG__GROW(&a->ver, &cap, a->nhw + 1) != 0)
		return dupg__error_nomem();
	a->cap = cap;
	h = malloc(hlen + 1);
	v = malloc(vlen + 1);
	if (h == NULL || v == NULL) {
		free(h);
		free(v);
		return dupg__error_nomem();
	}
	memcpy(h, hw, hlen);
	h[hlen] = '\0';
	memcpy(v, ver, vlen);
	v[vlen] = '\0';
	a->hw[a->nhw] = h;
	a->ver[a->nhw] = v;
	a->nhw++;
	a->bytes += 4 + hlen + vlen;
	return 0;
}

static size_t find_hw(const dupg_announce *a, const char *hw, size_t len)
{
	size_t i;

	for (i = 0; i < a->nhw; i++)
		if (strlen(a->hw[i]) == len && memcmp(a->hw[i], hw, len) == 0)
			return i;
	return DUPG_NONE;
}

int dupg_announce_add(dupg_announce *a, const char *hw, const char *version)
{
	char why[128];
	size_t hlen, vlen;

	if (a == NULL || hw == NULL || version == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_announce_add: %s is NULL",
				   a == NULL ? "a" : hw == NULL ? "hw" : "version");
	if (dupg__text_check(hw, SIZE_MAX, DUPG_HW_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "announcement: hardware type \"%.64s\" %s", hw, why);
	if (dupg__text_check(version, SIZE_MAX, DUPG_VERSION_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "announcement: %s: version \"%.64s\" %s", hw, version,
				   why);
	hlen = strlen(hw);
	vlen = strlen(version);
	if (find_hw(a, hw, hlen) != DUPG_NONE)
		return dupg__error(DUPG_EEXISTS, "announcement: hardware type %s twice", hw);
	if (a->bytes + 4 + hlen + vlen > DUPG_ANNOUNCE_MAX_BYTES)
		return dupg__error(DUPG_EINVAL, "announcement: %s %s would make the message %zu bytes, "
				   "over the %u-byte limit", hw, version, a->bytes + 4 + hlen + vlen,
				   DUPG_ANNOUNCE_MAX_BYTES);
	if (a->nhw >= 0xffff)
		return dupg__error(DUPG_EINVAL, "announcement: more than 65535 hardware types");
	return add_pair(a, hw, hlen, version, vlen);
}

const char *dupg_announce_sender(const dupg_announce *a)
{
	return a == NULL ? NULL : a->sender;
}

uint32_t dupg_announce_region(const dupg_announce *a)
{
	return a == NULL ? 0 : a->region;
}

uint64_t dupg_announce_epoch(const dupg_announce *a)
{
	return a == NULL ? 0 : a->epoch;
}

uint64_t dupg_announce_period(const dupg_announce *a)
{
	return a == NULL ? 0 : a->period;
}

uint32_t dupg_announce_score(const dupg_announce *a)
{
	return a == NULL ? 0 : a->score;
}

int dupg_announce_leader(const dupg_announce *a)
{
	return a != NULL && a->leader;
}

size_t dupg_announce_hw_count(const dupg_announce *a)
{
	return a == NULL ? 0 : a->nhw;
}

const char *dupg_announce_hw(const dupg_announce *a, size_t i)
{
	return a == NULL || i >= a->nhw ? NULL : a->hw[i];
}

const char *dupg_announce_version(const dupg_announce *a, size_t i)
{
	return a == NULL || i >= a->nhw ? NULL : a->ver[i];
}

const char *dupg_announce_find(const dupg_announce *a, const char *hw)
{
	size_t i;

	if (a == NULL || hw == NULL)
		return NULL;
	i = find_hw(a, hw, strlen(hw));
	return i == DUPG_NONE ? NULL : a->ver[i];
}

/* Why url (len bytes) is not a serving URL, into why; 0 when it is one. */
static int url_check(const char *url, size_t len, char *why, size_t whysize)
{
	size_t i;

	if (len == 0) {
		snprintf(why, whysize, "is empty");
		return -1;
	}
	if (len > DUPG_ANNOUNCE_URL_MAX_BYTES) {
		snprintf(why, whysize, "is %zu bytes, over the %u-byte limit", len,
			 DUPG_ANNOUNCE_URL_MAX_BYTES);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c < 0x21 || c > 0x7e) {
			snprintf(why, whysize, "has byte 0x%02x at %zu (not printable ASCII, or a space)", c,
				 i);
			return -1;
		}
	}
	return 0;
}

/* Set the URL without checks (the callers checked it); len is its length. */
static int put_url(dupg_announce *a, const char *url, size_t len)
{
	char *u = malloc(len + 1);

	if (u == NULL)
		return dupg__error_nomem();
	memcpy(u, url, len);
	u[len] = '\0';
	if (a->url != NULL)
		a->bytes -= 2 + strlen(a->url);
	free(a->url);
	a->url = u;
	a->bytes += 2 + len;
	return 0;
}

int dupg_announce_set_url(dupg_announce *a, const char *url)
{
	char why[128];
	size_t len, old;

	if (a == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_announce_set_url: a is NULL");
	if (url == NULL) {
		if (a->url != NULL)
			a->bytes -= 2 + strlen(a->url);
		free(a->url);
		a->url = NULL;
		return 0;
	}
	len = strnlen(url, DUPG_ANNOUNCE_URL_MAX_BYTES + 1);
	if (url_check(url, len, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "announcement: serving URL \"%.64s\" %s", url, why);
	old = a->url == NULL ? 0 : 2 + strlen(a->url);
	if (a->bytes - old + 2 + len > DUPG_ANNOUNCE_MAX_BYTES)
		return dupg__error(DUPG_EINVAL, "announcement: serving URL %s would make the message "
				   "%zu bytes, over the %u-byte limit", url, a->bytes - old + 2 + len,
				   DUPG_ANNOUNCE_MAX_BYTES);
	return put_url(a, url, len);
}

const char *dupg_announce_url(const dupg_announce *a)
{
	return a == NULL ? NULL : a->url;
}

/* ---- encode ------------------------------------------------------------- */

static unsigned char *put_be(unsigned char *p, uint64_t v, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
	return p + bytes;
}

static unsigned char *put_str(unsigned char *p, const char *s)
{
	size_t len = strlen(s);

	p = put_be(p, len, 2);
	memcpy(p, s, len);
	return p + len;
}

int dupg_announce_encode(unsigned char **out, size_t *len, const dupg_announce *a)
{
	unsigned char *buf, *p;
	size_t i;

	if (out != NULL)
		*out = NULL;
	if (len != NULL)
		*len = 0;
	if (out == NULL || len == NULL || a == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_announce_encode: %s is NULL",
				   out == NULL ? "out" : len == NULL ? "len" : "a");
	if ((buf = malloc(a->bytes)) == NULL)
		return dupg__error_nomem();
	memcpy(buf, "DUPA", 4);
	p = buf + 4;
	/* version 1 when there is no URL: what receivers before version 2 read */
	*p++ = a->url != NULL ? 2 : 1;
	*p++ = (unsigned char)((a->leader ? FLAG_LEADER : 0) | (a->url != NULL ? FLAG_URL : 0));
	p = put_be(p, a->region, 4);
	p = put_be(p, a->epoch, 8);
	p = put_be(p, a->period, 8);
	p = put_be(p, a->score, 4);
	p = put_str(p, a->sender);
	p = put_be(p, a->nhw, 2);
	for (i = 0; i < a->nhw; i++) {
		p = put_str(p, a->hw[i]);
		p = put_str(p, a->ver[i]);
	}
	if (a->url != NULL)
		p = put_str(p, a->url);
	*out = buf;
	*len = (size_t)(p - buf);
	return 0;
}

/* ---- decode ------------------------------------------------------------- */

typedef struct {
	const unsigned char *b;
	size_t len, off;
} reader;

static int need(const reader *r, size_t n, const char *what)
{
	if (r->len - r->off < n)
		return dupg__error(DUPG_EFORMAT, "announcement: truncated at byte %zu of %zu: %s needs "
				   "%zu more bytes", r->off, r->len, what, n - (r->len - r->off));
	return 0;
}

static uint64_t get_be(reader *r, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		v = (v << 8) | r->b[r->off + i];
	r->off += bytes;
	return v;
}

/* A length-prefixed string checked as a kept string; *s points into the buffer. */
static int get_str(const char **s, size_t *slen, reader *r, size_t max, const char *what)
{
	char why[128];
	size_t at = r->off;
	int rc;

	if ((rc = need(r, 2, what)) != 0)
		return rc;
	*slen = (size_t)get_be(r, 2);
	if ((rc = need(r, *slen, what)) != 0)
		return rc;
	*s = (const char *)r->b + r->off;
	if (dupg__text_check(*s, *slen, max, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EFORMAT, "announcement: byte %zu: %s %s", at, what, why);
	r->off += *slen;
	return 0;
}

int dupg_announce_decode(dupg_announce **out, const void *buf, size_t len)
{
	reader r;
	dupg_announce *a = NULL;
	const char *s, *v;
	size_t slen, vlen, nhw, i;
	uint32_t region, score;
	uint64_t epoch, period;
	unsigned int format, flags;
	int rc;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_announce_decode: out is NULL");
	*out = NULL;
	if (buf == NULL && len > 0)
		return dupg__error(DUPG_EINVAL, "dupg_announce_decode: buf is NULL");
	if (len > DUPG_ANNOUNCE_MAX_BYTES)
		return dupg__error(DUPG_EFORMAT, "announcement: %zu bytes, over the %u-byte limit", len,
				   DUPG_ANNOUNCE_MAX_BYTES);
	r.b = buf;
	r.len = len;
	r.off = 0;
	if ((rc = need(&r, 5, "the magic and format")) != 0)
		return rc;
	if (memcmp(r.b, "DUPA", 4) != 0)
		return dupg__error(DUPG_EFORMAT, "announcement: bad magic (not \"DUPA\")");
	r.off = 4;
	format = (unsigned int)get_be(&r, 1);
	if (format != 1 && format != 2)
		return dupg__error(DUPG_EUNSUPPORTED, "announcement: format version %u (this library "
				   "reads 1 and 2)", format);
	if ((rc = need(&r, HEAD_BYTES - 5, "the header")) != 0)
		return rc;
	flags = (unsigned int)get_be(&r, 1);
	if (flags & ~(FLAG_LEADER | FLAG_URL))
		return dupg__error(DUPG_EFORMAT, "announcement: byte 5: unknown flags 0x%02x", flags);
	if (format == 1 && (flags & FLAG_URL))
		return dupg__error(DUPG_EFORMAT, "announcement: byte 5: flag 0x02 (a serving URL) in a "
				   "version-1 message");
	/* one encoding per message: one without a URL is version 1 */
	if (format == 2 && !(flags & FLAG_URL))
		return dupg__error(DUPG_EFORMAT, "announcement: byte 5: a version-2 message without "
				   "flag 0x02 (a serving URL)");
	region = (uint32_t)get_be(&r, 4);
	epoch = get_be(&r, 8);
	period = get_be(&r, 8);
	score = (uint32_t)get_be(&r, 4);
	if (score > DUPG_SCORE_MAX)
		return dupg__error(DUPG_EFORMAT, "announcement: byte 26: score %u is above %u", score,
				   DUPG_SCORE_MAX);
	if ((rc = get_str(&s, &slen, &r, DUPG_ID_MAX_BYTES, "the sender id")) != 0)
		return rc;
	if ((rc = need(&r, 2, "the number of hardware types")) != 0)
		return rc;
	nhw = (size_t)get_be(&r, 2);
	if ((rc = announce_alloc(&a, s, slen)) != 0)
		return rc;
	a->region = region;
	a->epoch = epoch;
	a->period = period;
	a->score = score;
	a->leader = (int)(flags & FLAG_LEADER);
	/* each pair takes at least 4 bytes, so nhw is bounded by len as well */
	for (i = 0; i < nhw; i++) {
		size_t at = r.off;

		if ((rc = get_str(&s, &slen, &r, DUPG_HW_MAX_BYTES, "a hardware type")) != 0 ||
		    (rc = get_str(&v, &vlen, &r, DUPG_VERSION_MAX_BYTES, "a version")) != 0)
			goto fail;
		if (find_hw(a, s, slen) != DUPG_NONE) {
			rc = dupg__error(DUPG_EFORMAT, "announcement: byte %zu: hardware type %.*s twice",
					 at, (int)(slen > 64 ? 64 : slen), s);
			goto fail;
		}
		if ((rc = add_pair(a, s, slen, v, vlen)) != 0)
			goto fail;
	}
	if (flags & FLAG_URL) {
		char why[128];
		size_t at = r.off;

		if ((rc = need(&r, 2, "the serving URL")) != 0)
			goto fail;
		slen = (size_t)get_be(&r, 2);
		if ((rc = need(&r, slen, "the serving URL")) != 0)
			goto fail;
		s = (const char *)r.b + r.off;
		if (url_check(s, slen, why, sizeof(why)) != 0) {
			rc = dupg__error(DUPG_EFORMAT, "announcement: byte %zu: the serving URL %s", at,
					 why);
			goto fail;
		}
		if ((rc = put_url(a, s, slen)) != 0)
			goto fail;
		r.off += slen;
	}
	if (r.off != r.len) {
		rc = dupg__error(DUPG_EFORMAT, "announcement: %zu bytes after the end of the message "
				 "(at byte %zu)", r.len - r.off, r.off);
		goto fail;
	}
	*out = a;
	return 0;
fail:
	dupg_announce_free(a);
	return rc;
}
