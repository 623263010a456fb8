/* Small helpers of the simulator: its error buffer, files, a seeded PRNG, a string map. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include <xxhash.h>

#include "util.h"

static char errbuf[2048];

static int verror(int code, const char *suffix, const char *fmt, va_list ap)
{
	int n = vsnprintf(errbuf, sizeof(errbuf), fmt, ap);

	if (n >= 0 && (size_t)n < sizeof(errbuf) && suffix != NULL)
		snprintf(errbuf + n, sizeof(errbuf) - (size_t)n, ": %s", suffix);
	return code;
}

int sim_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(code, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int sim_error_lib(int code, const char *fmt, ...)
{
	char lib[1024];
	va_list ap;

	/* copy first: formatting may not call the library, but keep the order obvious */
	snprintf(lib, sizeof(lib), "%s", dupg_error_last());
	va_start(ap, fmt);
	verror(code, lib[0] != '\0' ? lib : dupg_strerror(code), fmt, ap);
	va_end(ap);
	return code;
}

const char *sim_errmsg(void)
{
	return errbuf[0] != '\0' ? errbuf : "unknown error";
}

char *sim_strdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

char *sim_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

int sim_grow(void *arr, size_t *cap, size_t need, size_t elem)
{
	void **p = arr;
	size_t ncap;
	void *q;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 4;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return sim_error(DUPG_ENOMEM, "out of memory");
		ncap *= 2;
	}
	q = realloc(*p, ncap * elem);
	if (q == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	*p = q;
	*cap = ncap;
	return 0;
}

int sim_mkdirs(const char *path)
{
	char *p = strdup(path), *s;

	if (p == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		{
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST) {
				int e = errno;
				sim_error(DUPG_EIO, "%s: cannot create directory: %s", p, strerror(e));
				free(p);
				return DUPG_EIO;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return 0;
}

static int rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) != 0 ? -1 : 0;
	return unlink(path) != 0 ? -1 : 0;
}

int sim_rmtree(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) != 0 && errno == ENOENT)
		return 0;
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return sim_error(DUPG_EIO, "%s: cannot remove: %s", path, strerror(errno));
	return 0;
}

int64_t sim_file_size(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return -1;
	return (int64_t)sb.st_size;
}

int sim_copy_file(const char *src, const char *dst, uint64_t limit, int no_fsync,
		  uint64_t *copied)
{
	char buf[65536];
	int in, out, rc = 0;

	*copied = 0;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return sim_error(DUPG_EIO, "%s: cannot open: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		rc = sim_error(DUPG_EIO, "%s: cannot create: %s", dst, strerror(errno));
		close(in);
		return rc;
	}
	while (*copied < limit) {
		size_t want = sizeof(buf);
		ssize_t n, off = 0;

		if (limit - *copied < want)
			want = (size_t)(limit - *copied);
		n = read(in, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = sim_error(DUPG_EIO, "%s: read failed: %s", src, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		while (off < n) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc = sim_error(DUPG_EIO, "%s: write failed: %s", dst, strerror(errno));
				break;
			}
			off += w;
		}
		if (rc != 0)
			break;
		*copied += (uint64_t)n;
	}
	if (rc == 0 && !no_fsync && fsync(out) != 0)
		rc = sim_error(DUPG_EIO, "%s: fsync failed: %s", dst, strerror(errno));
	if (close(out) != 0 && rc == 0)
		rc = sim_error(DUPG_EIO, "%s: close failed: %s", dst, strerror(errno));
	close(in);
	return rc;
}

int sim_link_file(const char *src, const char *dst, int no_fsync)
{
	uint64_t copied;

	if (link(src, dst) == 0)
		return 0;
	if (errno != EXDEV && errno != EPERM && errno != EMLINK)
		return sim_error(DUPG_EIO, "%s: cannot link to %s: %s", dst, src, strerror(errno));
	return sim_copy_file(src, dst, UINT64_MAX, no_fsync, &copied);
}

int sim_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return sim_error(DUPG_EIO, "%s: cannot create: %s", path, strerror(errno));
	if ((len > 0 && fwrite(data, 1, len, f) != len) | (fclose(f) != 0))
		return sim_error(DUPG_EIO, "%s: write failed: %s", path, strerror(errno));
	return 0;
}

uint64_t sim_rng_next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

double sim_rng_unit(uint64_t *state)
{
	return (double)(sim_rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t sim_rng_below(uint64_t *state, uint64_t n)
{
	/* rejection keeps it unbiased; n is small in practice so this loops rarely */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = sim_rng_next(state);
	while (x >= limit);
	return x % n;
}

uint64_t sim_rng_derive(uint64_t seed, uint64_t stream)
{
	uint64_t s = seed ^ (stream * UINT64_C(0xD1B54A32D192ED03));

	return sim_rng_next(&s);
}

uint64_t sim_hash_str(const char *s)
{
	return XXH3_64bits(s, strlen(s));
}

struct sim_map {
	char **keys;
	size_t *values;
	size_t cap;   /* power of two */
	size_t count;
};

int sim_map_new(sim_map **out)
{
	sim_map *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (m == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	m->cap = 16;
	m->keys = calloc(m->cap, sizeof(*m->keys));
	m->values = calloc(m->cap, sizeof(*m->values));
	if (m->keys == NULL || m->values == NULL) {
		sim_map_free(m);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	*out = m;
	return 0;
}

void sim_map_free(sim_map *m)
{
	size_t i;

	if (m == NULL)
		return;
	if (m->keys != NULL)
		for (i = 0; i < m->cap; i++)
			free(m->keys[i]);
	free(m->keys);
	free(m->values);
	free(m);
}

static size_t slot_of(const sim_map *m, const char *key)
{
	size_t i = (size_t)sim_hash_str(key) & (m->cap - 1);

	while (m->keys[i] != NULL && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

long sim_map_get(const sim_map *m, const char *key)
{
	size_t i = slot_of(m, key);

	return m->keys[i] == NULL ? -1 : (long)m->values[i];
}

static int rehash(sim_map *m)
{
	sim_map bigger = { NULL, NULL, m->cap * 2, 0 };
	size_t i;

	bigger.keys = calloc(bigger.cap, sizeof(*bigger.keys));
	bigger.values = calloc(bigger.cap, sizeof(*bigger.values));
	if (bigger.keys == NULL || bigger.values == NULL) {
		free(bigger.keys);
		free(bigger.values);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	for (i = 0; i < m->cap; i++) {
		if (m->keys[i] != NULL) {
			size_t j = slot_of(&bigger, m->keys[i]);
			bigger.keys[j] = m->keys[i];
			bigger.values[j] = m->values[i];
		}
	}
	free(m->keys);
	free(m->values);
	m->keys = bigger.keys;
	m->values = bigger.values;
	m->cap = bigger.cap;
	return 0;
}

int sim_map_put(sim_map *m, const char *key, size_t value)
{
	size_t i;

	if ((m->count + 1) * 2 > m->cap && rehash(m) != 0)
		return DUPG_ENOMEM;
	i = slot_of(m, key);
	if (m->keys[i] == NULL) {
		m->keys[i] = strdup(key);
		if (m->keys[i] == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
		m->count++;
	}
	m->values[i] = value;
	return 0;
}

size_t sim_map_count(const sim_map *m)
{
	return m->count;
}

int sim_json_load(struct json_object **out, const char *file, size_t max)
{
	json_tokener *tok;
	json_object *obj;
	enum json_tokener_error jerr;
	struct stat sb;
	char *text;
	size_t len = 0;
	FILE *f;
	int rc = 0;

	*out = NULL;
	f = fopen(file, "r");
	if (f == NULL)
		return sim_error(errno == ENOENT ? DUPG_ENOTFOUND : DUPG_EIO, "%s: cannot open: %s",
				 file, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fclose(f);
		return sim_error(DUPG_EIO, "%s: not a regular file", file);
	}
	if ((uint64_t)sb.st_size > max || (uint64_t)sb.st_size > INT32_MAX) {
		fclose(f);
		return sim_error(DUPG_EFORMAT, "%s: too large (%lld bytes)", file,
				 (long long)sb.st_size);
	}
	text = malloc((size_t)sb.st_size + 1);
	if (text == NULL) {
		fclose(f);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	len = fread(text, 1, (size_t)sb.st_size, f);
	if (ferror(f))
		rc = sim_error(DUPG_EIO, "%s: read failed", file);
	fclose(f);
	if (rc != 0) {
		free(text);
		return rc;
	}
	tok = json_tokener_new();
	if (tok == NULL) {
		free(text);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue)
		rc = sim_error(DUPG_EFORMAT, "%s: invalid JSON: unexpected end of input", file);
	else if (jerr != json_tokener_success)
		rc = sim_error(DUPG_EFORMAT, "%s: invalid JSON: %s", file,
			       json_tokener_error_desc(jerr));
	else if (json_tokener_get_parse_end(tok) < len &&
		 strspn(text + json_tokener_get_parse_end(tok), " \t\r\n") !=
			 len - json_tokener_get_parse_end(tok))
		rc = sim_error(DUPG_EFORMAT, "%s: invalid JSON: text after the value", file);
	json_tokener_free(tok);
	free(text);
	if (rc != 0) {
		json_object_put(obj);
		return rc;
	}
	*out = obj;
	return 0;
}
