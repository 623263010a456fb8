/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg_announce_decode on any bytes: it refuses with a format error (or an
 * unknown format version) and gives nothing back, or it decodes a message
 * that encodes back to exactly the same bytes (the format has one encoding
 * per message) and stays within the header's limits. A decoded message goes
 * into a region that heard one message before: refused, the region is as it
 * was; accepted, the sender is a member with its announced versions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* What a caller can see of a region, as text. */
static void region_state(char *out, size_t size, const dupg_region *r, uint64_t now)
{
	size_t i, n = 0;

	n += (size_t)snprintf(out, size, "%llu %s", (unsigned long long)dupg_region_epoch(r),
			      dupg_region_leader(r) ? dupg_region_leader(r) : "-");
	for (i = 0; i < dupg_region_member_count(r) && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, " %s:%u:%d", dupg_region_member(r, i),
				      dupg_region_member_score(r, i),
				      dupg_region_member_alive(r, i, now));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char before[8192], after[8192];
	dupg_announce *a = NULL, *seed = NULL;
	dupg_region *r = NULL;
	unsigned char *again = NULL;
	size_t len = 0, i;
	int rc = dupg_announce_decode(&a, data, size);

	if (rc != 0) {
		fuzz_check_error(rc, "announce_decode");
		FUZZ_CHECK(rc == DUPG_EFORMAT || rc == DUPG_EUNSUPPORTED, "code %d", rc);
		FUZZ_CHECK(a == NULL, "a refused message gave an announcement");
		return 0;
	}
	FUZZ_CHECK(size <= DUPG_ANNOUNCE_MAX_BYTES, "%zu bytes decoded", size);
	FUZZ_CHECK(dupg_announce_score(a) <= DUPG_SCORE_MAX, "score %u", dupg_announce_score(a));
	FUZZ_CHECK(dupg_announce_encode(&again, &len, a) == 0, "encode: %s", dupg_error_last());
	FUZZ_CHECK(len == size && memcmp(again, data, size) == 0, "not the same bytes again");
	dupg_free(again);
	for (i = 0; i < dupg_announce_hw_count(a); i++)
		FUZZ_CHECK(dupg_announce_find(a, dupg_announce_hw(a, i)) == dupg_announce_version(a, i),
			   "hardware type %zu twice", i);
	/* a serving URL exactly when the message is version 2 */
	FUZZ_CHECK((dupg_announce_url(a) != NULL) == (data[4] == 2), "version %u, URL %s", data[4],
		   dupg_announce_url(a) != NULL ? "set" : "none");
	FUZZ_CHECK(dupg_announce_url(a) == NULL ||
		   strlen(dupg_announce_url(a)) <= DUPG_ANNOUNCE_URL_MAX_BYTES, "URL over the limit");

	/* into a region of the message's number that heard another node in epoch 1 */
	FUZZ_CHECK(dupg_region_new(&r, dupg_announce_region(a), NULL) == 0, "region_new");
	FUZZ_CHECK(dupg_announce_new(&seed, "fuzz-seed-node", dupg_announce_region(a), 1, 0, 500,
				     1) == 0, "announce_new");
	FUZZ_CHECK(dupg_region_receive(r, seed, 0) == 0, "seed: %s", dupg_error_last());
	region_state(before, sizeof(before), r, 100);
	rc = dupg_region_receive(r, a, 100);
	region_state(after, sizeof(after), r, 100);
	if (rc != 0) {
		fuzz_check_error(rc, "region_receive");
		FUZZ_CHECK(strcmp(before, after) == 0, "refused (%d) but changed: %s -> %s", rc, before,
			   after);
	} else {
		size_t m = dupg_region_find(r, dupg_announce_sender(a));

		FUZZ_CHECK(m != DUPG_NONE, "accepted but not a member");
		for (i = 0; i < dupg_announce_hw_count(a); i++)
			FUZZ_CHECK(strcmp(dupg_region_member_version(r, m, dupg_announce_hw(a, i)),
					  dupg_announce_version(a, i)) == 0, "version %zu not kept", i);
	}
	dupg_announce_free(seed);
	dupg_announce_free(a);
	dupg_region_free(r);
	return 0;
}
