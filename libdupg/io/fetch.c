/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Downloading a task's packages (dupg/fetch.h): libcurl for the transfer,
 * a partial file and its metadata beside it for resume, verification before
 * the final name, failover over the servers ranked by locality.
 */
#include "internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/json_internal.h"
#include "package_follow_internal.h"
#include "util/fs.h"
#include "util/path.h"

#define META_MAX_BYTES 16384u
#define ETAG_MAX 512u
#define MAX_REDIRECTS 5
#define DEFAULT_STALL_SECONDS 30ul
#define DEFAULT_CONNECT_MS 10000ul
#define RECV_BUFFER (512L * 1024L)
#define WRITEBACK_STEP ((uint64_t)8 << 20)

struct outcome {
	dupg_fetch_outcome pub;
	char *path, *file, *url;
};

struct dupg_fetch {
	dupg_fetch_options o;
	char *location, *ca_file, *pinned_key, *ssh_key, *ssh_known_hosts;
	CURL *curl;
	atomic_int cancel;
	struct outcome *out;
	size_t nout, cap;
	uint64_t bytes;
};

/* One package of a run. */
struct pkg {
	size_t index, count;
	const char *path;
	char *name, *final, *part, *meta;
	int verified_inline;  /* the last attempt's verification came with its bytes */
};

/* What one run knows across packages: totals for the progress callback, the deadline. */
struct run {
	dupg_fetch *f;
	uint64_t done_before;  /* bytes of the packages already fetched */
	uint64_t deadline_ms;  /* 0: none */
};

/* Why a transfer stopped, beyond curl's own code. */
enum stop {
	STOP_NONE = 0,
	STOP_LOCAL,    /* the store directory failed: fatal */
	STOP_REFUSED,  /* the response was refused, or the server stalled: fail over */
	STOP_CANCEL,   /* the caller cancelled: fatal */
	STOP_TIMEOUT   /* the overall deadline passed: fatal */
};

/* One response being received. */
struct xfer {
	struct run *run;
	struct pkg *pkg;
	const char *url;
	int fd;
	int http;               /* http or https */
	uint64_t offset;        /* bytes in the partial file when the body began (after a restart: 0) */
	uint64_t asked;         /* the Range start asked for; 0 for none */
	uint64_t written;       /* body bytes written for this response */
	uint64_t flushed;       /* file offset up to which writeback was started */
	uint64_t received;      /* body bytes received (for the byte counts) */
	uint64_t total;         /* the file's announced length; 0 unknown */
	int began;              /* the first body byte came: status, offset and total decided */
	int redirect;           /* a 3xx whose body is discarded */
	long status;
	char etag[ETAG_MAX];
	int64_t clen;           /* Content-Length, -1 unknown */
	int64_t rstart, rtotal; /* Content-Range, -1 unknown */
	uint64_t start_ms;      /* when the request went out (the rate limit's clock) */
	uint64_t last_ms;       /* when the last header or body byte came (the stall clock) */
	uint64_t stall_ms;
	enum stop stop;
	int code;               /* the dupg_err of stop (its message recorded) */
	dupg__follow *follow;   /* the default verification, reading as the bytes land; or NULL */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return 0;
	*dst = strdup(src);
	return *dst == NULL ? dupg__error_nomem() : 0;
}

int dupg_fetch_new(dupg_fetch **out, const dupg_fetch_options *opts)
{
	static const dupg_fetch_options defaults = DUPG_FETCH_OPTIONS_INIT;
	dupg_fetch *f;
	int rc;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_fetch_new: out is NULL");
	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if (opts->version != DUPG_FETCH_OPTIONS_VERSION)
		return dupg__error(DUPG_EINVAL, "dupg_fetch_new: options version %u (this library knows %u)",
				   opts->version, DUPG_FETCH_OPTIONS_VERSION);
	rc = dupg_location_check(opts->location);
	if (rc != 0)
		return dupg__error_prefix(rc, "fetch options");
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return dupg__error(DUPG_EUNSUPPORTED, "libcurl: %s", curl_easy_strerror(curl_init_rc));
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return dupg__error_nomem();
	f->o = *opts;
	atomic_init(&f->cancel, 0);
	if ((rc = dup_opt(&f->location, opts->location)) != 0 ||
	    (rc = dup_opt(&f->ca_file, opts->ca_file)) != 0 ||
	    (rc = dup_opt(&f->pinned_key, opts->pinned_key)) != 0 ||
	    (rc = dup_opt(&f->ssh_key, opts->ssh_key)) != 0 ||
	    (rc = dup_opt(&f->ssh_known_hosts, opts->ssh_known_hosts)) != 0) {
		dupg_fetch_free(f);
		return rc;
	}
	f->o.location = f->location;
	f->o.ca_file = f->ca_file;
	f->o.pinned_key = f->pinned_key;
	f->o.ssh_key = f->ssh_key;
	f->o.ssh_known_hosts = f->ssh_known_hosts;
	f->curl = curl_easy_init();
	if (f->curl == NULL) {
		dupg_fetch_free(f);
		return dupg__error(DUPG_ENOMEM, "libcurl: cannot create a handle");
	}
	*out = f;
	return 0;
}

static void clear_outcomes(dupg_fetch *f)
{
	size_t i;

	for (i = 0; i < f->nout; i++) {
		free(f->out[i].path);
		free(f->out[i].file);
		free(f->out[i].url);
	}
	f->nout = 0;
	f->bytes = 0;
}

void dupg_fetch_free(dupg_fetch *f)
{
	if (f == NULL)
		return;
	clear_outcomes(f);
	free(f->out);
	if (f->curl != NULL)
		curl_easy_cleanup(f->curl);
	free(f->location);
	free(f->ca_file);
	free(f->pinned_key);
	free(f->ssh_key);
	free(f->ssh_known_hosts);
	free(f);
}

void dupg_fetch_cancel(dupg_fetch *f)
{
	if (f != NULL)
		atomic_store(&f->cancel, 1);
}

size_t dupg_fetch_count(const dupg_fetch *f)
{
	return f == NULL ? 0 : f->nout;
}

const dupg_fetch_outcome *dupg_fetch_get(const dupg_fetch *f, size_t i)
{
	return f == NULL || i >= f->nout ? NULL : &f->out[i].pub;
}

uint64_t dupg_fetch_bytes(const dupg_fetch *f)
{
	return f == NULL ? 0 : f->bytes;
}

/* ---- names and URLs ------------------------------------------------------ */

/*
 * The file name a task path gets in the store: its last segment, before any
 * query or fragment. Refused: empty, ".", "..", a dot file, a name the
 * partial files would collide with, a '%' (no percent-decoding here).
 */
static int name_of(char **out, const char *path)
{
	const char *end, *slash, *p;
	size_t n;

	*out = NULL;
	end = path + strcspn(path, "?#");
	for (slash = NULL, p = path; p < end; p++)
		if (*p == '/')
			slash = p;
	p = slash != NULL ? slash + 1 : path;
	n = (size_t)(end - p);
	if (n == 0 || p[0] == '.' || memchr(p, '%', n) != NULL || memchr(p, '\\', n) != NULL ||
	    n > 255 || (n >= 5 && memcmp(p + n - 5, ".part", 5) == 0) ||
	    (n >= 10 && memcmp(p + n - 10, ".part.meta", 10) == 0))
		return dupg__error(DUPG_EINVAL,
				   "task path \"%s\": its last segment \"%.*s\" is no file name for the "
				   "store (empty, a dot file, '%%', '\\', longer than 255 bytes or a "
				   ".part name)", path, (int)(n > 255 ? 255 : n), p);
	*out = strndup(p, n);
	return *out == NULL ? dupg__error_nomem() : 0;
}

/* path resolved against base (taken as a directory); caller frees *out. */
static int resolve(char **out, const char *base, const char *path)
{
	CURLU *u = curl_url();
	char *b = NULL, *r = NULL;
	size_t n = strlen(base);
	CURLUcode uc;

	*out = NULL;
	if (u == NULL)
		return dupg__error_nomem();
	b = n > 0 && base[n - 1] != '/' ? dupg__printf("%s/", base) : strdup(base);
	if (b == NULL) {
		curl_url_cleanup(u);
		return dupg__error_nomem();
	}
	uc = curl_url_set(u, CURLUPART_URL, b, 0);
	if (uc != CURLUE_OK) {
		curl_url_cleanup(u);
		free(b);
		return dupg__error(DUPG_EINVAL, "server URL \"%s\": %s", base, curl_url_strerror(uc));
	}
	free(b);
	uc = curl_url_set(u, CURLUPART_URL, path, CURLU_URLENCODE);
	if (uc == CURLUE_OK)
		uc = curl_url_get(u, CURLUPART_URL, &r, 0);
	curl_url_cleanup(u);
	if (uc != CURLUE_OK)
		return dupg__error(DUPG_EINVAL, "task path \"%s\" against %s: %s", path, base,
				   curl_url_strerror(uc));
	*out = strdup(r);
	curl_free(r);
	return *out == NULL ? dupg__error_nomem() : 0;
}

/* 1 when a and b have the same scheme, host and port. */
static int same_origin(const char *a, const char *b)
{
	static const CURLUPart parts[] = { CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT };
	CURLU *ua = curl_url(), *ub = curl_url();
	int same = ua != NULL && ub != NULL && curl_url_set(ua, CURLUPART_URL, a, 0) == CURLUE_OK &&
		   curl_url_set(ub, CURLUPART_URL, b, 0) == CURLUE_OK;
	size_t i;

	for (i = 0; same && i < DUPG__COUNT(parts); i++) {
		char *pa = NULL, *pb = NULL;
		same = curl_url_get(ua, parts[i], &pa, CURLU_DEFAULT_PORT) == CURLUE_OK &&
		       curl_url_get(ub, parts[i], &pb, CURLU_DEFAULT_PORT) == CURLUE_OK &&
		       strcasecmp(pa, pb) == 0;
		curl_free(pa);
		curl_free(pb);
	}
	curl_url_cleanup(ua);
	curl_url_cleanup(ub);
	return same;
}

static int is_http(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

/* ---- the partial file's metadata ----------------------------------------- */

struct meta {
	char etag[ETAG_MAX];
	uint64_t length;
	int valid;
};

static void meta_read(struct meta *m, const char *file)
{
	json_object *obj = NULL, *v;
	char *text = NULL;
	size_t len = 0;

	memset(m, 0, sizeof(*m));
	if (dupg__fs_read(&text, &len, file, META_MAX_BYTES) != 0)
		goto out;
	if (dupg__json_parse(&obj, text, len, file) != 0 || !json_object_is_type(obj, json_type_object))
		goto out;
	if (json_object_object_get_ex(obj, "etag", &v) && json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) < sizeof(m->etag))
		memcpy(m->etag, json_object_get_string(v), (size_t)json_object_get_string_len(v) + 1);
	if (json_object_object_get_ex(obj, "length", &v) && json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) >= 0)
		m->length = (uint64_t)json_object_get_int64(v);
	m->valid = m->etag[0] != '\0';
out:
	/* a damaged metadata file only costs the resume: forget why */
	dupg__error_clear();
	json_object_put(obj);
	free(text);
}

static int meta_write(const struct xfer *x)
{
	json_object *obj = json_object_new_object();
	char *text = NULL;
	int rc;

	obj = dupg__jadd_str(obj, "url", x->url, SIZE_MAX);
	obj = dupg__jadd_str(obj, "etag", x->etag[0] != '\0' ? x->etag : NULL, SIZE_MAX);
	obj = dupg__jadd(obj, "length", json_object_new_int64((int64_t)x->total));
	rc = dupg__jobj_finish(&text, obj);
	if (rc == 0)
		rc = dupg__fs_write_atomic(x->pkg->meta, text, strlen(text), x->run->f->o.no_fsync,
					   NULL, NULL);
	free(text);
	return rc;
}

/* ---- curl callbacks ------------------------------------------------------- */

static int parse_u64(const char *s, const char *end, uint64_t *out)
{
	uint64_t v = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static size_t on_header(char *buf, size_t size, size_t n, void *payload)
{
	struct xfer *x = payload;
	size_t len = size * n;
	const char *end = buf + len, *v;
	uint64_t a, b;

	x->last_ms = now_ms();
	while (end > buf && (end[-1] == '\r' || end[-1] == '\n'))
		end--;
	if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
		/* a new response (after a 100 Continue or on a redirect): forget the last */
		x->etag[0] = '\0';
		x->clen = x->rstart = x->rtotal = -1;
		return len;
	}
	v = memchr(buf, ':', (size_t)(end - buf));
	if (v == NULL)
		return len;
	for (v++; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	if (strncasecmp(buf, "etag:", 5) == 0) {
		size_t el = (size_t)(end - v);
		if (el < sizeof(x->etag)) {
			memcpy(x->etag, v, el);
			x->etag[el] = '\0';
		}
	} else if (strncasecmp(buf, "content-length:", 15) == 0) {
		if (parse_u64(v, end, &a) == 0 && a <= INT64_MAX)
			x->clen = (int64_t)a;
	} else if (strncasecmp(buf, "content-range:", 14) == 0) {
		/* bytes START-END/TOTAL */
		const char *p = v;
		if ((size_t)(end - p) > 6 && strncasecmp(p, "bytes ", 6) == 0) {
			p += 6;
			if (parse_u64(p, end, &a) == 0) {
				const char *slash = memchr(p, '/', (size_t)(end - p));
				x->rstart = (int64_t)a;
				if (slash != NULL && parse_u64(slash + 1, end, &b) == 0 && b <= INT64_MAX)
					x->rtotal = (int64_t)b;
			}
		}
	}
	return len;
}

/* The first body byte: decide whether this continues the partial file or replaces it. */
static int begin_body(struct xfer *x, CURL *curl)
{
	long status = 0;
	int rc;

	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	x->status = status;
	x->began = 1;
	if (x->http && status >= 300 && status < 400) {
		x->redirect = 1;
		return 0;
	}
	if (x->http && status == 206) {
		if (x->asked == 0 || x->rstart < 0 || (uint64_t)x->rstart != x->asked) {
			x->stop = STOP_REFUSED;
			x->code = dupg__error(DUPG_ENETWORK,
					      "%s: 206 Partial Content from byte %lld, asked from %llu",
					      x->url, (long long)x->rstart, (unsigned long long)x->asked);
			return -1;
		}
		x->offset = x->asked;
		x->total = x->rtotal >= 0 ? (uint64_t)x->rtotal
			   : x->clen >= 0 ? x->asked + (uint64_t)x->clen : 0;
	} else if (!x->http || status == 200) {
		/* the whole file: whatever the partial file held goes */
		if (x->offset > 0 || x->asked > 0) {
			if (ftruncate(x->fd, 0) != 0 || lseek(x->fd, 0, SEEK_SET) != 0) {
				x->stop = STOP_LOCAL;
				x->code = dupg__error_sys(errno, "%s: cannot truncate", x->pkg->part);
				return -1;
			}
		}
		x->offset = 0;
		if (x->clen >= 0) {
			x->total = (uint64_t)x->clen;
		} else {
			curl_off_t cl = -1;
			curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
			x->total = cl > 0 ? (uint64_t)cl : 0;
		}
	} else {
		x->stop = STOP_REFUSED;
		x->code = dupg__error(DUPG_ENETWORK, "%s: unexpected HTTP status %ld", x->url, status);
		return -1;
	}
	if (!x->http)
		x->etag[0] = '\0';
	x->flushed = x->offset;
	rc = meta_write(x);
	if (rc != 0) {
		x->stop = STOP_LOCAL;
		x->code = rc;
		return -1;
	}
	/* what a resumed file already holds is read from disk first; without a thread, finish() reads it all */
	if (x->run->f->o.verify == NULL)
		x->follow = dupg__follow_start(x->fd, x->pkg->part, x->offset);
	return 0;
}

/*
 * Start writing the file back to disk every WRITEBACK_STEP bytes without
 * waiting (dpkg does the same), so that the fsync before the rename finds
 * little left to write: on a 100 MB package that fsync otherwise costs
 * about as much as the transfer over loopback.
 */
static void start_writeback(struct xfer *x)
{
#ifdef SYNC_FILE_RANGE_WRITE
	uint64_t end = x->offset + x->written;

	if (x->run->f->o.no_fsync || end < x->flushed + WRITEBACK_STEP)
		return;
	/* advisory: a failure here is found by the fsync */
	(void)sync_file_range(x->fd, (off_t)x->flushed, (off_t)(end - x->flushed),
			      SYNC_FILE_RANGE_WRITE);
	x->flushed = end;
#else
	(void)x;
#endif
}

/*
 * The rate limit: hold the transfer until the bytes received fit the limit.
 * curl's own (CURLOPT_MAX_RECV_SPEED_LARGE, 7.88) lets a burst through when
 * the socket holds a lot (loopback); sleeping here, in steps of at most
 * 100 ms that watch the cancel flag, holds the average exactly.
 */
static int throttle(struct xfer *x)
{
	dupg_fetch *f = x->run->f;
	uint64_t want, now;

	if (f->o.limit_rate == 0)
		return 0;
	want = x->start_ms + (uint64_t)((double)x->received * 1000.0 / (double)f->o.limit_rate);
	while ((now = now_ms()) < want) {
		uint64_t step = want - now > 100 ? 100 : want - now;
		struct timespec ts = { 0, (long)(step * 1000000u) };
		if (atomic_load(&f->cancel)) {
			x->stop = STOP_CANCEL;
			x->code = dupg__error(DUPG_EABORTED, "%s: fetch cancelled", x->url);
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	x->last_ms = now_ms();
	return 0;
}

static size_t on_body(char *buf, size_t size, size_t n, void *payload)
{
	struct xfer *x = payload;
	size_t len = size * n, done = 0;

	x->received += len;
	x->last_ms = now_ms();
	if (!x->began && begin_body(x, x->run->f->curl) != 0)
		return 0;
	if (x->redirect)
		return len;
	if (x->total > 0 && x->offset + x->written + len > x->total) {
		x->stop = STOP_REFUSED;
		x->code = dupg__error(DUPG_ENETWORK,
				      "%s: the server sent more than the %llu bytes it announced "
				      "(at least %llu): refused", x->url, (unsigned long long)x->total,
				      (unsigned long long)(x->offset + x->written + len));
		return 0;
	}
	while (done < len) {
		ssize_t w = write(x->fd, buf + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			x->stop = STOP_LOCAL;
			x->code = dupg__error_sys(w < 0 ? errno : EIO, "%s: write failed", x->pkg->part);
			return 0;
		}
		done += (size_t)w;
	}
	x->written += len;
	dupg__follow_grow(x->follow, x->offset + x->written);
	start_writeback(x);
	/* a cancel stops after this write: curl's progress callback may come only after many */
	if (atomic_load(&x->run->f->cancel)) {
		x->stop = STOP_CANCEL;
		x->code = dupg__error(DUPG_EABORTED, "%s: fetch cancelled", x->url);
		return 0;
	}
	return throttle(x) == 0 ? len : 0;
}

static int call_progress(struct xfer *x)
{
	dupg_fetch *f = x->run->f;
	dupg_fetch_progress p;

	if (f->o.progress == NULL)
		return 0;
	p.package = x->pkg->index;
	p.packages = x->pkg->count;
	p.path = x->pkg->path;
	p.url = x->url;
	p.done = x->offset + x->written;
	p.total = x->total;
	p.all_done = x->run->done_before + p.done;
	p.all_total = x->run->done_before + p.total;
	return f->o.progress(&p, f->o.progress_payload);
}

static int on_progress(void *payload, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct xfer *x = payload;
	dupg_fetch *f = x->run->f;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	if (atomic_load(&f->cancel)) {
		x->stop = STOP_CANCEL;
		x->code = dupg__error(DUPG_EABORTED, "%s: fetch cancelled", x->url);
		return 1;
	}
	if (x->last_ms + x->stall_ms <= now_ms()) {
		/* curl's own low-speed check averages over seconds more: this one is exact */
		x->stop = STOP_REFUSED;
		x->code = dupg__error(DUPG_ENETWORK, "%s: stalled: no byte for %llu s", x->url,
				      (unsigned long long)(x->stall_ms / 1000u));
		return 1;
	}
	if (x->run->deadline_ms != 0 && now_ms() >= x->run->deadline_ms) {
		x->stop = STOP_TIMEOUT;
		x->code = dupg__error(DUPG_ETIMEDOUT, "%s: the fetch's timeout of %lu ms passed",
				      x->url, f->o.timeout_ms);
		return 1;
	}
	if (!x->redirect && call_progress(x) != 0) {
		x->stop = STOP_CANCEL;
		x->code = dupg__error(DUPG_EABORTED, "%s: fetch cancelled by the progress callback",
				      x->url);
		return 1;
	}
	return 0;
}

/* ---- one attempt ---------------------------------------------------------- */

/* How an attempt ended. */
enum attempt {
	A_DONE,      /* complete and verified, under its final name */
	A_FAILOVER,  /* this server failed: try the next (message recorded) */
	A_RESTART,   /* the same server again, from zero (416, a bad local file) */
	A_REDIRECT,  /* the same server, at *next_url */
	A_FATAL      /* stop the fetch (message recorded, code in *code) */
};

static void set_common(dupg_fetch *f, CURL *c, struct xfer *x, char *errbuf)
{
	unsigned long stall = f->o.stall_seconds != 0 ? f->o.stall_seconds : DEFAULT_STALL_SECONDS;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,ftp,ftps,sftp,file");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "libdupg/" DUPG_VERSION_STRING);
	curl_easy_setopt(c, CURLOPT_BUFFERSIZE, RECV_BUFFER);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	x->stall_ms = (uint64_t)(stall > 86400ul ? 86400ul : stall) * 1000u;
	x->last_ms = x->start_ms = now_ms();
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(f->o.connect_timeout_ms != 0 ? f->o.connect_timeout_ms
							     : DEFAULT_CONNECT_MS));
	if (f->o.ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, f->o.ca_file);
	if (f->o.pinned_key != NULL)
		curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, f->o.pinned_key);
	if (f->o.ssh_key != NULL)
		curl_easy_setopt(c, CURLOPT_SSH_PRIVATE_KEYFILE, f->o.ssh_key);
	if (f->o.ssh_known_hosts != NULL)
		curl_easy_setopt(c, CURLOPT_SSH_KNOWNHOSTS, f->o.ssh_known_hosts);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
}

static int default_verify(const char *file, const char *path, const char *url, void *payload)
{
	(void)path;
	(void)url;
	(void)payload;
	return dupg_package_verify(NULL, file);
}

static void remove_partial(const struct pkg *p)
{
	unlink(p->part);
	unlink(p->meta);
}

/*
 * Verify the complete partial file (unless verified while it came), then
 * fsync it and give it its final name.
 */
static enum attempt finish(struct run *run, struct pkg *p, const char *url, int fd, int verified,
			   int *code)
{
	dupg_fetch *f = run->f;
	dupg_fetch_verify_cb verify = f->o.verify != NULL ? f->o.verify : default_verify;
	char *dir;
	int rc;

	/* a hook that refuses without a message of its own gets one */
	dupg__error_clear();
	rc = verified ? 0 : verify(p->part, p->path, url, f->o.verify_payload);
	if (rc != 0) {
		if (rc > 0 || dupg__error_code() == 0)
			rc = dupg__error(rc < 0 ? rc : DUPG_EINTEGRITY,
					 "refused by the verification callback");
		remove_partial(p);
		*code = dupg__error_prefix(rc, "%s from %s: verification failed, removed", p->name, url);
		return A_FAILOVER;
	}
	if (!f->o.no_fsync && fsync(fd) != 0) {
		*code = dupg__error_sys(errno, "%s: fsync failed", p->part);
		return A_FATAL;
	}
	if (rename(p->part, p->final) != 0) {
		*code = dupg__error_sys(errno, "%s: cannot rename to %s", p->part, p->final);
		return A_FATAL;
	}
	unlink(p->meta);
	if (!f->o.no_fsync) {
		dir = dupg__path_dirname(p->final);
		if (dir == NULL) {
			*code = dupg__error_nomem();
			return A_FATAL;
		}
		rc = dupg__fs_fsync_dir(dir);
		free(dir);
		if (rc != 0) {
			*code = rc;
			return A_FATAL;
		}
	}
	return A_DONE;
}

/*
 * One request of package p at url. *resumed and *bytes are updated; on
 * A_REDIRECT *next_url receives the target (caller frees).
 */
static enum attempt attempt(struct run *run, struct pkg *p, const char *url, int *resumed,
			    uint64_t *bytes, uint64_t *size, char **next_url, int *code)
{
	dupg_fetch *f = run->f;
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	struct xfer x;
	struct meta m;
	struct stat st;
	CURLcode cc;
	enum attempt a;
	char range[32];
	long status = 0;
	uint64_t have = 0;
	int fd, verified;

	*code = 0;
	p->verified_inline = 0;
	memset(&x, 0, sizeof(x));
	x.run = run;
	x.pkg = p;
	x.url = url;
	x.http = is_http(url);
	x.clen = x.rstart = x.rtotal = -1;

	/* never through a link: the partial file is the store's own */
	fd = open(p->part, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0644);
	if (fd < 0) {
		*code = dupg__error_sys(errno, "%s: cannot open", p->part);
		return A_FATAL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*code = dupg__error(DUPG_EIO, "%s: not a regular file", p->part);
		close(fd);
		return A_FATAL;
	}
	meta_read(&m, p->meta);
	have = (uint64_t)st.st_size;
	if (x.http && m.valid && have > 0 && (m.length == 0 || have <= m.length)) {
		if (m.length != 0 && have == m.length) {
			/* complete before an interruption, never verified: verify it now */
			*resumed = 1;
			*size = have;
			a = finish(run, p, url, fd, 0, code);
			close(fd);
			return a == A_FAILOVER ? A_RESTART : a;
		}
		x.asked = x.offset = have;
		snprintf(range, sizeof(range), "%llu-", (unsigned long long)have);
		{
			char *h = dupg__printf("If-Range: %s", m.etag);
			struct curl_slist *n2 = h != NULL ? curl_slist_append(NULL, h) : NULL;
			free(h);
			if (n2 == NULL) {
				close(fd);
				*code = dupg__error_nomem();
				return A_FATAL;
			}
			hdrs = n2;
		}
		if (lseek(fd, (off_t)have, SEEK_SET) < 0) {
			*code = dupg__error_sys(errno, "%s: cannot seek", p->part);
			close(fd);
			curl_slist_free_all(hdrs);
			return A_FATAL;
		}
	} else if (have > 0 && ftruncate(fd, 0) != 0) {
		*code = dupg__error_sys(errno, "%s: cannot truncate", p->part);
		close(fd);
		return A_FATAL;
	}
	x.fd = fd;

	set_common(f, f->curl, &x, errbuf);
	curl_easy_setopt(f->curl, CURLOPT_URL, url);
	if (x.asked > 0) {
		curl_easy_setopt(f->curl, CURLOPT_RANGE, range);
		curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, hdrs);
	}
	if (run->deadline_ms != 0) {
		uint64_t now = now_ms();
		long left = now >= run->deadline_ms ? 1L : (long)(run->deadline_ms - now);
		curl_easy_setopt(f->curl, CURLOPT_TIMEOUT_MS, left);
	}
	cc = curl_easy_perform(f->curl);
	curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	*bytes += x.received;
	/* no more bytes come: a transfer that did not end whole leaves its verification unwanted */
	verified = dupg__follow_end(x.follow, x.stop != STOP_NONE || cc != CURLE_OK || x.redirect ||
					      (x.total > 0 && x.offset + x.written != x.total));
	x.follow = NULL;

	if (x.stop != STOP_NONE) {
		close(fd);
		*code = x.code;
		return x.stop == STOP_REFUSED ? A_FAILOVER : A_FATAL;
	}
	if (cc == CURLE_OPERATION_TIMEDOUT && run->deadline_ms != 0 && now_ms() + 20 >= run->deadline_ms) {
		close(fd);
		*code = dupg__error(DUPG_ETIMEDOUT, "%s: the fetch's timeout of %lu ms passed", url,
				    f->o.timeout_ms);
		return A_FATAL;
	}
	if (cc == CURLE_HTTP_RETURNED_ERROR && status == 416 && x.asked > 0) {
		/* the partial file is longer than the server's: start again */
		close(fd);
		remove_partial(p);
		*code = dupg__error(DUPG_ENETWORK, "%s: 416 Range Not Satisfiable", url);
		return A_RESTART;
	}
	if (cc == CURLE_OK && x.http && status >= 300 && status < 400) {
		char *loc = NULL;
		close(fd);
		curl_easy_getinfo(f->curl, CURLINFO_REDIRECT_URL, &loc);
		if (loc == NULL) {
			*code = dupg__error(DUPG_ENETWORK, "%s: HTTP %ld without a Location", url, status);
			return A_FAILOVER;
		}
		if (!same_origin(url, loc)) {
			*code = dupg__error(DUPG_ENETWORK, "%s: redirect to another host refused (%s)", url,
					    loc);
			return A_FAILOVER;
		}
		*next_url = dupg__strdup(loc);
		if (*next_url == NULL) {
			*code = dupg__error_nomem();
			return A_FATAL;
		}
		return A_REDIRECT;
	}
	if (cc != CURLE_OK) {
		close(fd);
		if (cc == CURLE_OUT_OF_MEMORY) {
			*code = dupg__error(DUPG_ENOMEM, "%s: libcurl: out of memory", url);
			return A_FATAL;
		}
		*code = dupg__error(cc == CURLE_UNSUPPORTED_PROTOCOL ? DUPG_EUNSUPPORTED : DUPG_ENETWORK,
				    "%s: %s%s%s", url, curl_easy_strerror(cc),
				    errbuf[0] != '\0' ? ": " : "", errbuf);
		return A_FAILOVER;
	}
	if (!x.began) {
		/* an empty body: no callback ran; an empty file is no package either */
		x.offset = x.asked;
		if (x.http && status == 206 && x.asked > 0 && x.rtotal >= 0 &&
		    (uint64_t)x.rtotal == x.asked) {
			x.total = x.asked;
		} else {
			close(fd);
			*code = dupg__error(DUPG_ENETWORK, "%s: empty response (status %ld)", url, status);
			return A_FAILOVER;
		}
	}
	if (x.total > 0 && x.offset + x.written != x.total) {
		close(fd);
		*code = dupg__error(DUPG_ENETWORK, "%s: transfer ended at byte %llu of %llu", url,
				    (unsigned long long)(x.offset + x.written),
				    (unsigned long long)x.total);
		return A_FAILOVER;
	}
	*resumed = x.offset > 0;
	*size = x.offset + x.written;
	if (x.total == 0)
		x.total = *size;
	call_progress(&x);
	p->verified_inline = verified;
	a = finish(run, p, url, fd, verified, code);
	close(fd);
	return a;
}

/* ---- the run -------------------------------------------------------------- */

static void free_pkgs(struct pkg *pk, size_t n)
{
	size_t i;

	for (i = 0; pk != NULL && i < n; i++) {
		free(pk[i].name);
		free(pk[i].final);
		free(pk[i].part);
		free(pk[i].meta);
	}
	free(pk);
}

static int prepare(struct pkg **out, const char *dir, const char *const *paths, size_t count)
{
	struct pkg *pk = calloc(count > 0 ? count : 1, sizeof(*pk));
	size_t i, j;
	int rc = 0;

	*out = NULL;
	if (pk == NULL)
		return dupg__error_nomem();
	for (i = 0; rc == 0 && i < count; i++) {
		pk[i].index = i;
		pk[i].count = count;
		pk[i].path = paths[i];
		if (paths[i] == NULL) {
			rc = dupg__error(DUPG_EINVAL, "task path %zu is NULL", i);
			break;
		}
		rc = name_of(&pk[i].name, paths[i]);
		for (j = 0; rc == 0 && j < i; j++)
			if (strcmp(pk[j].name, pk[i].name) == 0)
				rc = dupg__error(DUPG_EEXISTS,
						 "task paths \"%s\" and \"%s\" both name the file %s",
						 pk[j].path, pk[i].path, pk[i].name);
		if (rc != 0)
			break;
		pk[i].final = dupg__path_join(dir, pk[i].name);
		pk[i].part = dupg__printf("%s.part", pk[i].final != NULL ? pk[i].final : "");
		pk[i].meta = dupg__printf("%s.part.meta", pk[i].final != NULL ? pk[i].final : "");
		if (pk[i].final == NULL || pk[i].part == NULL || pk[i].meta == NULL)
			rc = dupg__error_nomem();
	}
	if (rc != 0) {
		free_pkgs(pk, count);
		return rc;
	}
	*out = pk;
	return 0;
}

static int add_outcome(dupg_fetch *f, const struct pkg *p, size_t server, const char *url,
		       uint64_t size, uint64_t bytes, int resumed, size_t failovers)
{
	struct outcome *o;

	if (DUPG__GROW(&f->out, &f->cap, f->nout + 1) != 0)
		return dupg__error_nomem();
	o = &f->out[f->nout];
	o->path = strdup(p->path);
	o->file = strdup(p->final);
	o->url = strdup(url);
	if (o->path == NULL || o->file == NULL || o->url == NULL) {
		free(o->path);
		free(o->file);
		free(o->url);
		return dupg__error_nomem();
	}
	o->pub.path = o->path;
	o->pub.file = o->file;
	o->pub.url = o->url;
	o->pub.server = server;
	o->pub.size = size;
	o->pub.bytes = bytes;
	o->pub.resumed = resumed;
	o->pub.failovers = failovers;
	o->pub.verified_inline = p->verified_inline;
	f->nout++;
	return 0;
}

/* Fetch one package, the servers tried in rank order. */
static int fetch_one(struct run *run, struct pkg *p, const size_t *order,
		     const dupg_fetch_server *servers, size_t ns)
{
	dupg_fetch *f = run->f;
	dupg_buf why = { 0 };
	uint64_t bytes = 0, size = 0;
	size_t k, failovers = 0;
	int resumed = 0, code = 0, rc;

	for (k = 0; k < ns; k++) {
		size_t s = order[k];
		char *url = NULL, *next = NULL;
		int hops = 0, restarts = 0;
		enum attempt a;

		rc = resolve(&url, servers[s].url, p->path);
		if (rc != 0) {
			code = rc;
			dupg__buf_printf(&why, "%s%s", why.len > 0 ? "; " : "", dupg__error_msg());
			failovers++;
			continue;
		}
		for (;;) {
			resumed = 0;
			a = attempt(run, p, url, &resumed, &bytes, &size, &next, &code);
			if (a == A_REDIRECT && hops++ < MAX_REDIRECTS) {
				free(url);
				url = next;
				next = NULL;
				continue;
			}
			if (a == A_REDIRECT) {
				free(next);
				a = A_FAILOVER;
				code = dupg__error(DUPG_ENETWORK, "%s: more than %d redirects", url,
						   MAX_REDIRECTS);
			}
			if (a == A_RESTART && restarts++ < 1)
				continue;
			if (a == A_RESTART)
				a = A_FAILOVER;
			break;
		}
		if (a == A_DONE) {
			rc = add_outcome(f, p, s, url, size, bytes, resumed, failovers);
			f->bytes += bytes;
			run->done_before += size;
			free(url);
			free(why.data);
			return rc;
		}
		free(url);
		if (a == A_FATAL) {
			f->bytes += bytes;
			free(why.data);
			return code;
		}
		dupg__buf_printf(&why, "%s%s", why.len > 0 ? "; " : "", dupg__error_msg());
		failovers++;
	}
	f->bytes += bytes;
	if (why.failed) {
		free(why.data);
		return dupg__error_nomem();
	}
	rc = dupg__error(code != 0 ? code : DUPG_ENETWORK, "%s: every server failed (%zu): %s",
			 p->path, ns, why.data != NULL ? why.data : "");
	free(why.data);
	return rc;
}

int dupg_fetch_run(dupg_fetch *f, const char *dir, const char *const *paths, size_t count,
		   const dupg_fetch_server *servers, size_t server_count)
{
	const char **locs = NULL;
	size_t *order = NULL, i;
	struct pkg *pk = NULL;
	struct run run;
	struct stat st;
	int rc;

	if (f == NULL || dir == NULL || (count > 0 && paths == NULL))
		return dupg__error(DUPG_EINVAL, "dupg_fetch_run: NULL handle, directory or paths");
	clear_outcomes(f);
	if (servers == NULL || server_count == 0)
		return dupg__error(DUPG_EINVAL, "dupg_fetch_run: no server given");
	for (i = 0; i < server_count; i++)
		if (servers[i].url == NULL || servers[i].url[0] == '\0')
			return dupg__error(DUPG_EINVAL, "dupg_fetch_run: server %zu has no URL", i);
	if (stat(dir, &st) != 0)
		return dupg__error_sys(errno, "%s: store directory", dir);
	if (!S_ISDIR(st.st_mode))
		return dupg__error(DUPG_EINVAL, "%s: store directory is not a directory", dir);
	rc = prepare(&pk, dir, paths, count);
	if (rc != 0)
		return rc;
	order = calloc(server_count, sizeof(*order));
	locs = calloc(server_count, sizeof(*locs));
	if (order == NULL || locs == NULL) {
		rc = dupg__error_nomem();
		goto done;
	}
	for (i = 0; i < server_count; i++)
		locs[i] = servers[i].location;
	rc = dupg_locality_rank(order, NULL, f->o.location, locs, server_count);
	if (rc != 0)
		goto done;
	memset(&run, 0, sizeof(run));
	run.f = f;
	if (f->o.timeout_ms != 0)
		run.deadline_ms = now_ms() + f->o.timeout_ms;
	for (i = 0; rc == 0 && i < count; i++) {
		if (atomic_load(&f->cancel)) {
			rc = dupg__error(DUPG_EABORTED, "%s: fetch cancelled", pk[i].path);
			break;
		}
		rc = fetch_one(&run, &pk[i], order, servers, server_count);
	}
done:
	atomic_store(&f->cancel, 0);
	free(order);
	free(locs);
	free_pkgs(pk, count);
	return rc;
}
