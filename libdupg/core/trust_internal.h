/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to libdupg: the pure side of signed manifests (core/trust.c),
 * shared with the crypto and file side (io/trust_io.c, io/package_verify.c).
 */
#ifndef DUPG_TRUST_INTERNAL_H
#define DUPG_TRUST_INTERNAL_H

#include "internal.h"

/* One entry of manifest.sig. */
struct dupg__sig {
	char keyid[DUPG_KEYID_HEX_LEN + 1];
	unsigned char sig[64];
};

/* What checking one signature entry found. */
enum dupg__sig_status {
	DUPG__SIG_VALID = 0,  /* by a key of the store, and it verifies */
	DUPG__SIG_BAD,        /* by a key of the store, and it does not verify */
	DUPG__SIG_UNKNOWN,    /* by a key the store does not hold */
	DUPG__SIG_REVOKED,    /* by a revoked key (not checked) */
	DUPG__SIG_DUPLICATE   /* the same key id as an earlier entry (not counted twice) */
};

/* Parse manifest.sig text; *out (caller frees) holds *n >= 1 entries. DUPG_ESIGFORMAT when bad. */
DUPG_HIDDEN int dupg__sigfile_parse(struct dupg__sig **out, size_t *n, const char *text, size_t len,
				    const char *origin);
/* Render entries as manifest.sig text (NUL-terminated; caller frees). */
DUPG_HIDDEN int dupg__sigfile_render(char **out, const struct dupg__sig *sigs, size_t n);
/* Add a key whose id is already computed; a key held already adds nothing. */
DUPG_HIDDEN int dupg__trust_add(dupg_trust *t, const unsigned char pub[32], const char *keyid);
/* Index of the key with this id, or DUPG_NONE. */
DUPG_HIDDEN size_t dupg__trust_find(const dupg_trust *t, const char *keyid);
/* The raw public key of key i. */
DUPG_HIDDEN const unsigned char *dupg__trust_key_raw(const dupg_trust *t, size_t i);
/*
 * Classify entry i before any crypto: revoked, duplicate, unknown, or
 * DUPG__SIG_VALID meaning "by key *key of the store: verify it".
 */
DUPG_HIDDEN enum dupg__sig_status dupg__trust_classify(const dupg_trust *t,
						       const struct dupg__sig *sigs, size_t i,
						       size_t *key);
/* The policy's verdict over the statuses of n entries (trust.h), the message naming origin. */
DUPG_HIDDEN int dupg__trust_decide(const dupg_trust *t, const struct dupg__sig *sigs,
				   const enum dupg__sig_status *status, size_t n, const char *origin);

#endif
