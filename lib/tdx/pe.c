/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pe.c - the PE/COFF image digest edk2 extends for a loaded EFI image
 * (docs/tdx.md 5): OvmfPkg/Tcg/TdTcg2Dxe/MeasureBootPeCoff.c,
 * MeasurePeImage() steps 1-17 (the Authenticode hash of the PE/COFF
 * specification, appendix A, with SHA-384).
 */
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/digest.h"
#include "core/err.h"
#include "tdx/tdx.h"

#define DIR_SECURITY 4
#define MAX_SECTIONS 96 /* the PE/COFF limit */

struct sec {
	uint32_t ptr, size;
};

static int cmp_sec(const void *a, const void *b)
{
	const struct sec *x = a, *y = b;

	return x->ptr < y->ptr ? -1 : x->ptr > y->ptr;
}

/*
 * The image as edk2 sees it: @buf, except its first @hlen bytes, which are
 * @head's (a rewritten setup header, pv_pe_authenticode_over).  Reads go
 * through view_at(): bytes inside the file or NULL, a field that straddles
 * @hlen assembled in the caller's buffer.
 */
struct view {
	const uint8_t *buf;
	size_t len;
	const uint8_t *head;
	size_t hlen;
};

#define FIELD_MAX 64 /* the longest field read at once: the DOS header */

static const uint8_t *view_at(const struct view *v, size_t off, size_t n,
			      uint8_t tmp[FIELD_MAX])
{
	size_t k;

	if (!pv_range_ok(off, n, v->len) || n > FIELD_MAX)
		return NULL;
	if (off + n <= v->hlen)
		return v->head + off;
	if (off >= v->hlen)
		return v->buf + off;
	k = v->hlen - off;
	memcpy(tmp, v->head + off, k);
	memcpy(tmp + k, v->buf + off + k, n - k);
	return tmp;
}

/* hash [off, off + n) of the view: checked against its length before */
static int upd(struct pv_digest *d, const struct view *v, size_t off,
	       size_t n)
{
	size_t k;
	int r;

	if (!n)
		return 0;
	if (off < v->hlen) {
		k = v->hlen - off < n ? v->hlen - off : n;
		r = pv_digest_update(d, v->head + off, k);
		if (r || k == n)
			return r;
		off += k;
		n -= k;
	}
	return pv_digest_update(d, v->buf + off, n);
}

static int authenticode(const struct view *v, const char *name,
			uint8_t out[PV_TDX_MR_SIZE], struct pv_err *e)
{
	struct sec secs[MAX_SECTIONS];
	struct pv_digest d = { 0 };
	uint8_t tmp[FIELD_MAX];
	const uint8_t *p;
	size_t len = v->len;
	uint32_t lfanew, nrva, hdrs, cert_size = 0;
	size_t opt, ck, dir, sh, n, i, j, sum;
	uint16_t nsec, optsz, magic;
	int r;

	p = view_at(v, 0, 0x40, tmp);
	if (!p || p[0] != 'M' || p[1] != 'Z')
		return pv_errf(e, PV_EFORMAT,
			       "%s: no DOS header (\"MZ\" at offset 0): not a "
			       "PE/COFF EFI-stub kernel", name);
	lfanew = pv_le32(p + 0x3c);
	p = view_at(v, lfanew, 24, tmp);
	if (!p || memcmp(p, "PE\0\0", 4) != 0)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x3c: e_lfanew 0x%x does not point "
			       "at a \"PE\\0\\0\" signature: not a PE/COFF "
			       "EFI-stub kernel", name, lfanew);
	nsec = pv_le16(p + 6);
	optsz = pv_le16(p + 20);
	opt = (size_t)lfanew + 24;
	p = view_at(v, opt, 2, tmp);
	if (!p)
		return pv_errf(e, PV_ERANGE, "%s: offset 0x%zx: optional "
			       "header past the end of the file", name, opt);
	magic = pv_le16(p);
	if (magic != 0x10b && magic != 0x20b)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x%zx: optional header Magic 0x%x, "
			       "expected 0x10b (PE32) or 0x20b (PE32+)", name,
			       opt, magic);
	/* PE32: NumberOfRvaAndSizes at 92, directories at 96; PE32+: 108,
	 * 112.  CheckSum is at 64 and SizeOfHeaders at 60 in both. */
	dir = opt + (magic == 0x10b ? 96 : 112);
	if ((size_t)optsz < dir - opt || !pv_range_ok(opt, dir - opt, len))
		return pv_errf(e, PV_ERANGE,
			       "%s: offset 0x%zx: SizeOfOptionalHeader %u is "
			       "too small for a %s optional header", name,
			       opt - 4, optsz, magic == 0x10b ? "PE32" : "PE32+");
	ck = opt + 64;
	hdrs = pv_le32(view_at(v, opt + 60, 4, tmp));
	nrva = pv_le32(view_at(v, dir - 4, 4, tmp));
	if (hdrs > len || hdrs < ck + 4)
		return pv_errf(e, PV_ERANGE,
			       "%s: offset 0x%zx: SizeOfHeaders 0x%x is outside "
			       "0x%zx..0x%zx", name, opt + 60, hdrs, ck + 4, len);
	if (nrva > DIR_SECURITY) {
		if (nrva > 16 || (size_t)optsz < dir - opt + (size_t)nrva * 8)
			return pv_errf(e, PV_EFORMAT,
				       "%s: offset 0x%zx: NumberOfRvaAndSizes "
				       "%u does not fit the optional header",
				       name, dir - 4, nrva);
		if (dir + (DIR_SECURITY + 1) * 8 > hdrs)
			return pv_errf(e, PV_ERANGE,
				       "%s: the certificate directory entry "
				       "lies past SizeOfHeaders 0x%x", name,
				       hdrs);
		cert_size = pv_le32(view_at(v, dir + DIR_SECURITY * 8 + 4, 4,
					    tmp));
	}
	if (nsec > MAX_SECTIONS)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x%x: NumberOfSections %u exceeds "
			       "%u", name, lfanew + 6, nsec, MAX_SECTIONS);
	sh = opt + optsz;
	n = 0;
	for (i = 0; i < nsec; i++) {
		p = view_at(v, sh + i * 40, 40, tmp);
		if (!p)
			return pv_errf(e, PV_ERANGE,
				       "%s: section header %zu past the end of "
				       "the file", name, i);
		secs[n].size = pv_le32(p + 16);
		secs[n].ptr = pv_le32(p + 20);
		if (secs[n].size == 0)
			continue; /* step 11: not hashed */
		if (!pv_range_ok(secs[n].ptr, secs[n].size, len))
			return pv_errf(e, PV_ERANGE,
				       "%s: section %zu (%.8s): PointerToRawData "
				       "0x%x + SizeOfRawData 0x%x is past the "
				       "end of the %zu-byte file", name, i, p,
				       secs[n].ptr, secs[n].size, len);
		n++;
	}
	/* step 12: in file order (edk2 sorts by insertion; equal keys keep
	 * header order, as this stable pass does) */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && cmp_sec(&secs[j - 1], &secs[j]) > 0; j--) {
			struct sec t = secs[j];

			secs[j] = secs[j - 1];
			secs[j - 1] = t;
		}
	r = pv_digest_init(&d, PV_SHA384, e);
	if (r)
		return r;
	/* steps 3-9: headers without CheckSum and the security entry */
	r = upd(&d, v, 0, ck);
	if (nrva <= DIR_SECURITY) {
		r = r ? r : upd(&d, v, ck + 4, hdrs - (ck + 4));
	} else {
		size_t sec_ent = dir + DIR_SECURITY * 8;

		r = r ? r : upd(&d, v, ck + 4, sec_ent - (ck + 4));
		r = r ? r : upd(&d, v, sec_ent + 8, hdrs - (sec_ent + 8));
	}
	/* steps 10-14 */
	sum = hdrs;
	for (i = 0; !r && i < n; i++) {
		r = upd(&d, v, secs[i].ptr, secs[i].size);
		sum += secs[i].size;
	}
	/* steps 15-16: what follows, less the certificate table */
	if (!r && len > sum) {
		if ((uint64_t)len > (uint64_t)sum + cert_size)
			r = upd(&d, v, sum, len - sum - cert_size);
		else if ((uint64_t)len < (uint64_t)sum + cert_size) {
			pv_digest_free(&d);
			return pv_errf(e, PV_EFORMAT,
				       "%s: certificate table size 0x%x is "
				       "larger than the 0x%zx bytes after the "
				       "sections", name, cert_size, len - sum);
		}
	}
	if (!r)
		r = pv_digest_final(&d, out);
	pv_digest_free(&d);
	if (r)
		return pv_errf(e, PV_ECRYPTO, "%s: SHA-384 failed", name);
	return 0;
}

int pv_pe_authenticode(const uint8_t *buf, size_t len, const char *name,
		       uint8_t out[PV_TDX_MR_SIZE], struct pv_err *e)
{
	const struct view v = { buf, len, NULL, 0 };

	return authenticode(&v, name, out, e);
}

int pv_pe_authenticode_over(const uint8_t *buf, size_t len,
			    const uint8_t *head, size_t hlen, const char *name,
			    uint8_t out[PV_TDX_MR_SIZE], struct pv_err *e)
{
	const struct view v = { buf, len, head, hlen < len ? hlen : len };

	return authenticode(&v, name, out, e);
}
