/* SPDX-License-Identifier: BSD-2-Clause */
/* XXH3-128 and SHA-256 of files and streams, for building and verifying packages (I/O). */
#include "package_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(HAVE_XXH3_128BITS_UPDATE_DISPATCH) && defined(HAVE_XXH_X86DISPATCH_H)
#define USE_XXH_DISPATCH 1
/* the plain names stay plain: the dispatching update is called by its name */
#define XXH_DISPATCH_DISABLE_REPLACE 1
#include <pthread.h>
#include <xxh_x86dispatch.h>
#endif

/*
 * Open path read-only and make sure it is a regular file; a non-regular file
 * is refused with code. O_NONBLOCK keeps a FIFO from blocking the open.
 */
int dupg__pkg_open_regular(int *fd_out, struct stat *st, const char *path, int code)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	*fd_out = -1;
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return dupg__error(DUPG_ENOTFOUND, "%s: no such file", path);
		return dupg__error_sys(errno, "%s: cannot open", path);
	}
	if (fstat(fd, st) != 0) {
		int e = errno;
		close(fd);
		return dupg__error_sys(e, "%s: cannot stat", path);
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return dupg__error(code, "%s: not a regular file", path);
	}
	*fd_out = fd;
	return 0;
}

/*
 * Feed len bytes to an XXH3-128 state. Debian's libxxhash is built for
 * baseline x86-64 (SSE2); its dispatching update picks AVX2 or AVX-512 when
 * the CPU has them, about three times faster, on the same XXH3_state_t and
 * with the same digests. Its first call picks the variant without a lock, so
 * the first call is made once, under pthread_once: a server verifying
 * packages on several threads never races there.
 */
#ifdef USE_XXH_DISPATCH
static pthread_once_t dispatch_once = PTHREAD_ONCE_INIT;

static void dispatch_init(void)
{
	/* any dispatching call fills libxxhash's whole table */
	(void)XXH3_128bits_dispatch("", 0);
}
#endif

void dupg__pkg_hash_update(XXH3_state_t *st, const void *data, size_t len)
{
#ifdef USE_XXH_DISPATCH
	pthread_once(&dispatch_once, dispatch_init);
	XXH3_128bits_update_dispatch(st, data, len);
#else
	XXH3_128bits_update(st, data, len);
#endif
}

void dupg__pkg_hash_digest(unsigned char out[16], XXH3_state_t *st)
{
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
	memcpy(out, c.digest, 16);
}

/* SHA-256 through libcrypto's EVP interface (package_internal.h). */
EVP_MD_CTX *dupg__sha256_new(void)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		return NULL;
	}
	return c;
}

int dupg__sha256_reset(EVP_MD_CTX *c)
{
	return EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 ? 0 :
	       dupg__error(DUPG_ERROR, "libcrypto: cannot start a SHA-256");
}

void dupg__sha256_update(EVP_MD_CTX *c, const void *data, size_t len)
{
	/* EVP_DigestUpdate on an initialised SHA-256 context cannot fail */
	(void)EVP_DigestUpdate(c, data, len);
}

int dupg__sha256_final(unsigned char out[32], EVP_MD_CTX *c)
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(c, out, &n) != 1 || n != 32)
		return dupg__error(DUPG_ERROR, "libcrypto: cannot finish a SHA-256");
	return 0;
}

int dupg__sha256(unsigned char out[32], const void *data, size_t len)
{
	EVP_MD_CTX *c = dupg__sha256_new();
	int rc;

	if (c == NULL)
		return dupg__error_nomem();
	dupg__sha256_update(c, data, len);
	rc = dupg__sha256_final(out, c);
	EVP_MD_CTX_free(c);
	return rc;
}

/* XXH3-128 (and SHA-256 when sha_out is not NULL) of an open file from its current offset to the end. */
static int hash_fd(unsigned char out[16], unsigned char *sha_out, uint64_t *size_out, int fd,
		   const char *path, int (*on_read)(size_t n, void *ctx), void *ctx)
{
	XXH3_state_t *st = XXH3_createState();
	EVP_MD_CTX *sha = sha_out != NULL ? dupg__sha256_new() : NULL;
	char *buf = malloc(DUPG__IO_BUF_BYTES);
	uint64_t size = 0;
	int rc = 0;

	if (st == NULL || buf == NULL || (sha_out != NULL && sha == NULL)) {
		rc = dupg__error_nomem();
		goto out;
	}
	XXH3_128bits_reset(st);
	for (;;) {
		ssize_t n = read(fd, buf, DUPG__IO_BUF_BYTES);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = dupg__error_sys(errno, "%s: read failed", path);
			goto out;
		}
		if (n == 0)
			break;
		dupg__pkg_hash_update(st, buf, (size_t)n);
		if (sha != NULL)
			dupg__sha256_update(sha, buf, (size_t)n);
		size += (uint64_t)n;
		if (on_read != NULL && (rc = on_read((size_t)n, ctx)) != 0)
			goto out;
	}
	dupg__pkg_hash_digest(out, st);
	if (sha != NULL)
		rc = dupg__sha256_final(sha_out, sha);
	if (size_out != NULL)
		*size_out = size;
out:
	free(buf);
	XXH3_freeState(st);
	EVP_MD_CTX_free(sha);
	return rc;
}

int dupg__pkg_hash_file_cb(unsigned char out[16], unsigned char *sha256_out, uint64_t *size_out,
			   const char *path, int nonreg_code, int (*on_read)(size_t n, void *ctx),
			   void *ctx)
{
	struct stat st;
	int fd, rc;

	rc = dupg__pkg_open_regular(&fd, &st, path, nonreg_code);
	if (rc != 0)
		return rc;
	rc = hash_fd(out, sha256_out, size_out, fd, path, on_read, ctx);
	close(fd);
	return rc;
}

int dupg__pkg_hash_file(unsigned char out[16], unsigned char *sha256_out, uint64_t *size_out,
			const char *path, int nonreg_code)
{
	return dupg__pkg_hash_file_cb(out, sha256_out, size_out, path, nonreg_code, NULL, NULL);
}

int dupg_file_xxh128(unsigned char out[16], uint64_t *size_out, const char *path)
{
	if (out == NULL || path == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_file_xxh128: NULL argument");
	return dupg__pkg_hash_file(out, NULL, size_out, path, DUPG_EIO);
}

