/* SPDX-License-Identifier: Apache-2.0 */
/*
 * acpi.c - a minimal built-in ACPI table set for --vmm clh when no ACPI
 * pages are given: RSDP, XSDT, FADT (hardware-reduced), MADT (one local
 * APIC per vCPU, one I/O APIC) and an empty DSDT, laid out where
 * igvm-tooling puts its tables (RSDP 0xE0000, XSDT 0x100000, the others
 * packed from 0x101000 in name order).  Layouts: ACPI 6.4 §5.2.5.3 (RSDP),
 * §5.2.6 (header), §5.2.8 (XSDT), §5.2.9 (FADT), §5.2.11.2 (DSDT),
 * §5.2.12 (MADT).
 */
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "igvm/linux.h"

#define HDR 36u
#define FADT_LEN 276u /* FADT revision 6, minor 3 */
#define MADT_LAPIC 8u
#define MADT_IOAPIC 12u
#define MAX_VCPUS 240u /* xAPIC IDs below the I/O APIC's */

enum { PG_RSDP, PG_XSDT, PG_TABLES, PG_N };

static void checksum(uint8_t *t, size_t len, size_t at)
{
	uint8_t sum = 0;
	size_t i;

	t[at] = 0;
	for (i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	t[at] = (uint8_t)(0 - sum);
}

/* §5.2.6 system description table header */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	pv_put_le32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "PODVM ", 6);
	memcpy(t + 16, "PODVMCLH", 8);
	pv_put_le32(t + 24, 1);
	memcpy(t + 28, "PDVM", 4);
	pv_put_le32(t + 32, 1);
}

int pv_acpi_minimal(uint32_t vcpus, uint8_t **buf, struct pv_acpi_page *pages,
		    size_t *npages, struct pv_err *e)
{
	const uint64_t rsdp = PV_CLH_ACPI_START, xsdt = 0x100000,
		       base = 0x101000;
	uint32_t madt_len = HDR + 8 + MADT_IOAPIC + MADT_LAPIC * vcpus;
	uint64_t apic = base, dsdt = apic + madt_len, facp = dsdt + HDR;
	uint8_t *b, *t;
	uint32_t i;

	if (!vcpus || vcpus > MAX_VCPUS)
		return pv_errf(e, PV_EINVAL,
			       "--vcpus %u: the built-in MADT takes 1 to %u",
			       vcpus, MAX_VCPUS);
	b = calloc(PG_N, 4096);
	if (!b)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	/* the tables after the XSDT must fit their one page */
	_Static_assert(HDR + 8 + MADT_IOAPIC + MADT_LAPIC * MAX_VCPUS + HDR +
			       FADT_LEN <= 4096,
		       "built-in ACPI tables exceed one page");

	/* RSDP, §5.2.5.3: revision 2, XSDT only */
	t = b + PG_RSDP * 4096;
	memcpy(t, "RSD PTR ", 8);
	memcpy(t + 9, "PODVM ", 6);
	t[15] = 2;
	pv_put_le32(t + 20, 36);
	pv_put_le64(t + 24, xsdt);
	checksum(t, 20, 8);
	checksum(t, 36, 32);

	/* XSDT, §5.2.8: MADT and FADT (igvm-tooling's name order) */
	t = b + PG_XSDT * 4096;
	header(t, "XSDT", HDR + 16, 1);
	pv_put_le64(t + HDR, apic);
	pv_put_le64(t + HDR + 8, facp);
	checksum(t, HDR + 16, 9);

	/* MADT, §5.2.12: local APIC at 0xFEE00000, no PC-AT PICs */
	t = b + PG_TABLES * 4096;
	header(t, "APIC", madt_len, 5);
	pv_put_le32(t + HDR, 0xFEE00000);
	pv_put_le32(t + HDR + 4, 0);
	for (i = 0; i < vcpus; i++) {
		uint8_t *l = t + HDR + 8 + MADT_LAPIC * i;

		l[0] = 0;                /* Processor Local APIC */
		l[1] = MADT_LAPIC;
		l[2] = (uint8_t)i;       /* ACPI processor UID */
		l[3] = (uint8_t)i;       /* APIC ID */
		pv_put_le32(l + 4, 1);   /* enabled */
	}
	{
		uint8_t *io = t + HDR + 8 + MADT_LAPIC * vcpus;

		io[0] = 1;               /* I/O APIC */
		io[1] = MADT_IOAPIC;
		io[2] = (uint8_t)vcpus;  /* its ID, after the CPUs' */
		pv_put_le32(io + 4, 0xFEC00000);
		pv_put_le32(io + 8, 0);  /* GSI base */
	}
	checksum(t, madt_len, 9);

	/* DSDT, §5.2.11.2: no AML, nothing to describe */
	t = b + PG_TABLES * 4096 + (dsdt - base);
	header(t, "DSDT", HDR, 2);
	checksum(t, HDR, 9);

	/* FADT, §5.2.9: hardware-reduced ACPI, DSDT by its 64-bit address */
	t = b + PG_TABLES * 4096 + (facp - base);
	header(t, "FACP", FADT_LEN, 6);
	pv_put_le32(t + 40, (uint32_t)dsdt);   /* DSDT */
	pv_put_le32(t + 112, 1u << 20);        /* Flags: HW_REDUCED_ACPI */
	t[131] = 3;                            /* FADT minor version */
	pv_put_le64(t + 140, dsdt);            /* X_DSDT */
	checksum(t, FADT_LEN, 9);

	pages[0].gpa = rsdp;
	pages[0].data = b + PG_RSDP * 4096;
	pages[1].gpa = xsdt;
	pages[1].data = b + PG_XSDT * 4096;
	pages[2].gpa = base;
	pages[2].data = b + PG_TABLES * 4096;
	*npages = PG_N;
	*buf = b;
	return 0;
}
