/* SPDX-License-Identifier: BSD-2-Clause */
/* Site tokens: random, handed out once, kept as a hash. */
#include "config.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>
#include <sys/random.h>

#include "token.h"
#include "util/error.h"
#include "util/hex.h"

int srv_token_new(char token[SRV_TOKEN_LEN + 1])
{
	unsigned char raw[SRV_TOKEN_LEN / 2];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return dupg__error_sys(errno, "getrandom");
		got += (size_t)n;
	}
	dupg__hex(token, raw, sizeof(raw));
	return 0;
}

int srv_token_hash(char hash[SRV_HASH_LEN + 1], const char *token)
{
	unsigned char d[32];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, token, strlen(token), d) != 0)
		return dupg__error(DUPG_EIO, "SHA-256 failed");
	dupg__hex(hash, d, sizeof(d));
	return 0;
}

int srv_token_equal(const char *a, const char *b)
{
	unsigned char diff = 0;
	size_t i;

	if (strlen(a) != SRV_HASH_LEN || strlen(b) != SRV_HASH_LEN)
		return 0;
	for (i = 0; i < SRV_HASH_LEN; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}
