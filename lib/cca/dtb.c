/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dtb.c - kvmtool's device tree for a realm, generated with libfdt in the
 * order kvmtool emits it (arm/fdt.c setup_fdt, arm/gic.c, arm/timer.c,
 * hw/serial.c, hw/rtc.c, arm/pci.c; cca-rim.md §6.1 and §6.3), and checks
 * of a DTB the user gives.  The bytes are measured, so the sequence of
 * nodes and properties, and the string table libfdt builds from it, must
 * match kvmtool exactly: the tests compare with lkvm-rim-measurer dumps.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cca/realm.h"
#include "core/bytes.h"
#include "core/err.h"

/* kvmtool's guest physical map (arm/include/arm-common/kvm-arch.h) */
#define ARM_IOPORT_AREA 0x0000000000000000ull
#define ARM_IOPORT_SIZE 0x10000ull
#define ARM_MMIO_AREA 0x0000000001000000ull
#define ARM_AXI_AREA 0x0000000040000000ull
#define ARM_MEMORY_AREA 0x0000000080000000ull
#define ARM_GIC_DIST_SIZE 0x10000ull
#define ARM_GIC_DIST_BASE (ARM_AXI_AREA - ARM_GIC_DIST_SIZE)
#define ARM_GIC_REDIST_SIZE 0x20000ull
#define GIC_ITS_SIZE 0x20000ull /* KVM_VGIC_V3_ITS_SIZE */
#define ARM_RTC_MMIO_BASE (ARM_MMIO_AREA + 0x10000ull)
#define ARM_PCI_CFG_AREA ARM_AXI_AREA
#define ARM_PCI_CFG_SIZE (1ull << 28)
#define ARM_PCI_MMIO_AREA (ARM_PCI_CFG_AREA + ARM_PCI_CFG_SIZE)
#define ARM_PCI_MMIO_SIZE (ARM_MEMORY_AREA - ARM_PCI_MMIO_AREA)

#define PHANDLE_GIC 1u
#define PHANDLE_MSI 2u
#define IRQ_SPI 0u
#define IRQ_PPI 1u
#define IRQ_LEVEL_HIGH 4u
#define IRQ_LEVEL_LOW 8u

/* PSCI 0.2 function IDs for AArch64 (arm,psci-0.2) */
#define PSCI_FN64_CPU_SUSPEND 0xc4000001u
#define PSCI_FN_CPU_OFF 0x84000002u
#define PSCI_FN64_CPU_ON 0xc4000003u
#define PSCI_FN64_MIGRATE 0xc4000005u

#define CHECK(x)                      \
	do {                          \
		int r_ = (x);         \
		if (r_ < 0)           \
			return r_;    \
	} while (0)

static int prop_u64s(void *fdt, const char *name, const uint64_t *v,
		     unsigned n)
{
	uint8_t buf[8 * 8];
	unsigned i;

	for (i = 0; i < n; i++)
		pv_put_be64(buf + 8 * i, v[i]);
	return fdt_property(fdt, name, buf, (int)(8 * n));
}

static int prop_u32s(void *fdt, const char *name, const uint32_t *v,
		     unsigned n)
{
	uint8_t buf[4 * (10 * PV_CCA_KVMTOOL_MAX_DISKS + 10)];
	unsigned i;

	for (i = 0; i < n; i++)
		pv_put_be32(buf + 4 * i, v[i]);
	return fdt_property(fdt, name, buf, (int)(4 * n));
}

static int gen_chosen(void *fdt, const struct pv_cca_kvmtool_dt *dt,
		      const char *bootargs)
{
	uint64_t v;

	CHECK(fdt_begin_node(fdt, "chosen"));
	if (bootargs)
		CHECK(fdt_property_string(fdt, "bootargs", bootargs));
	CHECK(fdt_property_u64(fdt, "kaslr-seed", 0));
	CHECK(fdt_property_string(fdt, "stdout-path", "serial0"));
	if (dt->initrd_size) {
		v = dt->initrd_ipa;
		CHECK(prop_u64s(fdt, "linux,initrd-start", &v, 1));
		v = dt->initrd_ipa + dt->initrd_size;
		CHECK(prop_u64s(fdt, "linux,initrd-end", &v, 1));
	}
	return fdt_end_node(fdt);
}

static int gen_cpus(void *fdt, const struct pv_cca_kvmtool_dt *dt)
{
	char name[32];
	unsigned cpu;
	uint32_t mpidr;

	CHECK(fdt_begin_node(fdt, "cpus"));
	CHECK(fdt_property_cell(fdt, "#address-cells", 1));
	CHECK(fdt_property_cell(fdt, "#size-cells", 0));
	for (cpu = 0; cpu < dt->ncpus; cpu++) {
		/* KVM's reset MPIDR: Aff0 = id[3:0], Aff1 = id[11:4] */
		mpidr = (cpu & 0xf) | ((cpu >> 4) & 0xff) << 8;
		snprintf(name, sizeof(name), "cpu@%x", mpidr);
		CHECK(fdt_begin_node(fdt, name));
		CHECK(fdt_property_string(fdt, "device_type", "cpu"));
		CHECK(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		if (dt->ncpus > 1)
			CHECK(fdt_property_string(fdt, "enable-method", "psci"));
		CHECK(fdt_property_cell(fdt, "reg", mpidr));
		CHECK(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int gen_gic_timer(void *fdt, const struct pv_cca_kvmtool_dt *dt)
{
	static const char timer_compat[] = "arm,armv8-timer\0arm,armv7-timer";
	static const uint32_t ppis[4] = { 13, 14, 11, 10 };
	uint64_t redist_size = dt->ncpus * ARM_GIC_REDIST_SIZE;
	uint64_t redist_base = ARM_GIC_DIST_BASE - redist_size;
	uint64_t reg[4] = { ARM_GIC_DIST_BASE, ARM_GIC_DIST_SIZE, redist_base,
			    redist_size };
	uint32_t irqs[12];
	unsigned i;

	CHECK(fdt_begin_node(fdt, "intc"));
	CHECK(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	CHECK(fdt_property_cell(fdt, "#interrupt-cells", 3));
	CHECK(fdt_property(fdt, "interrupt-controller", NULL, 0));
	CHECK(prop_u64s(fdt, "reg", reg, 4));
	CHECK(fdt_property_cell(fdt, "phandle", PHANDLE_GIC));
	CHECK(fdt_property_cell(fdt, "#address-cells", 2));
	CHECK(fdt_property_cell(fdt, "#size-cells", 2));
	if (dt->irqchip == PV_CCA_GICV3_ITS) {
		uint64_t msi[2] = { redist_base - GIC_ITS_SIZE, GIC_ITS_SIZE };

		CHECK(fdt_property(fdt, "ranges", NULL, 0));
		CHECK(fdt_begin_node(fdt, "msic"));
		CHECK(fdt_property_string(fdt, "compatible", "arm,gic-v3-its"));
		CHECK(fdt_property(fdt, "msi-controller", NULL, 0));
		CHECK(fdt_property_cell(fdt, "phandle", PHANDLE_MSI));
		CHECK(prop_u64s(fdt, "reg", msi, 2));
		CHECK(fdt_end_node(fdt));
	}
	CHECK(fdt_end_node(fdt));

	/* GICv3: no CPU mask in the PPI flags */
	for (i = 0; i < 4; i++) {
		irqs[3 * i] = IRQ_PPI;
		irqs[3 * i + 1] = ppis[i];
		irqs[3 * i + 2] = IRQ_LEVEL_LOW;
	}
	CHECK(fdt_begin_node(fdt, "timer"));
	CHECK(fdt_property(fdt, "compatible", timer_compat,
			   sizeof(timer_compat)));
	CHECK(prop_u32s(fdt, "interrupts", irqs, 12));
	CHECK(fdt_property(fdt, "always-on", NULL, 0));
	return fdt_end_node(fdt);
}

static int gen_mmio(void *fdt)
{
	char name[32];
	unsigned i;

	/* four 8250 UARTs 4 KiB apart, SPIs 0..3 */
	for (i = 0; i < 4; i++) {
		uint64_t reg[2] = { ARM_MMIO_AREA + 0x1000ull * i, 8 };
		uint32_t irq[3] = { IRQ_SPI, i, IRQ_LEVEL_HIGH };

		snprintf(name, sizeof(name), "U6_16550A@%llx",
			 (unsigned long long)reg[0]);
		CHECK(fdt_begin_node(fdt, name));
		CHECK(fdt_property_string(fdt, "compatible", "ns16550a"));
		CHECK(prop_u64s(fdt, "reg", reg, 2));
		CHECK(prop_u32s(fdt, "interrupts", irq, 3));
		CHECK(fdt_property_cell(fdt, "clock-frequency", 1843200));
		CHECK(fdt_end_node(fdt));
	}
	{
		uint64_t reg[2] = { ARM_RTC_MMIO_BASE, 2 };

		CHECK(fdt_begin_node(fdt, "rtc"));
		CHECK(fdt_property_string(fdt, "compatible",
					  "motorola,mc146818"));
		CHECK(prop_u64s(fdt, "reg", reg, 2));
		CHECK(fdt_end_node(fdt));
	}
	return 0;
}

static int gen_pci(void *fdt, const struct pv_cca_kvmtool_dt *dt)
{
	uint32_t bus_range[2] = { 0, 0 };
	uint64_t cfg[2] = { ARM_PCI_CFG_AREA, ARM_PCI_CFG_SIZE };
	uint8_t ranges[2 * 28];
	/* of_pci_b_ss: IO space 1 << 24, 32-bit memory 2 << 24 */
	uint32_t map[10 * PV_CCA_KVMTOOL_MAX_DISKS + 10];
	uint32_t mask[4] = { 0xf800, 0, 0, 7 };
	unsigned ndev = (dt->net ? 1u : 0u) + dt->disks, i;

	pv_put_be32(ranges + 0, 1u << 24);
	pv_put_be32(ranges + 4, 0);
	pv_put_be32(ranges + 8, 0);
	pv_put_be64(ranges + 12, ARM_IOPORT_AREA);
	pv_put_be64(ranges + 20, ARM_IOPORT_SIZE);
	pv_put_be32(ranges + 28, 2u << 24);
	pv_put_be32(ranges + 32, (uint32_t)(ARM_PCI_MMIO_AREA >> 32));
	pv_put_be32(ranges + 36, (uint32_t)ARM_PCI_MMIO_AREA);
	pv_put_be64(ranges + 40, ARM_PCI_MMIO_AREA);
	pv_put_be64(ranges + 48, ARM_PCI_MMIO_SIZE);

	CHECK(fdt_begin_node(fdt, "pci"));
	CHECK(fdt_property_string(fdt, "device_type", "pci"));
	CHECK(fdt_property_cell(fdt, "#address-cells", 3));
	CHECK(fdt_property_cell(fdt, "#size-cells", 2));
	CHECK(fdt_property_cell(fdt, "#interrupt-cells", 1));
	CHECK(fdt_property_string(fdt, "compatible", "pci-host-ecam-generic"));
	CHECK(fdt_property(fdt, "dma-coherent", NULL, 0));
	CHECK(prop_u32s(fdt, "bus-range", bus_range, 2));
	CHECK(prop_u64s(fdt, "reg", cfg, 2));
	CHECK(fdt_property(fdt, "ranges", ranges, sizeof(ranges)));
	if (dt->irqchip == PV_CCA_GICV3_ITS)
		CHECK(fdt_property_cell(fdt, "msi-parent", PHANDLE_MSI));
	/* one entry per virtio PCI device (the disks and the user-mode
	 * network), in the order kvmtool numbers them: device i, INTA,
	 * SPI 4 + i (pci.c pci__assign_irq) */
	if (ndev) {
		for (i = 0; i < ndev; i++) {
			uint32_t *m = map + 10 * i;

			m[0] = i << 11;
			m[1] = m[2] = 0;
			m[3] = 1;
			m[4] = PHANDLE_GIC;
			m[5] = m[6] = 0;
			m[7] = IRQ_SPI;
			m[8] = 4 + i;
			m[9] = IRQ_LEVEL_HIGH;
		}
		CHECK(prop_u32s(fdt, "interrupt-map", map, 10 * ndev));
		CHECK(prop_u32s(fdt, "interrupt-map-mask", mask, 4));
	} else {
		CHECK(fdt_property(fdt, "interrupt-map", NULL, 0));
	}
	return fdt_end_node(fdt);
}

static int gen_psci(void *fdt)
{
	static const char compat[] = "arm,psci-0.2\0arm,psci";

	CHECK(fdt_begin_node(fdt, "psci"));
	CHECK(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	CHECK(fdt_property_string(fdt, "method", "smc")); /* a realm */
	CHECK(fdt_property_cell(fdt, "cpu_suspend", PSCI_FN64_CPU_SUSPEND));
	CHECK(fdt_property_cell(fdt, "cpu_off", PSCI_FN_CPU_OFF));
	CHECK(fdt_property_cell(fdt, "cpu_on", PSCI_FN64_CPU_ON));
	CHECK(fdt_property_cell(fdt, "migrate", PSCI_FN64_MIGRATE));
	return fdt_end_node(fdt);
}

static int gen_tree(void *fdt, const struct pv_cca_kvmtool_dt *dt,
		    const char *bootargs)
{
	uint64_t mem[2] = { dt->ram_base, dt->ram_size };

	CHECK(fdt_create(fdt, PV_CCA_KVMTOOL_FDT_MAX));
	CHECK(fdt_finish_reservemap(fdt));
	CHECK(fdt_begin_node(fdt, ""));
	CHECK(fdt_property_cell(fdt, "interrupt-parent", PHANDLE_GIC));
	CHECK(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	CHECK(fdt_property_cell(fdt, "#address-cells", 2));
	CHECK(fdt_property_cell(fdt, "#size-cells", 2));
	CHECK(gen_chosen(fdt, dt, bootargs));
	CHECK(fdt_begin_node(fdt, "memory"));
	CHECK(fdt_property_string(fdt, "device_type", "memory"));
	CHECK(prop_u64s(fdt, "reg", mem, 2));
	CHECK(fdt_end_node(fdt));
	CHECK(gen_cpus(fdt, dt));
	CHECK(gen_gic_timer(fdt, dt));
	CHECK(gen_mmio(fdt));
	CHECK(gen_pci(fdt, dt));
	CHECK(gen_psci(fdt));
	CHECK(fdt_begin_node(fdt, "aliases"));
	CHECK(fdt_property_string(fdt, "serial0", "/U6_16550A@1000000"));
	CHECK(fdt_end_node(fdt));
	CHECK(fdt_end_node(fdt));
	return fdt_finish(fdt);
}

int pv_cca_kvmtool_dtb(const struct pv_cca_kvmtool_dt *dt,
		       uint8_t out[PV_CCA_KVMTOOL_FDT_MAX], struct pv_err *e)
{
	uint8_t *staging;
	char bootargs[2048];
	const char *ba = NULL;
	int rc;

	if (dt->irqchip == PV_CCA_GICV2)
		return pv_errf(e, PV_ENOTSUP,
			       "--irqchip gicv2: the generated kvmtool DTB models gicv3 and gicv3-its");
	if (dt->ncpus < 1 || dt->ncpus > 16)
		return pv_errf(e, PV_ENOTSUP,
			       "-c %u: the generated kvmtool DTB models 1..16 vCPUs; give --dtb for more",
			       dt->ncpus);
	if (dt->disks > PV_CCA_KVMTOOL_MAX_DISKS)
		return pv_errf(e, PV_ENOTSUP,
			       "--disks %u: the generated kvmtool DTB models at most %u disks; give --dtb",
			       dt->disks, PV_CCA_KVMTOOL_MAX_DISKS);
	if (dt->firmware && dt->initrd_size)
		return pv_errf(e, PV_EINVAL,
			       "--firmware: kvmtool ignores the initrd when it loads a firmware");
	if (!dt->initrd_size && !dt->disks && !dt->nodefaults)
		return pv_errf(e, PV_ENOTSUP,
			       "no initrd and no disk: kvmtool then shares a 9p root filesystem from the host, which the generated DTB does not model; give -i, --disks, --nodefaults or --dtb");
	if (dt->nodefaults || dt->firmware) {
		/* arm/fdt.c setup_fdt: with a firmware, bootargs is -p as
		 * given ("Pass on our amended command line to a Linux kernel
		 * only") */
		ba = dt->cmdline;
	} else {
		/* builtin-run.c kvm_run_set_real_cmdline: 8250 console,
		 * " root=/dev/vda rw " unless -p sets root=, then " " -p */
		size_t n;

		n = (size_t)snprintf(bootargs, sizeof(bootargs), " console=ttyS0%s",
				     dt->cmdline && strstr(dt->cmdline, "root=")
					     ? ""
					     : " root=/dev/vda rw ");
		if (dt->cmdline)
			n = (size_t)snprintf(bootargs + n, sizeof(bootargs) - n,
					     " %s", dt->cmdline) + n;
		if (n >= sizeof(bootargs))
			return pv_errf(e, PV_ETOOBIG,
				       "-p: the kernel command line exceeds kvmtool's 2048 bytes");
		ba = bootargs;
	}
	staging = calloc(1, PV_CCA_KVMTOOL_FDT_MAX);
	if (!staging)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	rc = gen_tree(staging, dt, ba);
	/*
	 * kvmtool opens the finished tree into zeroed guest memory and packs
	 * it there.  fdt_pack moves the strings block down and leaves the
	 * tail of its old copy behind the packed tree (e.g. "-parent\0"):
	 * those bytes are inside the measured 64 KiB window, so do the same.
	 */
	memset(out, 0, PV_CCA_KVMTOOL_FDT_MAX);
	if (rc == 0)
		rc = fdt_open_into(staging, out, PV_CCA_KVMTOOL_FDT_MAX);
	if (rc == 0)
		rc = fdt_pack(out);
	free(staging);
	if (rc < 0)
		return pv_errf(e, rc == -FDT_ERR_NOSPACE ? PV_ETOOBIG : PV_EINVAL,
			       "generating the DTB: libfdt: %s", fdt_strerror(rc));
	return 0;
}

int pv_cca_dtb_check(const uint8_t *buf, size_t len, const char *what,
		     struct pv_err *e)
{
	int rc;

	if (len < sizeof(struct fdt_header))
		return pv_errf(e, PV_EFORMAT,
			       "%s: %zu bytes, too short for a DTB header (40 bytes)",
			       what, len);
	if (pv_be32(buf) != FDT_MAGIC)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x0: bad magic 0x%08x, expected 0x%08x (a flattened device tree)",
			       what, pv_be32(buf), FDT_MAGIC);
	if (pv_be32(buf + 4) > len)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x4: totalsize %u exceeds the file's %zu bytes",
			       what, pv_be32(buf + 4), len);
	if ((uintptr_t)buf & 7) {
		/* libfdt wants an 8-byte aligned tree */
		void *copy = malloc(pv_be32(buf + 4) ? pv_be32(buf + 4) : 1);

		if (!copy)
			return pv_errf(e, PV_ENOMEM, "%s: out of memory", what);
		memcpy(copy, buf, pv_be32(buf + 4));
		rc = fdt_check_full(copy, pv_be32(buf + 4));
		free(copy);
	} else {
		rc = fdt_check_full(buf, pv_be32(buf + 4));
	}
	if (rc < 0)
		return pv_errf(e, PV_EFORMAT, "%s: not a valid DTB: libfdt: %s",
			       what, fdt_strerror(rc));
	return 0;
}
