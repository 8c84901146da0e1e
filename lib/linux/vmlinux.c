/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmlinux.c - the loadable segments of an x86-64 vmlinux, through libelf
 * (ELF-64 Object File Format; the x86-64 psABI).
 */
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "linux/boot.h"

int pv_is_elf(const uint8_t *buf, size_t len)
{
	return len >= 4 && memcmp(buf, "\177ELF", 4) == 0;
}

int pv_vmlinux_parse(const uint8_t *buf, size_t len, const char *name,
		     struct pv_vmlinux *k, struct pv_err *e)
{
	GElf_Ehdr eh;
	Elf *elf;
	size_t nph, i, j;
	int rc = 0;
	uint64_t entry_v = 0;
	int entry_found = 0;

	memset(k, 0, sizeof(*k));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return pv_errf(e, PV_ENOTSUP, "libelf: %s", elf_errmsg(-1));
	/* libelf's API is not const-correct; ELF_C_READ_MMAP never writes */
	elf = elf_memory((char *)(uintptr_t)buf, len);
	if (!elf)
		return pv_errf(e, PV_EFORMAT, "%s: libelf: %s", name,
			       elf_errmsg(-1));
	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		rc = pv_errf(e, PV_EFORMAT, "%s: not an ELF file", name);
		goto out;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    eh.e_type != ET_EXEC) {
		rc = pv_errf(e, PV_ENOTSUP,
			     "%s: ELF class %u machine %u type %u: expected an ELF64 x86-64 executable (vmlinux)",
			     name, eh.e_ident[EI_CLASS], eh.e_machine, eh.e_type);
		goto out;
	}
	if (elf_getphdrnum(elf, &nph) != 0) {
		rc = pv_errf(e, PV_EFORMAT, "%s: program headers: %s", name,
			     elf_errmsg(-1));
		goto out;
	}
	k->lo = UINT64_MAX;
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;
		struct pv_elf_seg *s;
		uint64_t end;

		if (!gelf_getphdr(elf, (int)i, &ph)) {
			rc = pv_errf(e, PV_EFORMAT, "%s: program header %zu: %s",
				     name, i, elf_errmsg(-1));
			goto out;
		}
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (k->nseg == PV_VMLINUX_MAX_SEGS) {
			rc = pv_errf(e, PV_ENOTSUP,
				     "%s: more than %d PT_LOAD segments", name,
				     PV_VMLINUX_MAX_SEGS);
			goto out;
		}
		if (ph.p_filesz > ph.p_memsz ||
		    !pv_range_ok(ph.p_offset, ph.p_filesz, len) ||
		    !pv_add_u64(ph.p_paddr, ph.p_memsz, &end) ||
		    !pv_add_u64(ph.p_vaddr, ph.p_memsz, &end)) {
			rc = pv_errf(e, PV_ERANGE,
				     "%s: program header %zu: offset 0x%llx filesz 0x%llx memsz 0x%llx does not fit the file or the address space",
				     name, i, (unsigned long long)ph.p_offset,
				     (unsigned long long)ph.p_filesz,
				     (unsigned long long)ph.p_memsz);
			goto out;
		}
		s = &k->seg[k->nseg++];
		s->paddr = ph.p_paddr;
		s->filesz = ph.p_filesz;
		s->memsz = ph.p_memsz;
		s->data = buf + ph.p_offset;
		if (eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz) {
			entry_v = eh.e_entry - ph.p_vaddr + ph.p_paddr;
			entry_found = 1;
		}
		if (ph.p_paddr < k->lo)
			k->lo = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > k->hi)
			k->hi = ph.p_paddr + ph.p_memsz;
	}
	if (!k->nseg) {
		rc = pv_errf(e, PV_EFORMAT, "%s: no PT_LOAD segment", name);
		goto out;
	}
	for (i = 0; i < k->nseg; i++)
		for (j = i + 1; j < k->nseg; j++)
			if (k->seg[i].paddr < k->seg[j].paddr + k->seg[j].memsz &&
			    k->seg[j].paddr < k->seg[i].paddr + k->seg[i].memsz) {
				rc = pv_errf(e, PV_EFORMAT,
					     "%s: PT_LOAD segments at 0x%llx and 0x%llx overlap",
					     name,
					     (unsigned long long)k->seg[i].paddr,
					     (unsigned long long)k->seg[j].paddr);
				goto out;
			}
	if (!entry_found) {
		rc = pv_errf(e, PV_EFORMAT,
			     "%s: entry 0x%llx is in no PT_LOAD segment", name,
			     (unsigned long long)eh.e_entry);
		goto out;
	}
	k->entry = entry_v;
out:
	elf_end(elf);
	return rc;
}
