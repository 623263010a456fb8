/* SPDX-License-Identifier: BSD-2-Clause */
/* The public side of the one error convention (dupg/common.h), and the run-time version. */
#include "internal.h"

#include <stdlib.h>

static const char *const error_names[] = {
	"DUPG_OK", "DUPG_ERROR", "DUPG_ENOMEM", "DUPG_EINVAL", "DUPG_EFORMAT", "DUPG_ENOTFOUND",
	"DUPG_EIO", "DUPG_EARCHIVE", "DUPG_EINTEGRITY", "DUPG_EEXISTS", "DUPG_EUNSUPPORTED",
	"DUPG_EABORTED", "DUPG_EBUSY", "DUPG_ENOSPC", "DUPG_EACCES", "DUPG_EPENDING",
	"DUPG_ECOMMITTED", "DUPG_ENETWORK", "DUPG_ETIMEDOUT", "DUPG_EUNSIGNED", "DUPG_EBADSIG", "DUPG_EUNKNOWNKEY", "DUPG_EREVOKED",
	"DUPG_ETHRESHOLD", "DUPG_EEXPIRED", "DUPG_EROLLBACK", "DUPG_ESIGFORMAT",
	"DUPG_EMODE",
};

/* By code: error_names[-code]. */
static const char *const error_texts[] = {
	"success", "unexpected failure", "out of memory", "invalid argument", "malformed input",
	"not found", "input/output error", "unreadable archive", "integrity check failed",
	"duplicate entry", "unsupported format or option", "aborted by callback",
	"busy: held by another process or thread", "no space left on device",
	"permission denied", "an interrupted change is pending: recover first",
	"committed, with leftovers for recover", "network transfer failed", "timed out", "not signed", "bad signature",
	"signed by an unknown key", "signed by a revoked key", "too few valid signatures",
	"expired", "security version below the rollback floor", "malformed signature file",
	"file mode not allowed by the manifest",
};

_Static_assert(DUPG__COUNT(error_names) == DUPG__COUNT(error_texts), "a name and a text per code");

const char *dupg_strerror(int code)
{
	if (code > 0 || (size_t)-code >= DUPG__COUNT(error_texts))
		return "unknown error code";
	return error_texts[-code];
}

const char *dupg_error_name(int code)
{
	return code > 0 ? "unknown" : dupg__name_of(error_names, DUPG__COUNT(error_names), -code);
}

int dupg_error_parse(int *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, error_names, DUPG__COUNT(error_names), name,
					 "error code");
	if (rc == 0 && out != NULL)
		*out = -v;
	return rc;
}

const char *dupg_error_last(void)
{
	return dupg__error_msg();
}

int dupg_error_last_code(void)
{
	return dupg__error_code();
}

void dupg_error_clear(void)
{
	dupg__error_clear();
}

void dupg_free(void *ptr)
{
	free(ptr);
}

int dupg_version_number(void)
{
	return DUPG_VERSION_NUMBER;
}

const char *dupg_version_string(void)
{
	return DUPG_VERSION_STRING;
}
