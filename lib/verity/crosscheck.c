/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crosscheck.c - verify a tree through libcryptsetup, independently of
 * tree.c: crypt_load(CRYPT_VERITY) with CRYPT_VERITY_CHECK_HASH in the
 * parameters, then crypt_activate_by_volume_key() with a NULL name.  In
 * libcryptsetup 2.6 a NULL name means "only check the volume key"; for
 * VERITY with CHECK_HASH that runs its userspace VERITY_verify() over the
 * whole tree (libcryptsetup.h, crypt_activate_by_volume_key: "name of
 * device to create, if NULL only check volume key").  No device mapper,
 * no loop device, no root; plain files are read directly.  Without a
 * superblock, crypt_format() with CRYPT_VERITY_NO_HEADER and without
 * CRYPT_VERITY_CREATE_HASH only sets the parameters (it writes nothing).
 */
#include "verity/verity.h"
#include "core/err.h"
#include "core/hex.h"

#include <errno.h>
#include <libcryptsetup.h>
#include <stdio.h>
#include <string.h>

/* libcryptsetup logs through a callback: keep its last error message. */
struct lcs_log {
	char msg[256];
};

static void lcs_log_cb(int level, const char *msg, void *usrptr)
{
	struct lcs_log *log = usrptr;
	size_t n;

	if (level != CRYPT_LOG_ERROR || !log)
		return;
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		n--;
	if (n >= sizeof(log->msg))
		n = sizeof(log->msg) - 1;
	memcpy(log->msg, msg, n);
	log->msg[n] = 0;
}

int pv_verity_libcryptsetup_verify(const char *data_path,
				   const char *hash_path,
				   const struct pv_verity_params *p,
				   const uint8_t *root, size_t root_size,
				   struct pv_err *e)
{
	struct crypt_params_verity vp = { 0 };
	struct crypt_device *cd = NULL;
	struct lcs_log log = { "" };
	int r, code;

	crypt_set_log_callback(NULL, lcs_log_cb, &log);
	r = crypt_init_data_device(&cd, hash_path, data_path);
	if (r < 0) {
		code = pv_errf(e, PV_EIO, "libcryptsetup: crypt_init %s: %s%s%s",
			       hash_path, strerror(-r), log.msg[0] ? ": " : "",
			       log.msg);
		goto out;
	}
	crypt_set_log_callback(cd, lcs_log_cb, &log);
	vp.flags = CRYPT_VERITY_CHECK_HASH;
	vp.hash_area_offset = p->hash_offset;
	if (!p->superblock) {
		vp.flags |= CRYPT_VERITY_NO_HEADER;
		vp.hash_name = pv_hash_name(p->alg);
		vp.data_device = data_path;
		vp.salt = (const char *)p->salt;
		vp.salt_size = (uint32_t)p->salt_size;
		vp.hash_type = p->hash_type;
		vp.data_block_size = p->data_block_size;
		vp.hash_block_size = p->hash_block_size;
		vp.data_size = p->data_blocks;
	}
	/* Without a superblock the parameters come from us: crypt_format
	 * with NO_HEADER (and no CREATE_HASH) writes nothing, as cryptsetup's
	 * own "veritysetup verify --no-superblock" does. */
	if (p->superblock)
		r = crypt_load(cd, CRYPT_VERITY, &vp);
	else
		r = crypt_format(cd, CRYPT_VERITY, NULL, NULL, NULL, NULL, 0, &vp);
	if (r < 0) {
		code = pv_errf(e, r == -EINVAL ? PV_EFORMAT : PV_EIO,
			       "libcryptsetup: %s %s: %s%s%s",
			       p->superblock ? "crypt_load" : "crypt_format", hash_path,
			       strerror(-r), log.msg[0] ? ": " : "", log.msg);
		goto out;
	}
	r = crypt_activate_by_volume_key(cd, NULL, (const char *)root, root_size,
					 CRYPT_ACTIVATE_READONLY);
	/* -EPERM: a data or hash block failed; -EFAULT: the root hash did
	 * not match the top block (libcryptsetup 2.6 VERITY_verify). */
	if (r == -EPERM || r == -EFAULT) {
		code = pv_errf(e, PV_EVERIFY, "libcryptsetup: %s",
			       log.msg[0] ? log.msg : "verification failed");
		goto out;
	}
	if (r < 0) {
		code = pv_errf(e, PV_EIO, "libcryptsetup: verify: %s%s%s",
			       strerror(-r), log.msg[0] ? ": " : "", log.msg);
		goto out;
	}
	code = 0;
out:
	crypt_free(cd);
	crypt_set_log_callback(NULL, NULL, NULL);
	return code;
}
