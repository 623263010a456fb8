/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Site tokens: 256 random bits, given to the site once as 64 hex digits and
 * kept by the server only as their SHA-256, so that a copy of the database
 * lets nobody in.
 */
#ifndef DUPG_SERVER_TOKEN_H
#define DUPG_SERVER_TOKEN_H

#define SRV_TOKEN_LEN 64
#define SRV_HASH_LEN 64

/* A new token (SRV_TOKEN_LEN hex digits and a NUL). 0 or DUPG_EIO. */
int srv_token_new(char token[SRV_TOKEN_LEN + 1]);
/* The hash the store keeps of a token (SRV_HASH_LEN hex digits and a NUL). */
int srv_token_hash(char hash[SRV_HASH_LEN + 1], const char *token);
/* 1 when two hashes are equal, in time that does not depend on where they differ. */
int srv_token_equal(const char *a, const char *b);

#endif
