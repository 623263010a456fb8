/* SPDX-License-Identifier: BSD-2-Clause */
/* Packages on disk: digests, build, manifest-first reads, full verification, bad archives. */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"

#define HELLO_HEX "6bba86c7e069f56d5a10b435f1c8e49c"

#define ASSERT_ERR(expr, code, needle)                                        \
	do {                                                                      \
		int rc_ = (expr);                                                 \
		CU_ASSERT_EQUAL(rc_, (code));                                     \
		if (rc_ != (code) || strstr(dupg_error_last(), (needle)) == NULL) { \
			fprintf(stderr, "\n  %s:%d: got %d \"%s\", want %d \"%s\"\n", \
				__FILE__, __LINE__, rc_, dupg_error_last(), (code), (needle)); \
			CU_FAIL("wrong code or message");                         \
		}                                                                 \
	} while (0)

/* The failure named the file: the message starts with it. */
#define ASSERT_NAMES(path)                                                    \
	do {                                                                      \
		if (strncmp(dupg_error_last(), (path), strlen(path)) != 0) {      \
			fprintf(stderr, "\n  %s:%d: \"%s\" does not start with \"%s\"\n", \
				__FILE__, __LINE__, dupg_error_last(), (path));   \
			CU_FAIL("message does not name the file");                \
		}                                                                 \
	} while (0)

static char *dir; /* scratch directory of the running test */

static void setup(void)
{
	dir = fx_tmpdir();
}

static void teardown(void)
{
	fx_rmrf(dir);
	free(dir);
	dir = NULL;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
	CU_ASSERT_EQUAL(fclose(f), 0);
}

/* len bytes of reproducible noise: compressors cannot shrink it. */
static void write_noise(const char *path, size_t len, uint64_t seed)
{
	unsigned char *buf = malloc(len);
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	for (i = 0; i < len; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		buf[i] = (unsigned char)seed;
	}
	write_bytes(path, buf, len);
	free(buf);
}

static void hex_of(char out[33], const unsigned char d[16])
{
	size_t i;

	for (i = 0; i < 16; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* What `xxhsum -H2 path` prints as the digest. */
static void xxhsum(char out[33], const char *path)
{
	char cmd[4200], line[4400];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "xxhsum -H2 '%s'", path);
	p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memset(line, 0, sizeof(line));
	CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof(line), p));
	pclose(p);
	memcpy(out, line, 32);
	out[32] = '\0';
}

static char *snapshot(void)
{
	return fx_snapshot(dir);
}

static void assert_unchanged(char *before)
{
	char *after = snapshot();

	CU_ASSERT_STRING_EQUAL(before, after);
	free(after);
}

static char *json_of(const dupg_manifest *m)
{
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_manifest_to_json(&json, m), 0);
	return json;
}

/* ---- dupg_file_xxh128 --------------------------------------------------- */

static void test_file_xxh128(void)
{
	unsigned char d[16];
	char hex[33], want[33];
	uint64_t size = 99;
	const char *hello = fx_path(dir, "hello"), *big = fx_path(dir, "big"), *empty = fx_path(dir, "empty");

	fx_write(hello, "hello\n");
	CU_ASSERT_EQUAL(dupg_file_xxh128(d, &size, hello), 0);
	hex_of(hex, d);
	CU_ASSERT_STRING_EQUAL(hex, HELLO_HEX);
	CU_ASSERT_EQUAL(size, 6);
	xxhsum(want, hello);
	CU_ASSERT_STRING_EQUAL(hex, want);

	/* several 64 KiB reads, a partial last one */
	write_noise(big, 3 * 65536 + 123, 42);
	CU_ASSERT_EQUAL(dupg_file_xxh128(d, &size, big), 0);
	CU_ASSERT_EQUAL(size, 3 * 65536 + 123);
	hex_of(hex, d);
	xxhsum(want, big);
	CU_ASSERT_STRING_EQUAL(hex, want);

	fx_write(empty, "");
	CU_ASSERT_EQUAL(dupg_file_xxh128(d, NULL, empty), 0);
	hex_of(hex, d);
	xxhsum(want, empty);
	CU_ASSERT_STRING_EQUAL(hex, want);
	CU_ASSERT_STRING_EQUAL(hex, "99aa06d3014798d86001c324468d497f");
}

static void test_file_xxh128_errors(void)
{
	unsigned char d[16];
	const char *missing = fx_path(dir, "missing"), *fifo = fx_path(dir, "fifo");

	ASSERT_ERR(dupg_file_xxh128(d, NULL, missing), DUPG_ENOTFOUND, "no such file");
	ASSERT_NAMES(missing);
	ASSERT_ERR(dupg_file_xxh128(d, NULL, dir), DUPG_EIO, "not a regular file");
	ASSERT_NAMES(dir);
	/* a FIFO must not block the caller */
	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
	ASSERT_ERR(dupg_file_xxh128(d, NULL, fifo), DUPG_EIO, "not a regular file");
	ASSERT_NAMES(fifo);
	ASSERT_ERR(dupg_file_xxh128(NULL, NULL, missing), DUPG_EINVAL, "NULL");
	ASSERT_ERR(dupg_file_xxh128(d, NULL, NULL), DUPG_EINVAL, "NULL");
}

/* ---- building and reading back ------------------------------------------ */

static const char *const hw_bc[] = { "B", "C" };

/* Sources of the standard payload: noise, "hello\n" and an empty file. */
static void payload(dupg_pack_file files[3], size_t noise_len)
{
	write_noise(fx_path(dir, "src-app"), noise_len, 7);
	fx_write(fx_path(dir, "src-conf"), "hello\n");
	fx_write(fx_path(dir, "src-empty"), "");
	files[0].source = strdup(fx_path(dir, "src-app"));
	files[0].path = "bin/app";
	files[1].source = strdup(fx_path(dir, "src-conf"));
	files[1].path = "etc/app.conf";
	files[2].source = strdup(fx_path(dir, "src-empty"));
	files[2].path = "share/empty";
}

static void payload_free(dupg_pack_file files[3])
{
	size_t i;

	for (i = 0; i < 3; i++)
		free((char *)files[i].source);
}

struct fmt_case {
	const char *name;
	dupg_pack_format format;
	int filter;       /* ARCHIVE_FILTER_* */
	int archive_fmt;  /* ARCHIVE_FORMAT_* base */
};

static const struct fmt_case fmts[] = {
	{ "p.tar", DUPG_PACK_TAR, ARCHIVE_FILTER_NONE, ARCHIVE_FORMAT_TAR },
	{ "p.tar.gz", DUPG_PACK_TAR_GZ, ARCHIVE_FILTER_GZIP, ARCHIVE_FORMAT_TAR },
	{ "p.tar.xz", DUPG_PACK_TAR_XZ, ARCHIVE_FILTER_XZ, ARCHIVE_FORMAT_TAR },
	{ "p.tar.zst", DUPG_PACK_TAR_ZST, ARCHIVE_FILTER_ZSTD, ARCHIVE_FORMAT_TAR },
	{ "p.zip", DUPG_PACK_ZIP, ARCHIVE_FILTER_NONE, ARCHIVE_FORMAT_ZIP },
};

/*
 * Open path with libarchive and check its filter, format and entries: names
 * in order, regular files of mode 0644 with mtime 0.
 */
static void assert_layout(const char *path, int filter, int archive_fmt, const char *const *names,
			  size_t n)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t i = 0;

	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	CU_ASSERT_EQUAL_FATAL(archive_read_open_filename(a, path, 10240), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		CU_ASSERT_FATAL(i < n);
		CU_ASSERT_STRING_EQUAL(archive_entry_pathname(e), names[i]);
		CU_ASSERT_EQUAL(archive_entry_filetype(e), AE_IFREG);
		CU_ASSERT_EQUAL(archive_entry_perm(e), 0644);
		CU_ASSERT_EQUAL(archive_entry_mtime(e), 0);
		if (i == 0) {
			CU_ASSERT_EQUAL(archive_filter_code(a, 0), filter);
			CU_ASSERT_EQUAL(archive_format(a) & ARCHIVE_FORMAT_BASE_MASK, archive_fmt);
		}
		i++;
	}
	CU_ASSERT_EQUAL(i, n);
	archive_read_free(a);
}

static void test_round_trip_all_formats(void)
{
	static const char *const names[] = { "manifest.json", "bin/app", "etc/app.conf", "share/empty" };
	dupg_pack_options opts = DUPG_PACK_OPTIONS_INIT;
	dupg_pack_file files[3];
	size_t i;

	payload(files, 200000);
	opts.build_time = "2024-05-01T10:00:00Z";
	opts.vendor = "ACME";
	opts.no_fsync = 1;
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		const char *out = fx_path(dir, fmts[i].name);
		dupg_manifest *built = NULL, *read = NULL, *verified = (dupg_manifest *)1;
		char *j1, *j2, *j3, want[33];

		/* DUPG_PACK_AUTO: the suffix decides */
		CU_ASSERT_EQUAL_FATAL(dupg_package_build(&built, out, "pkg6", "6", hw_bc, 2, files, 3, &opts), 0);
		CU_ASSERT_EQUAL(dupg_manifest_file_count(built), 3);
		CU_ASSERT_EQUAL(dupg_manifest_total_size(built), 200000 + 6);
		CU_ASSERT_STRING_EQUAL(dupg_manifest_file_xxh128_hex(built, 1), HELLO_HEX);
		xxhsum(want, files[0].source);
		CU_ASSERT_STRING_EQUAL(dupg_manifest_file_xxh128_hex(built, 0), want);
		CU_ASSERT_EQUAL(dupg_package_read_manifest(&read, out), 0);
		CU_ASSERT_EQUAL(dupg_package_verify(&verified, out), 0);
		CU_ASSERT_EQUAL(dupg_package_verify(NULL, out), 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(read);
		CU_ASSERT_PTR_NOT_NULL_FATAL(verified);
		j1 = json_of(built);
		j2 = json_of(read);
		j3 = json_of(verified);
		CU_ASSERT_STRING_EQUAL(j1, j2);
		CU_ASSERT_STRING_EQUAL(j1, j3);
		CU_ASSERT_PTR_NOT_NULL(strstr(j1, "\"build_time\":\"2024-05-01T10:00:00Z\",\"vendor\":\"ACME\""));
		CU_ASSERT_STRING_EQUAL(dupg_manifest_name(read), "pkg6");
		CU_ASSERT_TRUE(dupg_manifest_fits(read, "C"));
		assert_layout(out, fmts[i].filter, fmts[i].archive_fmt, names, 4);
		free(j1);
		free(j2);
		free(j3);
		dupg_manifest_free(built);
		dupg_manifest_free(read);
		dupg_manifest_free(verified);
	}
	payload_free(files);
}

static void test_explicit_format_and_suffixes(void)
{
	static const struct { const char *name; dupg_pack_format format; int filter; int afmt; } cases[] = {
		{ "x.pkg", DUPG_PACK_TAR_XZ, ARCHIVE_FILTER_XZ, ARCHIVE_FORMAT_TAR },
		{ "x.tar.gz.zip", DUPG_PACK_TAR, ARCHIVE_FILTER_NONE, ARCHIVE_FORMAT_TAR },
		{ "y.zip.tar", DUPG_PACK_ZIP, ARCHIVE_FILTER_NONE, ARCHIVE_FORMAT_ZIP },
		{ "a.tgz", DUPG_PACK_AUTO, ARCHIVE_FILTER_GZIP, ARCHIVE_FORMAT_TAR },
		{ "a.txz", DUPG_PACK_AUTO, ARCHIVE_FILTER_XZ, ARCHIVE_FORMAT_TAR },
		{ "a.tzst", DUPG_PACK_AUTO, ARCHIVE_FILTER_ZSTD, ARCHIVE_FORMAT_TAR },
		{ "no-suffix", DUPG_PACK_AUTO, ARCHIVE_FILTER_GZIP, ARCHIVE_FORMAT_TAR },
		{ "a.upg", DUPG_PACK_AUTO, ARCHIVE_FILTER_GZIP, ARCHIVE_FORMAT_TAR },
	};
	static const char *const names[] = { "manifest.json" };
	dupg_pack_options opts = DUPG_PACK_OPTIONS_INIT;
	size_t i;

	opts.no_fsync = 1;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *out = fx_path(dir, cases[i].name);
		opts.format = cases[i].format;
		/* no install files at all is allowed */
		CU_ASSERT_EQUAL(dupg_package_build(NULL, out, "n", "1", hw_bc, 1, NULL, 0, &opts), 0);
		assert_layout(out, cases[i].filter, cases[i].afmt, names, 1);
		CU_ASSERT_EQUAL(dupg_package_verify(NULL, out), 0);
	}
}

static void test_build_is_reproducible(void)
{
	dupg_pack_file files[3];
	size_t i;

	payload(files, 100000);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		char a[64], b[64], *da, *db;
		dupg_pack_options opts = DUPG_PACK_OPTIONS_INIT;

		opts.format = fmts[i].format;
		snprintf(a, sizeof(a), "one-%s", fmts[i].name);
		snprintf(b, sizeof(b), "two-%s", fmts[i].name);
		CU_ASSERT_EQUAL(dupg_package_build(NULL, fx_path(dir, a), "n", "1", hw_bc, 2, files, 3, &opts), 0);
		sleep(i == 0); /* a second apart at least once: no timestamp sneaks in */
		CU_ASSERT_EQUAL(dupg_package_build(NULL, fx_path(dir, b), "n", "1", hw_bc, 2, files, 3, &opts), 0);
		da = fx_read(fx_path(dir, a));
		db = fx_read(fx_path(dir, b));
		CU_ASSERT_PTR_NOT_NULL_FATAL(da);
		CU_ASSERT_PTR_NOT_NULL_FATAL(db);
		{
			struct stat sa, sb;
			CU_ASSERT_EQUAL(stat(fx_path(dir, a), &sa), 0);
			CU_ASSERT_EQUAL(stat(fx_path(dir, b), &sb), 0);
			CU_ASSERT_EQUAL(sa.st_size, sb.st_size);
			CU_ASSERT_EQUAL(memcmp(da, db, (size_t)sa.st_size), 0);
			CU_ASSERT_EQUAL(sa.st_mode & 0777, 0644);
		}
		free(da);
		free(db);
	}
	payload_free(files);
}

static void test_build_replaces(void)
{
	const char *out = fx_path(dir, "p.tar");
	dupg_manifest *m = NULL;

	fx_write(out, "old contents");
	CU_ASSERT_EQUAL(dupg_package_build(NULL, out, "n", "2", hw_bc, 2, NULL, 0, NULL), 0);
	CU_ASSERT_EQUAL(dupg_package_read_manifest(&m, out), 0);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_version(m), "2");
	dupg_manifest_free(m);
	/* only the package is left: no temporary file */
	{
		DIR *d = opendir(dir);
		struct dirent *e;
		size_t n = 0;
		while ((e = readdir(d)) != NULL)
			n += e->d_name[0] != '.';
		closedir(d);
		CU_ASSERT_EQUAL(n, 1);
	}
}

static void test_build_failures_leave_nothing(void)
{
	const char *out = fx_path(dir, "out.tar.gz");
	const char *const hw_empty[] = { "A", "" };
	const char *const hw_null[] = { NULL };
	dupg_pack_file files[3], f;
	dupg_pack_options opts = DUPG_PACK_OPTIONS_INIT;
	dupg_manifest *m = (dupg_manifest *)1;
	char *before, *missing, *blocked, *isdir;

	payload(files, 1000);
	CU_ASSERT_EQUAL_FATAL(dupg_package_build(NULL, out, "n", "1", hw_bc, 2, files, 3, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(mkfifo(fx_path(dir, "fifo"), 0600), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(fx_path(dir, "sub"), 0700), 0);
	missing = strdup(fx_path(dir, "no-such-source"));
	blocked = strdup(fx_path(dir, "nodir/p.tar"));
	isdir = strdup(fx_path(dir, "sub"));
	before = snapshot();

	f.source = missing;
	f.path = "bin/x";
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_bc, 2, &f, 1, NULL), DUPG_ENOTFOUND, "no such file");
	ASSERT_NAMES(missing);
	CU_ASSERT_PTR_NULL(m);
	f.source = isdir;
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_bc, 2, &f, 1, NULL), DUPG_EINVAL, "not a regular file");
	ASSERT_NAMES(isdir);
	f.source = fx_path(dir, "fifo");
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_bc, 2, &f, 1, NULL), DUPG_EINVAL, "not a regular file");
	f.source = files[1].source;
	f.path = "../etc/passwd";
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_bc, 2, &f, 1, NULL), DUPG_EINVAL,
		   "../etc/passwd: path has a '..' component");
	ASSERT_NAMES(out);
	f.path = "/etc/passwd";
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_bc, 2, &f, 1, NULL), DUPG_EINVAL, "absolute path");
	ASSERT_NAMES(out);
	f.path = "manifest.json";
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_bc, 2, &f, 1, NULL), DUPG_EINVAL, "reserved");
	f.path = NULL;
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_bc, 2, &f, 1, NULL), DUPG_EINVAL,
		   "file 0 has no source or install path");
	files[2].path = "bin/app";
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_bc, 2, files, 3, NULL), DUPG_EEXISTS,
		   "bin/app: install path listed twice");
	ASSERT_NAMES(out);
	files[2].path = "share/empty";
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_bc, 0, files, 3, NULL), DUPG_EINVAL,
		   "at least one hardware type");
	ASSERT_NAMES(out);
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", NULL, 2, files, 3, NULL), DUPG_EINVAL,
		   "at least one hardware type");
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_empty, 2, files, 3, NULL), DUPG_EINVAL,
		   "hardware type 1 is empty");
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_null, 1, files, 3, NULL), DUPG_EINVAL,
		   "hardware type 0 is empty");
	ASSERT_ERR(dupg_package_build(&m, out, "", "1", hw_bc, 2, files, 3, NULL), DUPG_EINVAL,
		   "package name is empty");
	ASSERT_NAMES(out);
	ASSERT_ERR(dupg_package_build(&m, out, "n", NULL, hw_bc, 2, files, 3, NULL), DUPG_EINVAL,
		   "package version is empty");
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_bc, 2, NULL, 3, NULL), DUPG_EINVAL,
		   "files is NULL");
	opts.version = 99;
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_bc, 2, files, 3, &opts), DUPG_EINVAL,
		   "unknown dupg_pack_options version 99");
	opts.version = DUPG_PACK_OPTIONS_VERSION;
	opts.format = (dupg_pack_format)42;
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_bc, 2, files, 3, &opts), DUPG_EINVAL,
		   "unknown package format 42");
	opts.format = DUPG_PACK_AUTO;
	opts.vendor = "";
	ASSERT_ERR(dupg_package_build(&m, out, "n", "1", hw_bc, 2, files, 3, &opts), DUPG_EINVAL,
		   "empty string");
	ASSERT_NAMES(out);
	ASSERT_ERR(dupg_package_build(&m, NULL, "n", "1", hw_bc, 2, files, 3, NULL), DUPG_EINVAL,
		   "no output path");
	ASSERT_ERR(dupg_package_build(&m, blocked, "n", "1", hw_bc, 2, files, 3, NULL), DUPG_ENOTFOUND,
		   "directory does not exist");
	ASSERT_NAMES(blocked);
	/* the archive is written in full, then refused: a directory is never replaced */
	ASSERT_ERR(dupg_package_build(&m, isdir, "n", "1", hw_bc, 2, files, 3, NULL), DUPG_EUNSUPPORTED,
		   "not a regular file");
	ASSERT_NAMES(isdir);
	CU_ASSERT_PTR_NULL(m);
	assert_unchanged(before);

	free(before);
	free(missing);
	free(blocked);
	free(isdir);
	payload_free(files);
}

/* ---- manifest-first reads ----------------------------------------------- */

static void test_manifest_first_read_stops_early(void)
{
	size_t i;
	dupg_pack_file files[3];

	/*
	 * 4 MiB of noise after the manifest; the file is then cut at 32 KiB, or
	 * 256 KiB when compressed: libarchive decompresses 64 KiB output blocks.
	 * A cut zip loses its central directory and is read as a stream.
	 */
	payload(files, 4u << 20);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		const char *out = fx_path(dir, fmts[i].name);
		dupg_manifest *built = NULL, *read = NULL;
		dupg_pack_options opts = DUPG_PACK_OPTIONS_INIT;
		char *j1, *j2;
		int rc;

		opts.no_fsync = 1;
		CU_ASSERT_EQUAL_FATAL(dupg_package_build(&built, out, "big", "1", hw_bc, 2, files, 3, &opts), 0);
		CU_ASSERT_EQUAL_FATAL(truncate(out, fmts[i].format == DUPG_PACK_TAR ? 32768 : 262144), 0);
		rc = dupg_package_read_manifest(&read, out);
		if (rc != 0)
			fprintf(stderr, "\n  %s: %s\n", fmts[i].name, dupg_error_last());
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		j1 = json_of(built);
		j2 = json_of(read);
		CU_ASSERT_STRING_EQUAL(j1, j2);
		/* the payload is really gone: full verification must fail */
		rc = dupg_package_verify(NULL, out);
		CU_ASSERT_TRUE(rc == DUPG_EARCHIVE || rc == DUPG_EINTEGRITY);
		ASSERT_NAMES(out);
		CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "bin/app"));
		free(j1);
		free(j2);
		dupg_manifest_free(built);
		dupg_manifest_free(read);
	}
	payload_free(files);
}

/* ---- crafted archives --------------------------------------------------- */

struct ent {
	const char *name;
	unsigned int type;   /* AE_IF*; 0 means a regular file */
	const char *data;    /* regular files */
	const char *link;    /* symlink target, or hard link target when hardlink */
	int hardlink;
	int size_unset;      /* zip only: sizes only in the data descriptor */
	int64_t size;        /* header size when data is NULL (length of zeros written) */
};

enum { TAR, ZIP, TGZ };

/* craft() with each entry's mode from perms (NULL: 0755 for directories, 0644 else). */
static void craft_perms(const char *path, int fmt, const struct ent *ents, size_t n,
			const unsigned int *perms)
{
	struct archive *a = archive_write_new();
	size_t i;

	CU_ASSERT_EQUAL_FATAL(fmt == ZIP ? archive_write_set_format_zip(a)
					 : archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	if (fmt == TGZ)
		archive_write_add_filter_gzip(a);
	CU_ASSERT_EQUAL_FATAL(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		const struct ent *x = &ents[i];
		struct archive_entry *e = archive_entry_new();
		size_t len = x->data ? strlen(x->data) : (size_t)x->size;

		archive_entry_set_pathname(e, x->name);
		archive_entry_set_filetype(e, x->type ? x->type : AE_IFREG);
		archive_entry_set_perm(e, perms != NULL ? perms[i] : x->type == AE_IFDIR ? 0755 : 0644);
		archive_entry_set_mtime(e, 0, 0);
		if (x->hardlink) {
			archive_entry_set_hardlink(e, x->link);
			len = 0;
		} else if (x->type == AE_IFLNK) {
			archive_entry_set_symlink(e, x->link);
		} else if (x->type == AE_IFCHR || x->type == AE_IFBLK) {
			archive_entry_set_rdev(e, 0x0103);
		}
		if (x->type == 0 || x->type == AE_IFREG)
			archive_entry_set_size(e, (la_int64_t)len);
		if (x->size_unset)
			archive_entry_unset_size(e);
		CU_ASSERT_EQUAL_FATAL(archive_write_header(a, e), ARCHIVE_OK);
		if (x->data != NULL && len > 0) {
			CU_ASSERT_EQUAL(archive_write_data(a, x->data, len), (la_ssize_t)len);
		} else if (len > 0) {
			static const char zeros[4096];
			size_t done = 0;
			while (done < len) {
				size_t k = len - done < sizeof(zeros) ? len - done : sizeof(zeros);
				CU_ASSERT_EQUAL_FATAL(archive_write_data(a, zeros, k), (la_ssize_t)k);
				done += k;
			}
		}
		archive_entry_free(e);
	}
	CU_ASSERT_EQUAL(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static void craft(const char *path, int fmt, const struct ent *ents, size_t n)
{
	craft_perms(path, fmt, ents, n, NULL);
}

/*
 * Cut a zip just before its central directory. Readers then only have the
 * local headers, where entries written without a size say nothing about it.
 */
static void strip_central_directory(const char *path)
{
	struct stat st;
	unsigned char *buf;
	FILE *f;
	long i;

	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	buf = malloc((size_t)st.st_size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	f = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	/* end of central directory record: "PK\5\6", the directory's offset at +16 */
	for (i = (long)st.st_size - 22; i >= 0; i--) {
		if (memcmp(buf + i, "PK\5\6", 4) == 0)
			break;
	}
	CU_ASSERT_FATAL(i >= 0);
	{
		unsigned char *o = buf + i + 16;
		off_t cd = (off_t)o[0] | (off_t)o[1] << 8 | (off_t)o[2] << 16 | (off_t)o[3] << 24;
		CU_ASSERT_FATAL(cd > 0 && cd < st.st_size);
		CU_ASSERT_EQUAL_FATAL(truncate(path, cd), 0);
	}
	free(buf);
}

/* Manifest JSON listing (path, contents) pairs with their real sizes and digests. */
static char *manifest_for(const char *const *paths, const char *const *contents, size_t n)
{
	dupg_manifest *m = NULL;
	const char *const hw[] = { "B" };
	size_t i;
	char *json;

	CU_ASSERT_EQUAL_FATAL(dupg_manifest_new(&m, "crafted", "1"), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_add_hw(m, hw[0]), 0);
	for (i = 0; i < n; i++) {
		const char *src = fx_path(dir, ".digest-src");
		unsigned char d[16];
		uint64_t size;
		fx_write(src, contents[i]);
		CU_ASSERT_EQUAL_FATAL(dupg_file_xxh128(d, &size, src), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_manifest_add_file(m, paths[i], size, d), 0);
		unlink(src);
	}
	json = json_of(m);
	dupg_manifest_free(m);
	return json;
}

/* The common listing of the crafted packages: bin/app = "hello\n", etc/b = "bee\n". */
static char *two_files(void)
{
	static const char *const paths[] = { "bin/app", "etc/b" };
	static const char *const data[] = { "hello\n", "bee\n" };

	return manifest_for(paths, data, 2);
}

static void test_manifest_not_first(void)
{
	char *mj = two_files();
	const char *tar = fx_path(dir, "late.tar"), *zip = fx_path(dir, "late.zip");
	const char *tgz = fx_path(dir, "dirs.tgz");
	dupg_manifest *m = NULL;
	struct ent late[] = {
		{ "bin/app", 0, "hello\n", NULL, 0, 0, 0 },
		{ "etc/b", 0, "bee\n", NULL, 0, 0, 0 },
		{ "manifest.json", 0, mj, NULL, 0, 0, 0 },
	};
	/* directories are allowed, and names as `tar -C dir .` writes them */
	struct ent dirs[] = {
		{ "./", AE_IFDIR, NULL, NULL, 0, 0, 0 },
		{ "./manifest.json", 0, mj, NULL, 0, 0, 0 },
		{ "./bin/", AE_IFDIR, NULL, NULL, 0, 0, 0 },
		{ "./bin/app", 0, "hello\n", NULL, 0, 0, 0 },
		{ "etc", AE_IFDIR, NULL, NULL, 0, 0, 0 },
		{ "etc/b", 0, "bee\n", NULL, 0, 0, 0 },
		{ "usr/share/doc/", AE_IFDIR, NULL, NULL, 0, 0, 0 },
	};

	craft(tar, TAR, late, 3);
	craft(zip, ZIP, late, 3);
	craft(tgz, TGZ, dirs, 7);
	CU_ASSERT_EQUAL(dupg_package_read_manifest(&m, tar), 0);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_name(m), "crafted");
	dupg_manifest_free(m);
	CU_ASSERT_EQUAL(dupg_package_verify(&m, tar), 0);
	CU_ASSERT_EQUAL(dupg_manifest_file_count(m), 2);
	dupg_manifest_free(m);
	CU_ASSERT_EQUAL(dupg_package_verify(NULL, zip), 0);
	CU_ASSERT_EQUAL(dupg_package_verify(NULL, tgz), 0);
	free(mj);
}

static void test_read_errors(void)
{
	const char *missing = fx_path(dir, "missing.tar"), *empty = fx_path(dir, "empty.tar");
	const char *text = fx_path(dir, "text.tar.gz"), *noise = fx_path(dir, "noise.zip");
	dupg_manifest *m = (dupg_manifest *)1;
	char *before;

	fx_write(empty, "");
	fx_write(text, "This is a plain text file, not an upgrade package.\n");
	write_noise(noise, 8192, 3);
	before = snapshot();

	ASSERT_ERR(dupg_package_read_manifest(&m, missing), DUPG_ENOTFOUND, "no such file");
	ASSERT_NAMES(missing);
	CU_ASSERT_PTR_NULL(m);
	ASSERT_ERR(dupg_package_verify(&m, missing), DUPG_ENOTFOUND, "no such file");
	ASSERT_ERR(dupg_package_read_manifest(&m, dir), DUPG_EARCHIVE, "not a regular file");
	ASSERT_NAMES(dir);
	ASSERT_ERR(dupg_package_read_manifest(&m, empty), DUPG_EARCHIVE, "not an archive: empty file");
	ASSERT_NAMES(empty);
	ASSERT_ERR(dupg_package_read_manifest(&m, text), DUPG_EARCHIVE, "not an archive");
	ASSERT_NAMES(text);
	ASSERT_ERR(dupg_package_verify(&m, text), DUPG_EARCHIVE, "not an archive");
	ASSERT_ERR(dupg_package_read_manifest(&m, noise), DUPG_EARCHIVE, "not an archive");
	ASSERT_NAMES(noise);
	CU_ASSERT_PTR_NULL(m);
	ASSERT_ERR(dupg_package_read_manifest(NULL, missing), DUPG_EINVAL, "NULL");
	ASSERT_ERR(dupg_package_read_manifest(&m, NULL), DUPG_EINVAL, "NULL");
	ASSERT_ERR(dupg_package_verify(&m, NULL), DUPG_EINVAL, "NULL");
	assert_unchanged(before);
	free(before);
}

static void test_truncated(void)
{
	dupg_pack_file files[3];
	const char *tar = fx_path(dir, "t.tar"), *tgz = fx_path(dir, "t.tar.gz");
	const char *tail = fx_path(dir, "tail.tar");
	dupg_manifest *m = (dupg_manifest *)1;

	payload(files, 20000);
	CU_ASSERT_EQUAL_FATAL(dupg_package_build(NULL, tar, "n", "1", hw_bc, 2, files, 3, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_package_build(NULL, tgz, "n", "1", hw_bc, 2, files, 3, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_package_build(NULL, tail, "n", "1", hw_bc, 2, files, 3, NULL), 0);
	/* cut inside manifest.json's data */
	CU_ASSERT_EQUAL_FATAL(truncate(tar, 600), 0);
	ASSERT_ERR(dupg_package_read_manifest(&m, tar), DUPG_EARCHIVE, "truncated");
	ASSERT_NAMES(tar);
	CU_ASSERT_PTR_NULL(m);
	/* cut inside the first compressed block */
	CU_ASSERT_EQUAL_FATAL(truncate(tgz, 300), 0);
	ASSERT_ERR(dupg_package_read_manifest(&m, tgz), DUPG_EARCHIVE, "truncated or corrupt archive");
	ASSERT_NAMES(tgz);
	/* cut inside the gzip header: not even recognised */
	CU_ASSERT_EQUAL_FATAL(truncate(tgz, 5), 0);
	ASSERT_ERR(dupg_package_read_manifest(&m, tgz), DUPG_EARCHIVE, "not an archive");
	ASSERT_NAMES(tgz);
	/* cut inside the payload: the manifest reads, verification fails */
	CU_ASSERT_EQUAL_FATAL(truncate(tail, 10000), 0);
	CU_ASSERT_EQUAL(dupg_package_read_manifest(&m, tail), 0);
	dupg_manifest_free(m);
	ASSERT_ERR(dupg_package_verify(&m, tail), DUPG_EARCHIVE, "bin/app: truncated or corrupt archive");
	ASSERT_NAMES(tail);
	CU_ASSERT_PTR_NULL(m);
	payload_free(files);
}

static void test_bad_manifest_entry(void)
{
	char *mj = two_files();
	static const char fmt2[] = "{\"format\": 4, \"name\": \"n\", \"version\": \"1\", \"hw\": [\"A\"], \"files\": []}";
	const char *p = fx_path(dir, "bad.tar");
	const char *big = fx_path(dir, "big.tar"), *bigzip = fx_path(dir, "big.zip");
	dupg_manifest *m = (dupg_manifest *)1;
	struct ent none[] = { { "bin/app", 0, "hello\n", NULL, 0, 0, 0 } };
	struct ent nested[] = { { "pkg/manifest.json", 0, mj, NULL, 0, 0, 0 } };
	struct ent empty[] = { { "manifest.json", 0, "", NULL, 0, 0, 0 } };
	struct ent invalid[] = { { "manifest.json", 0, "{\"format\": 1,", NULL, 0, 0, 0 } };
	struct ent unknown[] = { { "manifest.json", 0, fmt2, NULL, 0, 0, 0 } };
	struct ent symlink[] = { { "manifest.json", AE_IFLNK, NULL, "other.json", 0, 0, 0 } };
	struct ent isdir[] = { { "manifest.json/", AE_IFDIR, NULL, NULL, 0, 0, 0 } };
	struct ent oversized[] = { { "manifest.json", 0, NULL, NULL, 0, 0, DUPG_MANIFEST_MAX_BYTES + 1 } };
	struct ent streamed[] = { { "manifest.json", 0, NULL, NULL, 0, 1, DUPG_MANIFEST_MAX_BYTES + 100 } };

	craft(p, TAR, none, 1);
	ASSERT_ERR(dupg_package_read_manifest(&m, p), DUPG_EFORMAT, "no manifest.json at the archive root");
	ASSERT_NAMES(p);
	ASSERT_ERR(dupg_package_verify(&m, p), DUPG_EFORMAT, "no manifest.json at the archive root");
	CU_ASSERT_PTR_NULL(m);
	craft(p, TAR, nested, 1);
	ASSERT_ERR(dupg_package_read_manifest(&m, p), DUPG_EFORMAT, "no manifest.json at the archive root");
	craft(p, TAR, empty, 1);
	ASSERT_ERR(dupg_package_read_manifest(&m, p), DUPG_EFORMAT, "manifest.json is empty");
	ASSERT_NAMES(p);
	craft(p, TAR, invalid, 1);
	ASSERT_ERR(dupg_package_read_manifest(&m, p), DUPG_EFORMAT, "manifest.json: invalid JSON");
	ASSERT_NAMES(p);
	craft(p, TAR, unknown, 1);
	ASSERT_ERR(dupg_package_read_manifest(&m, p), DUPG_EUNSUPPORTED, "manifest.json: unsupported manifest format 4");
	ASSERT_NAMES(p);
	ASSERT_ERR(dupg_package_verify(&m, p), DUPG_EUNSUPPORTED, "unsupported manifest format 4");
	craft(p, TAR, symlink, 1);
	ASSERT_ERR(dupg_package_read_manifest(&m, p), DUPG_EFORMAT, "manifest.json is not a regular file");
	ASSERT_NAMES(p);
	craft(p, TAR, isdir, 1);
	ASSERT_ERR(dupg_package_read_manifest(&m, p), DUPG_EFORMAT, "manifest.json is not a regular file");
	/* refused from the header size, before reading */
	craft(big, TAR, oversized, 1);
	ASSERT_ERR(dupg_package_read_manifest(&m, big), DUPG_EFORMAT, "above the 4194304-byte limit");
	ASSERT_NAMES(big);
	/* the zip's central directory gives the size away */
	craft(bigzip, ZIP, streamed, 1);
	ASSERT_ERR(dupg_package_read_manifest(&m, bigzip), DUPG_EFORMAT, "above the 4194304-byte limit");
	/* without it, no size at all: refused while reading, once past the cap */
	strip_central_directory(bigzip);
	ASSERT_ERR(dupg_package_read_manifest(&m, bigzip), DUPG_EFORMAT, "manifest.json: more than 4194304 bytes");
	ASSERT_NAMES(bigzip);
	CU_ASSERT_PTR_NULL(m);
	free(mj);
}

/* Every case of tests/data/manifests, as the manifest.json of a package. */
struct case_pkg {
	char pkg[4200];
	char origin[4300];
};

static void bad_case_in_package(const char *name, const char *text, int code, const char *needle,
				void *payload)
{
	const struct case_pkg *c = payload;
	dupg_manifest *m = (dupg_manifest *)1;
	struct archive *a;
	struct archive_entry *e;
	int rc;

	/* a tar.zst holding just that manifest.json, and bin/app */
	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_zstd(a);
	CU_ASSERT_EQUAL_FATAL(archive_write_open_filename(a, c->pkg), ARCHIVE_OK);
	e = archive_entry_new();
	archive_entry_set_pathname(e, "manifest.json");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)strlen(text));
	CU_ASSERT_EQUAL_FATAL(archive_write_header(a, e), ARCHIVE_OK);
	if (*text != '\0')
		archive_write_data(a, text, strlen(text));
	archive_entry_clear(e);
	archive_entry_set_pathname(e, "bin/app");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, 6);
	CU_ASSERT_EQUAL_FATAL(archive_write_header(a, e), ARCHIVE_OK);
	archive_write_data(a, "hello\n", 6);
	archive_entry_free(e);
	CU_ASSERT_EQUAL(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);

	rc = dupg_package_read_manifest(&m, c->pkg);
	if (rc != code || strstr(dupg_error_last(), needle) == NULL ||
	    strncmp(dupg_error_last(), c->origin, strlen(c->origin)) != 0) {
		fprintf(stderr, "\n  case %s: got %d \"%s\", want %d \"%s\"\n", name, rc,
			dupg_error_last(), code, needle);
		CU_FAIL("bad manifest case in a package");
	}
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(dupg_package_verify(NULL, c->pkg), code);
}

static void test_bad_manifest_cases_in_packages(void)
{
	struct case_pkg c;

	snprintf(c.pkg, sizeof(c.pkg), "%s/case.tar.zst", dir);
	snprintf(c.origin, sizeof(c.origin), "%s: manifest.json", c.pkg);
	CU_ASSERT_TRUE(fx_manifest_cases(bad_case_in_package, &c) >= 40);
}

/* verify(p) fails with DUPG_EINTEGRITY naming p and needle; read_manifest(p) succeeds. */
static void assert_integrity(const char *p, const char *needle)
{
	dupg_manifest *m = (dupg_manifest *)1;

	ASSERT_ERR(dupg_package_verify(&m, p), DUPG_EINTEGRITY, needle);
	ASSERT_NAMES(p);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(dupg_package_read_manifest(&m, p), 0);
	dupg_manifest_free(m);
}

static void test_verify_errors(void)
{
	char *mj = two_files();
	const char *p = fx_path(dir, "v.tar"), *z = fx_path(dir, "v.zip");
	char *before;
#define MANIFEST { "manifest.json", 0, mj, NULL, 0, 0, 0 }
#define APP { "bin/app", 0, "hello\n", NULL, 0, 0, 0 }
#define BEE { "etc/b", 0, "bee\n", NULL, 0, 0, 0 }
	struct ent missing[] = { MANIFEST, APP };
	struct ent unlisted[] = { MANIFEST, APP, BEE, { "etc/extra", 0, "x", NULL, 0, 0, 0 } };
	struct ent symlink[] = { MANIFEST, APP, BEE, { "bin/sh", AE_IFLNK, NULL, "/bin/busybox", 0, 0, 0 } };
	struct ent chr[] = { MANIFEST, APP, BEE, { "dev/null", AE_IFCHR, NULL, NULL, 0, 0, 0 } };
	struct ent blk[] = { MANIFEST, APP, BEE, { "dev/sda", AE_IFBLK, NULL, NULL, 0, 0, 0 } };
	struct ent fifo[] = { MANIFEST, APP, BEE, { "run/pipe", AE_IFIFO, NULL, NULL, 0, 0, 0 } };
	struct ent hard[] = { MANIFEST, APP, BEE, { "bin/app2", 0, NULL, "bin/app", 1, 0, 0 } };
	/* a symlink named like a listed file, instead of it */
	struct ent linked[] = { MANIFEST, APP, { "etc/b", AE_IFLNK, NULL, "/etc/shadow", 0, 0, 0 } };
	struct ent dup[] = { MANIFEST, APP, BEE, APP };
	struct ent dupm[] = { MANIFEST, APP, BEE, MANIFEST };
	struct ent digest[] = { MANIFEST, { "bin/app", 0, "hellO\n", NULL, 0, 0, 0 }, BEE };
	struct ent longer[] = { MANIFEST, { "bin/app", 0, "hello!\n", NULL, 0, 0, 0 }, BEE };
	struct ent shorter[] = { MANIFEST, { "bin/app", 0, "hell", NULL, 0, 0, 0 }, BEE };
	struct ent escape[] = { MANIFEST, APP, BEE, { "../outside/", AE_IFDIR, NULL, NULL, 0, 0, 0 } };
	struct ent absdir[] = { MANIFEST, APP, BEE, { "/etc/", AE_IFDIR, NULL, NULL, 0, 0, 0 } };
	/* zip entries without sizes in their headers: only the data tells */
	struct ent zmore[] = { MANIFEST, { "bin/app", 0, "hello world, much longer\n", NULL, 0, 1, 0 }, BEE };
	struct ent zless[] = { MANIFEST, { "bin/app", 0, "he", NULL, 0, 1, 0 }, BEE };
	struct ent zdigest[] = { MANIFEST, { "bin/app", 0, "HELLO\n", NULL, 0, 1, 0 }, BEE };
	struct ent mdir[] = { MANIFEST, APP, BEE, { "manifest.json/", AE_IFDIR, NULL, NULL, 0, 0, 0 } };
	struct ent good[] = { MANIFEST, APP, BEE };

	craft(p, TAR, good, 3);
	craft(z, ZIP, good, 3);
	CU_ASSERT_EQUAL(dupg_package_verify(NULL, p), 0);
	CU_ASSERT_EQUAL(dupg_package_verify(NULL, z), 0);

	craft(p, TAR, missing, 2);
	assert_integrity(p, "etc/b: listed in the manifest but missing from the archive");
	craft(p, TAR, unlisted, 4);
	assert_integrity(p, "etc/extra: not listed in the manifest");
	craft(z, ZIP, unlisted, 4);
	assert_integrity(z, "etc/extra: not listed in the manifest");
	craft(p, TAR, symlink, 4);
	assert_integrity(p, "bin/sh: symbolic link, not a regular file");
	craft(p, TAR, chr, 4);
	assert_integrity(p, "dev/null: character device, not a regular file");
	craft(p, TAR, blk, 4);
	assert_integrity(p, "dev/sda: block device, not a regular file");
	craft(p, TAR, fifo, 4);
	assert_integrity(p, "run/pipe: FIFO, not a regular file");
	craft(p, TAR, hard, 4);
	assert_integrity(p, "bin/app2: hard link, not a regular file");
	craft(p, TAR, linked, 3);
	assert_integrity(p, "etc/b: symbolic link, not a regular file");
	craft(p, TAR, dup, 4);
	assert_integrity(p, "bin/app: duplicate entry");
	craft(p, TAR, dupm, 4);
	assert_integrity(p, "manifest.json: duplicate entry");
	craft(p, TAR, mdir, 4);
	assert_integrity(p, "manifest.json: directory, not a regular file");
	craft(p, TAR, digest, 3);
	assert_integrity(p, "bin/app: digest mismatch: xxh128 is ");
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "the manifest says " HELLO_HEX));
	craft(z, ZIP, zdigest, 3);
	assert_integrity(z, "bin/app: digest mismatch");
	craft(p, TAR, longer, 3);
	assert_integrity(p, "bin/app: size mismatch: 7 bytes in the archive, the manifest says 6");
	craft(p, TAR, shorter, 3);
	assert_integrity(p, "bin/app: size mismatch: 4 bytes in the archive, the manifest says 6");
	craft(z, ZIP, zmore, 3);
	assert_integrity(z, "bin/app: size mismatch: 25 bytes in the archive, the manifest says 6");
	/* streamed: the data itself is cut off at the declared size */
	strip_central_directory(z);
	assert_integrity(z, "bin/app: size mismatch: more data than the 6 bytes the manifest says");
	craft(z, ZIP, zless, 3);
	assert_integrity(z, "bin/app: size mismatch: 2 bytes in the archive, the manifest says 6");
	craft(p, TAR, escape, 4);
	assert_integrity(p, "../outside/: directory outside the package root");
	craft(p, TAR, absdir, 4);
	assert_integrity(p, "directory outside the package root");

	/* verification reads only */
	before = snapshot();
	CU_ASSERT_EQUAL(dupg_package_verify(NULL, p), DUPG_EINTEGRITY);
	assert_unchanged(before);
	free(before);
	free(mj);
#undef MANIFEST
#undef APP
#undef BEE
}

static void test_absurd_sizes(void)
{
	const char *p = fx_path(dir, "absurd.tar");
	char text[512];
	dupg_manifest *m = (dupg_manifest *)1;
	struct ent ents[] = {
		{ "manifest.json", 0, text, NULL, 0, 0, 0 },
		{ "bin/app", 0, "hello\n", NULL, 0, 0, 0 },
	};

	snprintf(text, sizeof(text), "{\"format\":1,\"name\":\"n\",\"version\":\"1\",\"hw\":[\"A\"],"
		 "\"files\":[{\"path\":\"bin/app\",\"size\":%llu,\"xxh128\":\"" HELLO_HEX "\"}]}",
		 (unsigned long long)DUPG_FILE_MAX_BYTES + 1);
	craft(p, TAR, ents, 2);
	ASSERT_ERR(dupg_package_read_manifest(&m, p), DUPG_EFORMAT,
		   "\"files[0].size\" is 1099511627777 bytes, above the 1099511627776-byte limit");
	ASSERT_NAMES(p);
	ASSERT_ERR(dupg_package_verify(&m, p), DUPG_EFORMAT, "above the");
	CU_ASSERT_PTR_NULL(m);

	/* at the limit it parses, and the 6 bytes found are a size mismatch */
	snprintf(text, sizeof(text), "{\"format\":1,\"name\":\"n\",\"version\":\"1\",\"hw\":[\"A\"],"
		 "\"files\":[{\"path\":\"bin/app\",\"size\":%llu,\"xxh128\":\"" HELLO_HEX "\"}]}",
		 (unsigned long long)DUPG_FILE_MAX_BYTES);
	craft(p, TAR, ents, 2);
	assert_integrity(p, "bin/app: size mismatch: 6 bytes in the archive, the manifest says 1099511627776");
}

/* ---- streaming digests ---------------------------------------------------- */

/*
 * Sizes around XXH3's internal boundaries (240-byte short inputs, 64-byte
 * stripes, 1 KiB blocks) and libarchive's 64 KiB read blocks: the file
 * digest, the build and the block-by-block verification agree with xxhsum.
 */
static void test_digest_sizes(void)
{
	static const size_t sizes[] = { 0, 1, 16, 17, 128, 129, 240, 241, 1023, 1024, 1025,
					65535, 65536, 65537, (1u << 20) + 7 };
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	static const char *const outs[] = { "d.tar", "d.tar.zst", "d.zip" };
	dupg_pack_file files[N];
	char names[N][32], paths[N][32], want[N][33];
	size_t i, k;

	for (i = 0; i < N; i++) {
		unsigned char d[16];
		char hex[33];
		uint64_t size = 1;

		snprintf(names[i], sizeof(names[i]), "src-%zu", sizes[i]);
		snprintf(paths[i], sizeof(paths[i]), "data/f%zu", sizes[i]);
		write_noise(fx_path(dir, names[i]), sizes[i], 1000 + i);
		CU_ASSERT_EQUAL(dupg_file_xxh128(d, &size, fx_path(dir, names[i])), 0);
		CU_ASSERT_EQUAL(size, sizes[i]);
		hex_of(hex, d);
		xxhsum(want[i], fx_path(dir, names[i]));
		CU_ASSERT_STRING_EQUAL(hex, want[i]);
		files[i].source = strdup(fx_path(dir, names[i]));
		files[i].path = paths[i];
	}
	for (k = 0; k < sizeof(outs) / sizeof(outs[0]); k++) {
		const char *out = fx_path(dir, outs[k]);
		dupg_manifest *m = NULL;

		CU_ASSERT_EQUAL_FATAL(dupg_package_build(NULL, out, "sizes", "1", hw_bc, 2, files, N, NULL), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_package_verify(&m, out), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_manifest_file_count(m), N);
		for (i = 0; i < N; i++) {
			CU_ASSERT_STRING_EQUAL(dupg_manifest_file_path(m, i), paths[i]);
			CU_ASSERT_EQUAL(dupg_manifest_file_size(m, i), sizes[i]);
			CU_ASSERT_STRING_EQUAL(dupg_manifest_file_xxh128_hex(m, i), want[i]);
		}
		dupg_manifest_free(m);
	}
	for (i = 0; i < N; i++)
		free((char *)files[i].source);
}

/* ---- sparse entries ----------------------------------------------------- */

#define SPARSE_SIZE 200000
#define SPARSE_BIG 100000  /* bytes of data at offset 70000: several read blocks */

/* The manifest JSON of one file, install path ipath, with these contents. */
static char *manifest_of_bytes(const char *ipath, const unsigned char *data, size_t len)
{
	const char *src = fx_path(dir, ".digest-src");
	dupg_manifest *m = NULL;
	unsigned char d[16];
	uint64_t size;
	char *json;

	write_bytes(src, data, len);
	CU_ASSERT_EQUAL_FATAL(dupg_file_xxh128(d, &size, src), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_new(&m, "sparse", "1"), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_add_hw(m, "B"), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_add_file(m, ipath, size, d), 0);
	json = json_of(m);
	dupg_manifest_free(m);
	unlink(src);
	return json;
}

/*
 * The contents of disk.img as it extracts: a leading hole, "ab" at 1000, a
 * hole, SPARSE_BIG bytes of noise at 70000, a trailing hole up to SPARSE_SIZE.
 */
static unsigned char *sparse_image(void)
{
	unsigned char *img = calloc(1, SPARSE_SIZE);
	uint64_t x = 99;
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(img);
	memcpy(img + 1000, "ab", 2);
	for (i = 70000; i < 70000 + SPARSE_BIG; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		img[i] = (unsigned char)(x | 1);
	}
	return img;
}

/* manifest.json (mj), then disk.img as a pax sparse entry of img's data regions. */
static void craft_sparse(const char *path, const char *mj, const unsigned char *img)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();

	CU_ASSERT_EQUAL_FATAL(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	CU_ASSERT_EQUAL_FATAL(archive_write_open_filename(a, path), ARCHIVE_OK);
	archive_entry_set_pathname(e, "manifest.json");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)strlen(mj));
	CU_ASSERT_EQUAL_FATAL(archive_write_header(a, e), ARCHIVE_OK);
	CU_ASSERT_EQUAL(archive_write_data(a, mj, strlen(mj)), (la_ssize_t)strlen(mj));
	archive_entry_clear(e);
	archive_entry_set_pathname(e, "disk.img");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, SPARSE_SIZE);
	archive_entry_sparse_add_entry(e, 1000, 2);
	archive_entry_sparse_add_entry(e, 70000, SPARSE_BIG);
	CU_ASSERT_EQUAL_FATAL(archive_entry_sparse_count(e), 2);
	CU_ASSERT_EQUAL_FATAL(archive_write_header(a, e), ARCHIVE_OK);
	/* the writer stores the data regions and skips the holes */
	CU_ASSERT_EQUAL(archive_write_data(a, img, SPARSE_SIZE), SPARSE_SIZE);
	CU_ASSERT_EQUAL(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(e);
}

/* Replace the first occurrence of from by to (same length) in the file at path. */
static void patch(const char *path, const char *from, const char *to)
{
	struct stat st;
	unsigned char *buf;
	size_t n = strlen(from), i;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(strlen(to), n);
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	buf = malloc((size_t)st.st_size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	f = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	for (i = 0; i + n <= (size_t)st.st_size; i++) {
		if (memcmp(buf + i, from, n) == 0)
			break;
	}
	CU_ASSERT_FATAL(i + n <= (size_t)st.st_size);
	memcpy(buf + i, to, n);
	write_bytes(path, buf, (size_t)st.st_size);
	free(buf);
}

/*
 * A sparse entry is verified as the file it extracts to: its holes, the
 * trailing one included, hash as zeros. Offsets that go backwards or past the
 * manifest's size are refused before anything is hashed.
 */
static void test_sparse_entries(void)
{
	const char *p = fx_path(dir, "sparse.tar"), *img_path = fx_path(dir, "disk.img");
	unsigned char *img = sparse_image();
	unsigned char *filled = malloc(SPARSE_SIZE);
	dupg_manifest *m = NULL;
	char *mj, *bad, *before, want[33];
	struct archive *a;
	struct archive_entry *e;

	/* the writer really made holes: the stored archive is far below 200 KB of payload */
	mj = manifest_of_bytes("disk.img", img, SPARSE_SIZE);
	craft_sparse(p, mj, img);
	a = archive_read_new();
	archive_read_support_format_tar(a);
	CU_ASSERT_EQUAL_FATAL(archive_read_open_filename(a, p, 10240), ARCHIVE_OK);
	CU_ASSERT_EQUAL_FATAL(archive_read_next_header(a, &e), ARCHIVE_OK);
	CU_ASSERT_EQUAL_FATAL(archive_read_next_header(a, &e), ARCHIVE_OK);
	CU_ASSERT_STRING_EQUAL(archive_entry_pathname(e), "disk.img");
	CU_ASSERT_EQUAL(archive_entry_size(e), SPARSE_SIZE);
	CU_ASSERT_TRUE(archive_entry_sparse_count(e) >= 2);
	archive_read_free(a);

	/* the digest is that of the extracted file, as xxhsum prints it */
	write_bytes(img_path, img, SPARSE_SIZE);
	xxhsum(want, img_path);
	CU_ASSERT_EQUAL_FATAL(dupg_package_verify(&m, p), 0);
	CU_ASSERT_EQUAL(dupg_manifest_file_size(m, 0), SPARSE_SIZE);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_file_xxh128_hex(m, 0), want);
	dupg_manifest_free(m);
	unlink(img_path);

	/* holes that do not hold zeros in the manifest's file: a digest mismatch */
	memcpy(filled, img, SPARSE_SIZE);
	filled[SPARSE_SIZE - 1] = 'x';
	bad = manifest_of_bytes("disk.img", filled, SPARSE_SIZE);
	craft_sparse(p, bad, img);
	assert_integrity(p, "disk.img: digest mismatch");
	free(bad);
	memcpy(filled, img, SPARSE_SIZE);
	filled[500] = 'x';
	bad = manifest_of_bytes("disk.img", filled, SPARSE_SIZE);
	craft_sparse(p, bad, img);
	assert_integrity(p, "disk.img: digest mismatch");
	free(bad);
	/* a manifest of the stored data alone: the logical size differs */
	bad = manifest_of_bytes("disk.img", img + 70000, SPARSE_BIG);
	craft_sparse(p, bad, img);
	assert_integrity(p, "disk.img: size mismatch: 200000 bytes in the archive, the manifest says 100000");
	free(bad);

	/* a sparse map whose second region starts before the first one ends */
	craft_sparse(p, mj, img);
	patch(p, "\n70000\n", "\n00000\n");
	before = snapshot();
	ASSERT_ERR(dupg_package_verify(&m, p), DUPG_EARCHIVE, "disk.img: corrupt archive: data blocks out of order");
	ASSERT_NAMES(p);
	CU_ASSERT_PTR_NULL(m);
	assert_unchanged(before);
	free(before);

	/* data placed beyond the logical size the header and the manifest agree on */
	bad = manifest_of_bytes("disk.img", img, 100);
	craft_sparse(p, bad, img);
	patch(p, "realsize=200000", "realsize=000100");
	assert_integrity(p, "disk.img: size mismatch: more data than the 100 bytes the manifest says");
	free(bad);

	free(mj);
	free(filled);
	free(img);
}

/* ---- hostile archives ---------------------------------------------------- */

/* manifest.json (mj) and bin/app = "hello\n" in the given format and filter. */
static int craft_with(const char *path, int (*format)(struct archive *),
		      int (*filter)(struct archive *), const char *mj)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	const char *names[] = { "manifest.json", "bin/app" };
	const char *data[] = { mj, "hello\n" };
	int ok = format(a) == ARCHIVE_OK && (filter == NULL || filter(a) == ARCHIVE_OK);
	size_t i;

	/* iso9660 wants a block-sized output; the others do not mind */
	archive_write_set_bytes_in_last_block(a, 1);
	ok = ok && archive_write_open_filename(a, path) == ARCHIVE_OK;
	for (i = 0; ok && i < 2; i++) {
		archive_entry_clear(e);
		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(data[i]));
		ok = archive_write_header(a, e) == ARCHIVE_OK &&
		     archive_write_data(a, data[i], strlen(data[i])) == (la_ssize_t)strlen(data[i]);
	}
	ok = ok && archive_write_close(a) == ARCHIVE_OK;
	archive_write_free(a);
	archive_entry_free(e);
	return ok;
}

/*
 * Only tar (ustar, pax, GNU) and zip, compressed with gzip, xz or zstd, are
 * read: a valid archive of any other format or filter is not an archive.
 */
static void test_other_formats_refused(void)
{
	static const char *const paths[] = { "bin/app" };
	static const char *const data[] = { "hello\n" };
	static const struct {
		const char *name;
		int (*format)(struct archive *);
		int (*filter)(struct archive *);
	} good[] = {
		{ "ustar", archive_write_set_format_ustar, NULL },
		{ "v7tar", archive_write_set_format_v7tar, NULL },
		{ "gnutar.gz", archive_write_set_format_gnutar, archive_write_add_filter_gzip },
		{ "pax.xz", archive_write_set_format_pax, archive_write_add_filter_xz },
		{ "pax.zst", archive_write_set_format_pax, archive_write_add_filter_zstd },
		{ "zip", archive_write_set_format_zip, NULL },
	}, bad[] = {
		{ "cpio", archive_write_set_format_cpio_newc, NULL },
		{ "ar", archive_write_set_format_ar_svr4, NULL },
		{ "7z", archive_write_set_format_7zip, NULL },
		{ "iso", archive_write_set_format_iso9660, NULL },
		{ "xar", archive_write_set_format_xar, NULL },
		{ "tar.bz2", archive_write_set_format_pax, archive_write_add_filter_bzip2 },
		{ "tar.lz", archive_write_set_format_pax, archive_write_add_filter_lzip },
		{ "tar.lzma", archive_write_set_format_pax, archive_write_add_filter_lzma },
		{ "tar.Z", archive_write_set_format_pax, archive_write_add_filter_compress },
		{ "tar.lz4", archive_write_set_format_pax, archive_write_add_filter_lz4 },
		{ "tar.uu", archive_write_set_format_pax, archive_write_add_filter_uuencode },
		{ "gz.tar.gz", archive_write_set_format_cpio_newc, archive_write_add_filter_gzip },
	};
	char *mj = manifest_for(paths, data, 1);
	dupg_manifest *m = NULL;
	size_t i, crafted = 0;

	for (i = 0; i < (sizeof(good) / sizeof(good[0])); i++) {
		const char *p = fx_path(dir, good[i].name);
		CU_ASSERT_TRUE_FATAL(craft_with(p, good[i].format, good[i].filter, mj));
		CU_ASSERT_EQUAL(dupg_package_verify(&m, p), 0);
		CU_ASSERT_EQUAL(dupg_manifest_file_count(m), 1);
		dupg_manifest_free(m);
		m = NULL;
	}
	for (i = 0; i < (sizeof(bad) / sizeof(bad[0])); i++) {
		const char *p = fx_path(dir, bad[i].name);
		/* a writer this libarchive lacks (xar without libxml2) proves nothing */
		if (!craft_with(p, bad[i].format, bad[i].filter, mj))
			continue;
		crafted++;
		/* an ISO image opens with 32 KiB of zeros: the end of an empty tar */
		if (strcmp(bad[i].name, "iso") == 0) {
			ASSERT_ERR(dupg_package_read_manifest(&m, p), DUPG_EFORMAT,
				   "no manifest.json at the archive root");
			continue;
		}
		ASSERT_ERR(dupg_package_read_manifest(&m, p), DUPG_EARCHIVE, "not an archive");
		ASSERT_NAMES(p);
		ASSERT_ERR(dupg_package_verify(&m, p), DUPG_EARCHIVE, "not an archive");
		CU_ASSERT_PTR_NULL(m);
	}
	CU_ASSERT_TRUE(crafted >= 8);
	free(mj);
}

/*
 * A stream whose magic names a filter that libarchive runs as an external
 * program (lzop, lrzip, grzip) is refused without running anything: with
 * PATH leading to programs of those names that leave a mark, none is left.
 */
static void test_no_external_program(void)
{
	static const struct {
		const char *prog;
		const char *magic;
		size_t len;
	} magics[] = {
		{ "lzop", "\x89LZO\0\r\n\x1a\n\x10\x30\x20\xa0\x09\x40\x01\x05", 18 },
		{ "lrzip", "LRZI\0\x06\0\0\0\0\0\0\0\0\0\0", 16 },
		{ "grzip", "GRZipII\0\x02\x04:)", 12 },
		{ "bzip2", "BZh91AY&SY", 10 },
		{ "lz4", "\x04\x22\x4d\x18\x64\x40\xa7", 7 },
		{ "lzip", "LZIP\x01\x0c", 6 },
		{ "zstd", "\x28\xb5\x2f\xfd\x04\x58", 6 },
	};
	const char *bin = fx_path(dir, "bin"), *old = getenv("PATH");
	char *saved = old != NULL ? strdup(old) : NULL, *path, script[4400];
	dupg_manifest *m = NULL;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(mkdir(bin, 0755), 0);
	for (i = 0; i < (sizeof(magics) / sizeof(magics[0])); i++) {
		const char *prog = fx_path(bin, magics[i].prog);
		snprintf(script, sizeof(script), "#!/bin/sh\ntouch '%s/ran-%s'\ncat >/dev/null\n", dir,
			 magics[i].prog);
		fx_write(prog, script);
		CU_ASSERT_EQUAL_FATAL(chmod(prog, 0755), 0);
	}
	path = malloc(strlen(bin) + (saved != NULL ? strlen(saved) : 0) + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	sprintf(path, "%s:%s", bin, saved != NULL ? saved : "");
	CU_ASSERT_EQUAL_FATAL(setenv("PATH", path, 1), 0);
	for (i = 0; i < (sizeof(magics) / sizeof(magics[0])); i++) {
		const char *p = fx_path(dir, magics[i].prog);
		unsigned char buf[4096];

		memset(buf, 0, sizeof(buf));
		memcpy(buf, magics[i].magic, magics[i].len);
		write_bytes(p, buf, sizeof(buf));
		CU_ASSERT_TRUE(dupg_package_read_manifest(&m, p) == DUPG_EARCHIVE);
		ASSERT_NAMES(p);
		CU_ASSERT_TRUE(dupg_package_verify(&m, p) == DUPG_EARCHIVE);
		CU_ASSERT_PTR_NULL(m);
	}
	if (saved != NULL)
		setenv("PATH", saved, 1);
	else
		unsetenv("PATH");
	for (i = 0; i < (sizeof(magics) / sizeof(magics[0])); i++) {
		char ran[64];
		snprintf(ran, sizeof(ran), "ran-%s", magics[i].prog);
		if (fx_exists(fx_path(dir, ran)))
			fprintf(stderr, "\n  %s was run\n", magics[i].prog);
		CU_ASSERT_FALSE(fx_exists(fx_path(dir, ran)));
	}
	free(path);
	free(saved);
}

/* ---- hostile sizes ---------------------------------------------------------- */

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A tar built by hand, for what libarchive's writer will not write cheaply. */
struct rawtar {
	unsigned char *data;
	size_t len, cap;
};

static void raw_put(struct rawtar *t, const void *p, size_t n)
{
	if (t->len + n > t->cap) {
		t->cap = (t->len + n) * 2 + 4096;
		t->data = realloc(t->data, t->cap);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t->data);
	}
	memcpy(t->data + t->len, p, n);
	t->len += n;
}

static void raw_pad(struct rawtar *t)
{
	static const unsigned char zeros[512];

	if (t->len % 512 != 0)
		raw_put(t, zeros, 512 - t->len % 512);
}

/* A ustar header of a regular file ('0') or pax extension ('x') of size bytes. */
static void raw_header(struct rawtar *t, const char *name, uint64_t size, char type)
{
	unsigned char h[512];
	char num[24];
	unsigned sum = 0;
	size_t i;

	memset(h, 0, sizeof(h));
	snprintf((char *)h, 100, "%s", name);
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	/* eleven octal digits: below 8 GiB */
	CU_ASSERT_FATAL(size < (uint64_t)8 << 30);
	snprintf(num, sizeof(num), "%011llo", (unsigned long long)size);
	memcpy(h + 124, num, 12);
	memcpy(h + 136, "00000000000", 12);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < sizeof(h); i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	raw_put(t, h, sizeof(h));
}

static void raw_file(struct rawtar *t, const char *name, const char *data)
{
	raw_header(t, name, strlen(data), '0');
	raw_put(t, data, strlen(data));
	raw_pad(t);
}

/* One pax record "LEN key=value\n", LEN counting itself. */
static void raw_record(char *out, size_t size, const char *key, const char *value)
{
	size_t body = strlen(key) + strlen(value) + 3, len = body + 1;

	while ((size_t)snprintf(NULL, 0, "%zu", len) + body != len)
		len++;
	snprintf(out + strlen(out), size - strlen(out), "%zu %s=%s\n", len, key, value);
}

/*
 * A pax 1.0 sparse entry: name extracts to realsize bytes, all zeros but one
 * 'x' at realsize - 1: a hole of realsize - 1 bytes stored in 1 KiB.
 */
static void raw_sparse(struct rawtar *t, const char *name, uint64_t realsize)
{
	char pax[512] = "", real[32], map[512], stored[256];

	snprintf(real, sizeof(real), "%llu", (unsigned long long)realsize);
	raw_record(pax, sizeof(pax), "GNU.sparse.major", "1");
	raw_record(pax, sizeof(pax), "GNU.sparse.minor", "0");
	raw_record(pax, sizeof(pax), "GNU.sparse.name", name);
	raw_record(pax, sizeof(pax), "GNU.sparse.realsize", real);
	raw_header(t, "PaxHeaders/sparse", strlen(pax), 'x');
	raw_put(t, pax, strlen(pax));
	raw_pad(t);
	snprintf(stored, sizeof(stored), "GNUSparseFile.0/%s", name);
	raw_header(t, stored, 513, '0');
	memset(map, 0, sizeof(map));
	snprintf(map, sizeof(map), "1\n%llu\n1\n", (unsigned long long)(realsize - 1));
	raw_put(t, map, sizeof(map));
	raw_put(t, "x", 1);
	raw_pad(t);
}

/* Write t to path, through filter when it is not NULL (one raw entry: the tar stream). */
static void raw_write(struct rawtar *t, const char *path, int (*filter)(struct archive *))
{
	static const unsigned char end[1024];
	struct archive *a;
	struct archive_entry *e;

	raw_put(t, end, sizeof(end));
	if (filter == NULL) {
		write_bytes(path, t->data, t->len);
		return;
	}
	a = archive_write_new();
	e = archive_entry_new();
	CU_ASSERT_EQUAL_FATAL(archive_write_set_format_raw(a), ARCHIVE_OK);
	CU_ASSERT_EQUAL_FATAL(filter(a), ARCHIVE_OK);
	CU_ASSERT_EQUAL_FATAL(archive_write_open_filename(a, path), ARCHIVE_OK);
	archive_entry_set_pathname(e, "tar");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)t->len);
	CU_ASSERT_EQUAL_FATAL(archive_write_header(a, e), ARCHIVE_OK);
	CU_ASSERT_EQUAL(archive_write_data(a, t->data, t->len), (la_ssize_t)t->len);
	CU_ASSERT_EQUAL(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(e);
}

/* A manifest of files name<i> (i < n) of size each, with the digest hex (or zeros). */
static char *sparse_manifest(const char *name, size_t n, uint64_t size, const char *hex)
{
	size_t cap = 256 + n * 128, len, i;
	char *mj = malloc(cap);

	CU_ASSERT_PTR_NOT_NULL_FATAL(mj);
	len = (size_t)snprintf(mj, cap, "{\"format\":1,\"name\":\"s\",\"version\":\"1\",\"hw\":[\"A\"],\"files\":[");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(mj + len, cap - len, "%s{\"path\":\"%s%zu\",\"size\":%llu,\"xxh128\":\"%s\"}",
					i > 0 ? "," : "", name, i, (unsigned long long)size,
					hex != NULL ? hex : "00000000000000000000000000000000");
	snprintf(mj + len, cap - len, "]}");
	return mj;
}

/*
 * Sparse holes are hashed as zeros up to DUPG_PACKAGE_MAX_HOLE_BYTES a
 * package, and refused beyond, before any is hashed: a tar.gz of some 500
 * bytes declaring a 1 TiB hole took 30 s of CPU to reach its digest
 * mismatch, and one of eight such files with right digests nearly 4 min to
 * verify as valid. Bounds are loose, for slow and instrumented machines.
 */
static void test_sparse_limits(void)
{
	const char *p = fx_path(dir, "sparse.tar.gz"), *small = fx_path(dir, "small.img");
	struct rawtar t = { NULL, 0, 0 };
	char *mj, hex[33];
	unsigned char d[16];
	struct stat st;
	double t0;

	/* one 1 TiB hole in a few hundred bytes */
	mj = sparse_manifest("disk", 1, DUPG_FILE_MAX_BYTES, NULL);
	raw_file(&t, "manifest.json", mj);
	raw_sparse(&t, "disk0", DUPG_FILE_MAX_BYTES);
	raw_write(&t, p, archive_write_add_filter_gzip);
	CU_ASSERT_EQUAL(stat(p, &st), 0);
	CU_ASSERT(st.st_size < 1024);
	t0 = seconds();
	ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EFORMAT,
		   "disk0: sparse holes of more than 17179869184 bytes in all");
	ASSERT_NAMES(p);
	CU_ASSERT(seconds() - t0 < 5.0 * fx_slowdown());
	free(mj);

	/* eight of them declare more than a package may; two, a hole too large */
	{
		static const size_t counts[] = { 8, 2 };
		char name[32];
		size_t i, c, k;
		for (c = 0; c < 2; c++) {
			k = counts[c];
			t.len = 0;
			mj = sparse_manifest("disk", k, DUPG_FILE_MAX_BYTES, NULL);
			raw_file(&t, "manifest.json", mj);
			for (i = 0; i < k; i++) {
				snprintf(name, sizeof(name), "disk%zu", i);
				raw_sparse(&t, name, DUPG_FILE_MAX_BYTES);
			}
			raw_write(&t, p, archive_write_add_filter_gzip);
			t0 = seconds();
			if (k == 8)
				ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EFORMAT,
					   "the files declare more than 2199023255552 bytes in total");
			else
				ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EFORMAT,
					   "disk0: sparse holes of more than");
			CU_ASSERT(seconds() - t0 < 5.0 * fx_slowdown());
			free(mj);
		}
	}

	/* holes up to the limit are hashed: a wrong digest is found */
	t.len = 0;
	mj = sparse_manifest("disk", 1, DUPG_PACKAGE_MAX_HOLE_BYTES + 1, NULL);
	raw_file(&t, "manifest.json", mj);
	raw_sparse(&t, "disk0", DUPG_PACKAGE_MAX_HOLE_BYTES + 1);
	raw_write(&t, p, archive_write_add_filter_gzip);
	t0 = seconds();
	ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EINTEGRITY, "disk0: digest mismatch");
	CU_ASSERT(seconds() - t0 < 120.0 * fx_slowdown());
	free(mj);

	/* the limit is for the package: a small hole, then one that is one byte too much */
	fx_write(small, "");
	CU_ASSERT_EQUAL_FATAL(truncate(small, 1 << 20), 0);
	{
		FILE *f = fopen(small, "ab");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputc('x', f);
		fclose(f);
	}
	CU_ASSERT_EQUAL_FATAL(dupg_file_xxh128(d, NULL, small), 0);
	hex_of(hex, d);
	t.len = 0;
	{
		size_t cap = 1024, len;
		char *two = malloc(cap);

		CU_ASSERT_PTR_NOT_NULL_FATAL(two);
		len = (size_t)snprintf(two, cap, "{\"format\":1,\"name\":\"s\",\"version\":\"1\",\"hw\":[\"A\"],"
				       "\"files\":[{\"path\":\"a\",\"size\":%u,\"xxh128\":\"%s\"},"
				       "{\"path\":\"b\",\"size\":%llu,\"xxh128\":\"%s\"}]}", (1u << 20) + 1, hex,
				       (unsigned long long)(DUPG_PACKAGE_MAX_HOLE_BYTES - (1u << 20) + 2), hex);
		CU_ASSERT_FATAL(len < cap);
		raw_file(&t, "manifest.json", two);
		raw_sparse(&t, "a", (1u << 20) + 1);
		raw_sparse(&t, "b", DUPG_PACKAGE_MAX_HOLE_BYTES - (1u << 20) + 2);
		raw_write(&t, p, NULL);
		t0 = seconds();
		ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EFORMAT, "b: sparse holes of more than");
		CU_ASSERT(seconds() - t0 < 5.0 * fx_slowdown());
		/* with b's hole one byte shorter, a verifies and b's digest is what fails */
		t.len = 0;
		snprintf(two, cap, "{\"format\":1,\"name\":\"s\",\"version\":\"1\",\"hw\":[\"A\"],"
			 "\"files\":[{\"path\":\"a\",\"size\":%u,\"xxh128\":\"%s\"},"
			 "{\"path\":\"b\",\"size\":%llu,\"xxh128\":\"%s\"}]}", (1u << 20) + 1, hex,
			 (unsigned long long)(DUPG_PACKAGE_MAX_HOLE_BYTES - (1u << 20) + 1), hex);
		raw_file(&t, "manifest.json", two);
		raw_sparse(&t, "a", (1u << 20) + 1);
		raw_sparse(&t, "b", DUPG_PACKAGE_MAX_HOLE_BYTES - (1u << 20) + 1);
		raw_write(&t, p, NULL);
		ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EINTEGRITY, "b: digest mismatch");
		free(two);
	}
	free(t.data);
}

/* Append len bytes to path as one zstd frame. */
static void append_zstd(const char *path, const void *data, size_t len)
{
	const char *z = fx_path(dir, ".frame.zst");
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	unsigned char buf[65536];
	FILE *in, *out;
	size_t n;

	CU_ASSERT_EQUAL_FATAL(archive_write_set_format_raw(a), ARCHIVE_OK);
	CU_ASSERT_EQUAL_FATAL(archive_write_add_filter_zstd(a), ARCHIVE_OK);
	CU_ASSERT_EQUAL_FATAL(archive_write_open_filename(a, z), ARCHIVE_OK);
	archive_entry_set_pathname(e, "z");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)len);
	CU_ASSERT_EQUAL_FATAL(archive_write_header(a, e), ARCHIVE_OK);
	CU_ASSERT_EQUAL(archive_write_data(a, data, len), (la_ssize_t)len);
	CU_ASSERT_EQUAL(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(e);
	in = fopen(z, "rb");
	out = fopen(path, "ab");
	CU_ASSERT_FATAL(in != NULL && out != NULL);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		CU_ASSERT_EQUAL(fwrite(buf, 1, n, out), n);
	fclose(in);
	CU_ASSERT_EQUAL(fclose(out), 0);
	unlink(z);
}

/*
 * A tar.zst of a few megabytes whose first entry, before manifest.json,
 * inflates to more than 4 GiB (concatenated frames of zeros): reading the
 * manifest stops after DUPG_MANIFEST_MAX_OFFSET bytes of data, verifying too.
 */
static void test_inflation_limits(void)
{
	const char *p = fx_path(dir, "bomb.tar.zst"), *z = fx_path(dir, "zeros.zst");
	static unsigned char zeros[1 << 20];
	struct rawtar t = { NULL, 0, 0 };
	dupg_manifest *m = (dupg_manifest *)1;
	unsigned char *frame;
	size_t frame_len, i;
	struct stat st;
	FILE *f;
	char *mj = two_files();
	double t0;

	fx_write(z, "");
	append_zstd(z, zeros, sizeof(zeros));
	frame = (unsigned char *)fx_read(z);
	CU_ASSERT_PTR_NOT_NULL_FATAL(frame);
	CU_ASSERT_EQUAL_FATAL(stat(z, &st), 0);
	frame_len = (size_t)st.st_size;

	/* "pad": 4 GiB + 1 MiB of zeros, then manifest.json and the files */
	fx_write(p, "");
	raw_header(&t, "pad", DUPG_MANIFEST_MAX_OFFSET + sizeof(zeros), '0');
	append_zstd(p, t.data, t.len);
	f = fopen(p, "ab");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (i = 0; i <= (size_t)(DUPG_MANIFEST_MAX_OFFSET / sizeof(zeros)); i++)
		CU_ASSERT_EQUAL_FATAL(fwrite(frame, 1, frame_len, f), frame_len);
	CU_ASSERT_EQUAL(fclose(f), 0);
	t.len = 0;
	raw_file(&t, "manifest.json", mj);
	raw_file(&t, "bin/app", "hello\n");
	raw_file(&t, "etc/b", "bee\n");
	raw_put(&t, zeros, 1024);
	append_zstd(p, t.data, t.len);
	CU_ASSERT_EQUAL(stat(p, &st), 0);
	CU_ASSERT(st.st_size < 64 << 20);
	t0 = seconds();
	ASSERT_ERR(dupg_package_read_manifest(&m, p), DUPG_EFORMAT,
		   "pad: no manifest.json within the first 4294967296 bytes of data");
	ASSERT_NAMES(p);
	CU_ASSERT_PTR_NULL(m);
	ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EFORMAT, "no manifest.json within the first");
	CU_ASSERT(seconds() - t0 < 120.0 * fx_slowdown());
	free(frame);
	free(mj);
	free(t.data);
}

/*
 * More entries than DUPG_PACKAGE_MAX_ENTRIES: a tar.gz of empty directory
 * entries costs almost nothing to send and a header read each.
 */
static void test_entry_limit(void)
{
	const char *p = fx_path(dir, "many.tar.gz");
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	char *mj = two_files(), name[32];
	dupg_manifest *m = NULL;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(archive_write_set_format_ustar(a), ARCHIVE_OK);
	CU_ASSERT_EQUAL_FATAL(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	CU_ASSERT_EQUAL_FATAL(archive_write_open_filename(a, p), ARCHIVE_OK);
	for (i = 0; i < DUPG_PACKAGE_MAX_ENTRIES; i++) {
		archive_entry_clear(e);
		snprintf(name, sizeof(name), "d%zu/", i);
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFDIR);
		archive_entry_set_perm(e, 0755);
		CU_ASSERT_EQUAL_FATAL(archive_write_header(a, e), ARCHIVE_OK);
	}
	archive_entry_clear(e);
	archive_entry_set_pathname(e, "manifest.json");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)strlen(mj));
	CU_ASSERT_EQUAL_FATAL(archive_write_header(a, e), ARCHIVE_OK);
	CU_ASSERT_EQUAL(archive_write_data(a, mj, strlen(mj)), (la_ssize_t)strlen(mj));
	CU_ASSERT_EQUAL(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(e);
	ASSERT_ERR(dupg_package_read_manifest(&m, p), DUPG_EFORMAT, "more than 131072 entries");
	ASSERT_NAMES(p);
	ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EFORMAT, "more than 131072 entries");
	free(mj);
}

/*
 * A listed file of 6 bytes whose zip entry holds 64 MiB of zeros, its size
 * only in a data descriptor and no central directory to say it: reading
 * stops at the first block past the declared size.
 */
static void test_inflating_entry(void)
{
	const char *p = fx_path(dir, "zbomb.zip");
	char *mj = two_files();
	struct ent ents[] = {
		{ "manifest.json", 0, mj, NULL, 0, 0, 0 },
		{ "bin/app", 0, NULL, NULL, 0, 1, (int64_t)64 << 20 },
		{ "etc/b", 0, "bee\n", NULL, 0, 0, 0 },
	};
	double t0;

	craft(p, ZIP, ents, 3);
	strip_central_directory(p);
	t0 = seconds();
	ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EINTEGRITY,
		   "bin/app: size mismatch: more data than the 6 bytes the manifest says");
	CU_ASSERT(seconds() - t0 < 5.0 * fx_slowdown());
	free(mj);
}

static void test_fixture_package(void)
{
	const char *p = fx_pkg(dir, "pkg5", "5", "A,B");
	dupg_manifest *m = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_package_verify(&m, p), 0);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_version(m), "5");
	CU_ASSERT_EQUAL(dupg_manifest_hw_count(m), 2);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_file_path(m, 0), "bin/pkg5");
	dupg_manifest_free(m);
}

/* Each test runs in a fresh scratch directory of its own. */
#define IN_DIR(fn) \
	static void fn##_in_dir(void) { setup(); fn(); teardown(); }
/* ---- progress and cancel ------------------------------------------------ */

/* What a progress callback saw; it cancels at call cancel_at (0: never). */
struct seen_progress {
	int calls, cancel_at, bad;  /* bad: done backwards, done > total, total changing */
	uint64_t last_done, total, max_gap;
	int null_file_calls, app_calls;
	int last_was_null;
};

static int on_progress(uint64_t done, uint64_t total, const char *file, void *payload)
{
	struct seen_progress *p = payload;

	if (p->calls > 0 && (done < p->last_done || total != p->total))
		p->bad++;
	if (done > total)
		p->bad++;
	if (done - p->last_done > p->max_gap)
		p->max_gap = done - p->last_done;
	p->last_done = done;
	p->total = total;
	p->last_was_null = file == NULL;
	if (file == NULL)
		p->null_file_calls++;
	else if (strcmp(file, "bin/app") == 0)
		p->app_calls++;
	p->calls++;
	return p->calls == p->cancel_at;
}

static void test_progress_and_cancel(void)
{
	/* 5 MiB of noise: at least five reports while it is read, at most a few per MiB */
	const size_t big = (size_t)5 << 20;
	const char *out = fx_path(dir, "p.tar.gz");
	const uint64_t payload_bytes = big + 6;
	dupg_pack_file files[3];
	dupg_pack_options po = DUPG_PACK_OPTIONS_INIT;
	dupg_verify_options vo = DUPG_VERIFY_OPTIONS_INIT;
	struct seen_progress sp;
	char *before;

	payload(files, big);
	/* build: digest and copy, twice the payload in all */
	memset(&sp, 0, sizeof(sp));
	po.progress = on_progress;
	po.payload = &sp;
	CU_ASSERT_EQUAL_FATAL(dupg_package_build(NULL, out, "n", "1", hw_bc, 2, files, 3, &po), 0);
	CU_ASSERT_EQUAL(sp.bad, 0);
	CU_ASSERT_EQUAL(sp.total, 2 * payload_bytes);
	CU_ASSERT_EQUAL(sp.last_done, 2 * payload_bytes);
	CU_ASSERT(sp.last_was_null);
	CU_ASSERT_EQUAL(sp.null_file_calls, 1);
	CU_ASSERT(sp.app_calls >= 10);             /* 10 MiB read for bin/app */
	CU_ASSERT(sp.calls <= 2 * 3 + 10 + 2 + 1); /* once per file and pass, once per MiB (+ rounding), the end */
	CU_ASSERT(sp.max_gap <= DUPG_PROGRESS_BYTES + 65536);

	/* verify: the sizes the manifest declares */
	memset(&sp, 0, sizeof(sp));
	vo.now = DUPG_VERIFY_NO_EXPIRY;
	vo.progress = on_progress;
	vo.payload = &sp;
	CU_ASSERT_EQUAL(dupg_package_verify_ext(NULL, out, &vo), 0);
	CU_ASSERT_EQUAL(sp.bad, 0);
	CU_ASSERT_EQUAL(sp.total, payload_bytes);
	CU_ASSERT_EQUAL(sp.last_done, payload_bytes);
	CU_ASSERT(sp.last_was_null);
	CU_ASSERT(sp.app_calls >= 5);
	CU_ASSERT(sp.calls <= 3 + 5 + 2 + 1);
	CU_ASSERT(sp.max_gap <= DUPG_PROGRESS_BYTES + 65536);

	/* cancel while verifying: DUPG_EABORTED naming the package, no manifest */
	{
		dupg_manifest *m = (dupg_manifest *)1;

		memset(&sp, 0, sizeof(sp));
		sp.cancel_at = 3;
		ASSERT_ERR(dupg_package_verify_ext(&m, out, &vo), DUPG_EABORTED, "cancelled by the progress callback");
		ASSERT_NAMES(out);
		CU_ASSERT_PTR_NULL(m);
		CU_ASSERT_EQUAL(sp.calls, 3);
	}
	/* a version-1 struct has no callback: none is called */
	memset(&sp, 0, sizeof(sp));
	sp.cancel_at = 1;
	vo.version = 1;
	CU_ASSERT_EQUAL(dupg_package_verify_ext(NULL, out, &vo), 0);
	CU_ASSERT_EQUAL(sp.calls, 0);
	vo.version = 3;
	ASSERT_ERR(dupg_package_verify_ext(NULL, out, &vo), DUPG_EINVAL, "version 3");

	/* cancel a build, while digesting and while copying: the old file stays, no temporary */
	{
		int at[] = { 1, 4, 12, 0 };
		size_t k;

		for (k = 0; at[k] != 0; k++) {
			before = snapshot();
			memset(&sp, 0, sizeof(sp));
			sp.cancel_at = at[k];
			ASSERT_ERR(dupg_package_build(NULL, out, "n", "2", hw_bc, 2, files, 3, &po), DUPG_EABORTED,
				   "build cancelled by the progress callback");
			ASSERT_NAMES(out);
			CU_ASSERT_EQUAL(sp.calls, at[k]);
			assert_unchanged(before);
			free(before);
		}
		/* a new file: nothing under its name */
		memset(&sp, 0, sizeof(sp));
		sp.cancel_at = 12;
		CU_ASSERT_EQUAL(dupg_package_build(NULL, fx_path(dir, "new.tar"), "n", "2", hw_bc, 2, files, 3,
						   &po), DUPG_EABORTED);
		CU_ASSERT(!fx_exists(fx_path(dir, "new.tar")));
		before = snapshot();
		CU_ASSERT_PTR_NULL(strstr(before, "new.tar"));
		free(before);
	}
	/* version 2 of the pack options (no callback) is still read as it was */
	memset(&sp, 0, sizeof(sp));
	sp.cancel_at = 1;
	po.version = 2;
	CU_ASSERT_EQUAL(dupg_package_build(NULL, out, "n", "3", hw_bc, 2, files, 3, &po), 0);
	CU_ASSERT_EQUAL(sp.calls, 0);
	payload_free(files);
}

/* The mode of entry name in the archive at path, as libarchive reads it (~0u when absent). */
static unsigned int entry_perm(const char *path, const char *name)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	unsigned int perm = ~0u;

	archive_read_support_format_all(a);
	archive_read_support_filter_all(a);
	CU_ASSERT_EQUAL_FATAL(archive_read_open_filename(a, path, 10240), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		if (strcmp(archive_entry_pathname(e), name) == 0)
			perm = (unsigned int)archive_entry_perm(e);
	}
	archive_read_free(a);
	return perm;
}

/* Building with modes: listed in a format-3 manifest and on the archive entries, in every format. */
static void test_build_modes(void)
{
	dupg_pack_file files[3];
	dupg_pack_mode modes[] = { { "bin/app", 04755 } };
	dupg_pack_options o = DUPG_PACK_OPTIONS_INIT;
	dupg_manifest *m = NULL, *v = NULL;
	size_t k;

	payload(files, 100);
	CU_ASSERT_EQUAL_FATAL(chmod(files[1].source, 0600), 0);
	for (k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
		const char *p = fx_path(dir, fmts[k].name);

		/* without modes: format 2, 0644 entries, as before */
		CU_ASSERT_EQUAL_FATAL(dupg_package_build(&m, p, "app", "1", hw_bc, 2, files, 3, NULL), 0);
		CU_ASSERT_EQUAL(dupg_manifest_format(m), 2);
		CU_ASSERT_EQUAL(dupg_manifest_file_mode_listed(m, 0), 0);
		CU_ASSERT_EQUAL(entry_perm(p, "bin/app"), 0644);
		dupg_manifest_free(m);

		o.modes = modes;
		o.mode_count = 1;
		o.record_modes = 0;
		CU_ASSERT_EQUAL_FATAL(dupg_package_build(&m, p, "app", "1", hw_bc, 2, files, 3, &o), 0);
		CU_ASSERT_EQUAL(dupg_manifest_format(m), 3);
		CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 0), 04755);
		CU_ASSERT_EQUAL(dupg_manifest_file_mode_listed(m, 1), 0);
		CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 1), 0644);
		CU_ASSERT_EQUAL(entry_perm(p, "bin/app"), 04755);
		CU_ASSERT_EQUAL(entry_perm(p, "etc/app.conf"), 0644);
		CU_ASSERT_EQUAL(dupg_package_verify(&v, p), 0);
		CU_ASSERT_EQUAL(dupg_manifest_file_mode(v, 0), 04755);
		dupg_manifest_free(v);
		dupg_manifest_free(m);

		/* record_modes: the others as their sources have them */
		o.record_modes = 1;
		CU_ASSERT_EQUAL_FATAL(dupg_package_build(&m, p, "app", "1", hw_bc, 2, files, 3, &o), 0);
		CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 0), 04755);
		CU_ASSERT_EQUAL(dupg_manifest_file_mode_listed(m, 1), 1);
		CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 1), 0600);
		CU_ASSERT_EQUAL(entry_perm(p, "etc/app.conf"), 0600);
		CU_ASSERT_EQUAL(dupg_package_verify(&v, p), 0);
		CU_ASSERT_EQUAL(dupg_manifest_file_mode(v, 1), 0600);
		CU_ASSERT_EQUAL(dupg_manifest_file_mode_listed(v, 2), 1);
		dupg_manifest_free(v);
		dupg_manifest_free(m);
	}

	/* bad modes: refused before anything is written */
	{
		const char *p = fx_path(dir, "bad.tar");
		dupg_pack_mode unknown[] = { { "bin/none", 0755 } };
		dupg_pack_mode twice[] = { { "bin/app", 0755 }, { "bin/app", 0700 } };
		dupg_pack_mode big[] = { { "bin/app", 010000 } };
		dupg_pack_mode nopath[] = { { NULL, 0755 } };

		o.record_modes = 0;
		o.modes = unknown;
		ASSERT_ERR(dupg_package_build(NULL, p, "app", "1", hw_bc, 2, files, 3, &o), DUPG_EINVAL,
			   "a mode is given for bin/none, which is not among the files");
		o.modes = twice;
		o.mode_count = 2;
		ASSERT_ERR(dupg_package_build(NULL, p, "app", "1", hw_bc, 2, files, 3, &o), DUPG_EINVAL,
			   "bin/app: mode given twice");
		o.modes = big;
		o.mode_count = 1;
		ASSERT_ERR(dupg_package_build(NULL, p, "app", "1", hw_bc, 2, files, 3, &o), DUPG_EINVAL,
			   "bin/app: mode 10000 is above 7777");
		o.modes = nopath;
		ASSERT_ERR(dupg_package_build(NULL, p, "app", "1", hw_bc, 2, files, 3, &o), DUPG_EINVAL,
			   "mode 0 has no install path");
		o.modes = NULL;
		ASSERT_ERR(dupg_package_build(NULL, p, "app", "1", hw_bc, 2, files, 3, &o), DUPG_EINVAL,
			   "mode_count is 1 and modes is NULL");
		CU_ASSERT_FALSE(fx_exists(p));
	}
	/* a version-3 options struct ends before the modes: they are not read */
	{
		dupg_pack_options v3 = DUPG_PACK_OPTIONS_INIT;
		const char *p = fx_path(dir, "v3.tar");

		v3.version = 3;
		v3.modes = NULL;
		v3.mode_count = 7;
		v3.record_modes = 1;
		CU_ASSERT_EQUAL(dupg_package_build(&m, p, "app", "1", hw_bc, 2, files, 3, &v3), 0);
		CU_ASSERT_EQUAL(dupg_manifest_format(m), 2);
		dupg_manifest_free(m);
	}
	payload_free(files);
}

/* A listed mode in a crafted package's manifest (format 3), for the policy tests. */
static char *two_files_mode(unsigned int app_mode)
{
	dupg_manifest *m = NULL;
	char *json = two_files(), *out;

	CU_ASSERT_EQUAL_FATAL(dupg_manifest_parse(&m, json, strlen(json), "t"), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_set_file_mode(m, 0, app_mode), 0);
	free(json);
	out = json_of(m);
	dupg_manifest_free(m);
	return out;
}

/* The mode policy of package.h, on crafted tar and zip packages. */
static void test_mode_policy(void)
{
	static const int kinds[] = { TAR, ZIP, TGZ };
	char *mj = two_files(), *m4755 = two_files_mode(04755), *m0755 = two_files_mode(0755);
	struct ent plain[] = { { "manifest.json", 0, mj, NULL, 0, 0, 0 },
			       { "bin/app", 0, "hello\n", NULL, 0, 0, 0 },
			       { "etc/b", 0, "bee\n", NULL, 0, 0, 0 } };
	struct ent dirs[] = { { "manifest.json", 0, mj, NULL, 0, 0, 0 },
			      { "tmp/", AE_IFDIR, NULL, NULL, 0, 0, 0 },
			      { "bin/app", 0, "hello\n", NULL, 0, 0, 0 },
			      { "etc/b", 0, "bee\n", NULL, 0, 0, 0 } };
	struct ent listed[] = { { "manifest.json", 0, m4755, NULL, 0, 0, 0 },
				{ "bin/app", 0, "hello\n", NULL, 0, 0, 0 },
				{ "etc/b", 0, "bee\n", NULL, 0, 0, 0 } };
	struct ent listed755[] = { { "manifest.json", 0, m0755, NULL, 0, 0, 0 },
				   { "bin/app", 0, "hello\n", NULL, 0, 0, 0 },
				   { "etc/b", 0, "bee\n", NULL, 0, 0, 0 } };
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const char *p = fx_path(dir, kinds[k] == ZIP ? "m.zip" : "m.tar");
		dupg_manifest *m = NULL;

		/* ordinary modes of unlisted files are accepted and ignored: 0644 is reported */
		craft_perms(p, kinds[k], plain, 3, (const unsigned int[]){ 0600, 0755, 0640 });
		CU_ASSERT_EQUAL(dupg_package_verify(&m, p), 0);
		CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 0), 0644);
		dupg_manifest_free(m);
		craft_perms(p, kinds[k], plain, 3, (const unsigned int[]){ 0666, 0700, 0444 });
		CU_ASSERT_EQUAL(dupg_package_verify(NULL, p), 0);

		/* special bits of files the manifest lists no mode for */
		craft_perms(p, kinds[k], plain, 3, (const unsigned int[]){ 0644, 04755, 0644 });
		ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EMODE,
			   "bin/app: mode 4755 (setuid), and the manifest lists no mode for it");
		craft_perms(p, kinds[k], plain, 3, (const unsigned int[]){ 0644, 0755, 02755 });
		ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EMODE, "etc/b: mode 2755 (setgid)");
		craft_perms(p, kinds[k], plain, 3, (const unsigned int[]){ 0644, 0755, 0666 });
		ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EMODE, "etc/b: mode 0666 (world-writable)");
		craft_perms(p, kinds[k], plain, 3, (const unsigned int[]){ 0644, 07777, 0644 });
		ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EMODE,
			   "mode 7777 (setuid, setgid, sticky, world-writable)");
		CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), p));
		/* the manifest alone is read without looking at other entries */
		CU_ASSERT_EQUAL(dupg_package_read_manifest(&m, p), 0);
		dupg_manifest_free(m);

		/* a directory cannot be listed: no special bit on it at all */
		craft_perms(p, kinds[k], dirs, 4, (const unsigned int[]){ 0644, 01777, 0755, 0644 });
		ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EMODE,
			   "tmp/: directory with mode 1777 (sticky, world-writable)");
		craft_perms(p, kinds[k], dirs, 4, (const unsigned int[]){ 0644, 0700, 0755, 0644 });
		CU_ASSERT_EQUAL(dupg_package_verify(NULL, p), 0);

		/* a listed mode: exactly it, special bits included */
		craft_perms(p, kinds[k], listed, 3, (const unsigned int[]){ 0644, 04755, 0644 });
		CU_ASSERT_EQUAL(dupg_package_verify(&m, p), 0);
		CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 0), 04755);
		CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 1), 0644);
		dupg_manifest_free(m);
		craft_perms(p, kinds[k], listed, 3, (const unsigned int[]){ 0644, 0755, 0644 });
		ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EMODE,
			   "bin/app: mode 0755 in the archive, the manifest says 4755");
		craft_perms(p, kinds[k], listed755, 3, (const unsigned int[]){ 0644, 04755, 0644 });
		ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EMODE,
			   "bin/app: mode 4755 in the archive, the manifest says 0755");
		craft_perms(p, kinds[k], listed755, 3, (const unsigned int[]){ 0644, 0755, 0644 });
		CU_ASSERT_EQUAL(dupg_package_verify(NULL, p), 0);
	}
	free(mj);
	free(m4755);
	free(m0755);
}

/*
 * Set the compression method of every member of a zip to method, in the
 * local headers ("PK\3\4", method at +8) and the central directory
 * ("PK\1\2", at +10). The data stays stored: a reader that trusted the
 * method would have to decode it as method says.
 */
static void patch_zip_method(const char *path, unsigned int method, const char *only)
{
	struct stat st;
	unsigned char *buf;
	FILE *f;
	size_t i, n;

	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	n = (size_t)st.st_size;
	buf = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	f = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(fread(buf, 1, n, f), n);
	fclose(f);
	for (i = 0; i + 46 <= n; i++) {
		size_t at, name_at, name_len;

		if (memcmp(buf + i, "PK\3\4", 4) == 0) {
			at = i + 8;
			name_at = i + 30;
			name_len = (size_t)buf[i + 26] | (size_t)buf[i + 27] << 8;
		} else if (memcmp(buf + i, "PK\1\2", 4) == 0) {
			at = i + 10;
			name_at = i + 46;
			name_len = (size_t)buf[i + 28] | (size_t)buf[i + 29] << 8;
		} else {
			continue;
		}
		if (only != NULL && (name_at + name_len > n || name_len != strlen(only) ||
				     memcmp(buf + name_at, only, name_len) != 0))
			continue;
		buf[at] = (unsigned char)(method & 0xff);
		buf[at + 1] = (unsigned char)(method >> 8);
	}
	f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(buf, 1, n, f), n);
	fclose(f);
	free(buf);
}

/* Zip members: stored and deflated are read, any other method is refused by name. */
static void test_zip_methods(void)
{
	static const struct { unsigned int method; const char *name; } others[] = {
		{ 12, "bzip" }, { 14, "lzma" }, { 95, "xz" }, { 93, "zstd" }, { 9, "deflation-64-bit" },
	};
	char *mj = two_files();
	struct ent ents[] = { { "manifest.json", 0, mj, NULL, 0, 0, 0 },
			      { "bin/app", 0, "hello\n", NULL, 0, 0, 0 },
			      { "etc/b", 0, "bee\n", NULL, 0, 0, 0 } };
	const char *p = fx_path(dir, "m.zip");
	dupg_manifest *m = NULL;
	size_t k;

	/* libarchive's zip writer deflates (the Python tests write stored and real LZMA members) */
	craft(p, ZIP, ents, 3);
	CU_ASSERT_EQUAL(dupg_package_verify(NULL, p), 0);
	for (k = 0; k < sizeof(others) / sizeof(others[0]); k++) {
		char needle[128];

		snprintf(needle, sizeof(needle), "etc/b: zip compression method %s is not supported",
			 others[k].name);
		craft(p, ZIP, ents, 3);
		patch_zip_method(p, others[k].method, "etc/b");
		/* the manifest alone is still read: it is deflated */
		CU_ASSERT_EQUAL(dupg_package_read_manifest(&m, p), 0);
		dupg_manifest_free(m);
		m = NULL;
		ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EUNSUPPORTED, needle);
		CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), p));
		CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "only stored and deflate"));
	}
	/* the manifest's own member */
	craft(p, ZIP, ents, 3);
	patch_zip_method(p, 14, "manifest.json");
	ASSERT_ERR(dupg_package_read_manifest(&m, p), DUPG_EUNSUPPORTED,
		   "manifest.json: zip compression method lzma is not supported");
	CU_ASSERT_PTR_NULL(m);
	ASSERT_ERR(dupg_package_verify(NULL, p), DUPG_EUNSUPPORTED, "manifest.json: zip compression method lzma");
	free(mj);
}

IN_DIR(test_zip_methods)
IN_DIR(test_build_modes)
IN_DIR(test_mode_policy)
IN_DIR(test_progress_and_cancel)
IN_DIR(test_file_xxh128)
IN_DIR(test_file_xxh128_errors)
IN_DIR(test_round_trip_all_formats)
IN_DIR(test_explicit_format_and_suffixes)
IN_DIR(test_build_is_reproducible)
IN_DIR(test_build_replaces)
IN_DIR(test_build_failures_leave_nothing)
IN_DIR(test_manifest_first_read_stops_early)
IN_DIR(test_manifest_not_first)
IN_DIR(test_read_errors)
IN_DIR(test_truncated)
IN_DIR(test_bad_manifest_entry)
IN_DIR(test_bad_manifest_cases_in_packages)
IN_DIR(test_verify_errors)
IN_DIR(test_absurd_sizes)
IN_DIR(test_digest_sizes)
IN_DIR(test_sparse_entries)
IN_DIR(test_other_formats_refused)
IN_DIR(test_no_external_program)
IN_DIR(test_sparse_limits)
IN_DIR(test_inflation_limits)
IN_DIR(test_entry_limit)
IN_DIR(test_inflating_entry)
IN_DIR(test_fixture_package)
#define T(name, fn) { name, fn##_in_dir }

int main(void)
{
	CU_TestInfo tests[] = {
		T("file digest matches xxhsum -H2", test_file_xxh128),
		T("file digest errors", test_file_xxh128_errors),
		T("progress and cancel of builds and verifications", test_progress_and_cancel),
		T("build, read, verify in all five formats", test_round_trip_all_formats),
		T("explicit formats and file name suffixes", test_explicit_format_and_suffixes),
		T("builds are byte-for-byte reproducible", test_build_is_reproducible),
		T("build replaces the output, leaves no temporary", test_build_replaces),
		T("failed builds change nothing on disk", test_build_failures_leave_nothing),
		T("manifest-first read does not touch the payload", test_manifest_first_read_stops_early),
		T("manifest last, ./ names, directories", test_manifest_not_first),
		T("missing, empty, non-archive files", test_read_errors),
		T("truncated archives", test_truncated),
		T("missing, empty, invalid, oversized manifest.json", test_bad_manifest_entry),
		T("tests/data/manifests cases inside packages", test_bad_manifest_cases_in_packages),
		T("verification catches every integrity problem", test_verify_errors),
		T("absurd declared sizes", test_absurd_sizes),
		T("digests at XXH3 and read-block boundaries", test_digest_sizes),
		T("sparse entries: holes hash as zeros, bad maps refused", test_sparse_entries),
		T("only tar and zip, gzip, xz and zstd are read", test_other_formats_refused),
		T("no external program is ever run", test_no_external_program),
		T("sparse holes: hashed up to the limit, refused beyond", test_sparse_limits),
		T("data before the manifest: at most 4 GiB inflated", test_inflation_limits),
		T("at most 131072 entries", test_entry_limit),
		T("a zip entry inflating past its declared size", test_inflating_entry),
		T("fx_pkg builds a valid package", test_fixture_package),
		T("builds list modes: format 3, entries carry them", test_build_modes),
		T("zip: stored and deflated members only", test_zip_methods),
		T("mode policy: special bits only when listed, listed modes exact", test_mode_policy),
		CU_TEST_INFO_NULL,
	};
	return fx_run("package", tests);
}
