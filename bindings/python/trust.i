/* SPDX-License-Identifier: BSD-2-Clause */
/* Trust (dupg/trust.h): Ed25519 keys, signed manifests, trust stores. */

%rename(_Trust_add_key_file) dupg_trust_add_key_file;
%rename(_Trust_add_key_pem) dupg_trust_add_key_pem;
%rename(_Trust_revoke) dupg_trust_revoke;
%rename(_Trust_is_revoked) dupg_trust_is_revoked;
%rename(_Trust_set_threshold) dupg_trust_set_threshold;
%rename(_Trust_threshold) dupg_trust_threshold;
%rename(_Trust_key_count) dupg_trust_key_count;
%rename(_Trust_check) dupg_trust_check;
%rename(sign_manifest) dupg_sign_manifest;
%typemap(out) int dupg_trust_is_revoked "$result = PyBool_FromLong($1);";
%typemap(doctype) int dupg_trust_is_revoked "bool"
%typemap(doctype) int dupg_sign_manifest "str"
DUPG_PY_NOGIL(dupg_trust_add_key_file)
DUPG_PY_NOGIL(dupg_sign_manifest)
%include "dupg/trust.h"

%rename(key_generate) dupg_py_key_generate;
%rename(key_id) dupg_py_key_id;

/**
 * Generate an Ed25519 key pair: the private key in private_path (PEM,
 * PKCS#8, mode 0600, written atomically), the public key in public_path.
 * @return the key id (hex SHA-256 of the raw public key)
 * @exception BadInputError, IOError, AccessError
 */
PyObject *dupg_py_key_generate(const char *private_path, const char *public_path);

/**
 * The key id of a PEM key file (public or private).
 * @return 64 hex digits
 * @exception NotFoundError, IOError, FormatError
 */
PyObject *dupg_py_key_id(const char *path);

/**
 * A set of trusted Ed25519 public keys, with a threshold k (k distinct
 * trusted keys must sign; default 1) and revoked key ids. A package passes
 * when k keys of the store, none revoked, signed its manifest.json.
 */
typedef struct {} Trust;

%newobject Trust::load_dir;

%extend Trust {
	/** An empty trust store (threshold 1). */
	Trust() { return dupg_py_trust_new(); }

	~Trust() { dupg_py_destroy_Trust($self); }

	/** Free the C side now; any later use raises BadInputError. */
	void close() { dupg_py_close_Trust($self); }
	DUPG_PY_CONTEXT

	/**
	 * Load a trust directory: every *.pub and *.pem file a public key, an
	 * optional file `threshold` (k) and `revoked` (key ids, one a line).
	 * @exception NotFoundError, FormatError (naming the file), BadInputError
	 *            (no key, a threshold above the key count), IOError
	 */
	static Trust *load_dir(const char *dir) { return dupg_py_trust_load_dir(dir); }

	/** The ids of the keys held, in the order added. */
	PyObject *_key_ids() { return dupg_py_trust_key_ids($self->h); }

	%pythoncode %{
    add_key_file = _Trust_add_key_file
    add_key_pem = _Trust_add_key_pem
    revoke = _Trust_revoke
    is_revoked = _Trust_is_revoked
    check = _Trust_check
    threshold = property(_Trust_threshold, _Trust_set_threshold)
    key_ids = property(_key_ids)

    def __len__(self):
        return _Trust_key_count(self)

    def __repr__(self):
        if not self._alive():
            return "<dupg.Trust (closed)>"
        return "<dupg.Trust keys=%d threshold=%d>" % (len(self), self.threshold)
	%}
}

%rename(_verify_ext) dupg_py_verify_ext;
%newobject dupg_py_verify_ext;

/**
 * Verify a package under a trust policy (dupg_package_verify_ext()).
 * (Use dupg.verify(), which takes the same arguments by name.)
 * @param trust the trust store the signatures must satisfy, or None to
 *        require no signature
 * @param now the time `expires` is compared with: None for the clock,
 *        False to skip the check, or seconds since the epoch
 * @param payload False to check the head only (manifest, signatures,
 *        expiry: dupg_package_read_manifest_ext())
 * @param progress None, or called as progress(done, total, file) while the
 *        payload is hashed (see dupg.verify())
 */
Manifest *dupg_py_verify_ext(const char *path, const dupg_trust *trust, PyObject *now,
			     bool payload, PyObject *progress = NULL);
