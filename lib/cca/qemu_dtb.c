/* SPDX-License-Identifier: Apache-2.0 */
/*
 * qemu_dtb.c - the device tree QEMU's "virt" board generates for
 * `-M virt,gic-version=G[,its=off],dtb-randomness=off -cpu max -accel tcg
 * -m MEM -smp N [-kernel K -initrd I -append CMDLINE]` (cca-rim.md §6.2,
 * §6.3), byte for byte as `-machine dumpdtb=FILE` writes it.
 *
 * QEMU builds its tree in a 1 MiB buffer with libfdt's read-write API
 * (fdt_create/fdt_finish of an empty root, then fdt_open_into in place),
 * adding nodes and properties in the order the board code runs: board
 * setup (hw/arm/virt.c machvirt_init), the platform bus, then the boot
 * code (hw/arm/boot.c arm_load_dtb: /memory, /chosen, /psci).  It never
 * packs the tree, so the whole 1 MiB buffer is the blob QEMU loads (and a
 * realm measures).  The read-write API is order sensitive: fdt_add_subnode
 * inserts a node before its parent's existing subnodes, a new property
 * goes before the node's existing properties, and the strings block grows
 * in first-use order.  So this file replays the same libfdt calls in the
 * same order; the tests compare the result with QEMU's own dumps.
 *
 * dtb-randomness=off: otherwise QEMU writes a random kaslr-seed and
 * rng-seed into /chosen.  The Linaro CCA branches turn it off for
 * confidential guests ("hw/arm/virt: Disable DTB randomness for
 * confidential VMs", v2 06/22 of J-P. Brucker's 2024-04-19 RME series).
 *
 * dt->realm: the tree of the same board as a realm under KVM with
 * `-object rme-guest` (cca-rim.md §6.4): KVM's CPU compatible, no /flash,
 * /pmu only with -cpu host,pmu=on, PSCI over SMC, and no 64-bit PCI window
 * when the host's IPA limit leaves it out.  The board part is checked
 * against dumps of the CCA v3 QEMU under TCG (dt->realm_tcg,
 * tests/kat/cca/qemu-realm-dtb.txt); KVM's CPU string is read from its
 * source.
 *
 * Facts per QEMU version (read from the sources Debian ships, not copied):
 *   7.2  (Debian 12, 1:7.2+dfsg-7+deb12u18)
 *   10.0 (Debian 13, 1:10.0.13+ds-0+deb13u1): adds /aliases with serial0,
 *        and the differences noted where they occur below.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cca/realm.h"
#include "core/bytes.h"
#include "core/err.h"

/* hw/arm/virt.c base_memmap and a15irqmap (the low memory map) */
#define VIRT_FLASH 0x00000000ull
#define VIRT_FLASH_SIZE 0x08000000ull
#define VIRT_GIC_DIST 0x08000000ull
#define VIRT_GIC_CPU 0x08010000ull
#define VIRT_GIC_V2M 0x08020000ull
#define VIRT_GIC_ITS 0x08080000ull
#define VIRT_GIC_ITS_SIZE 0x00020000ull
#define VIRT_GIC_REDIST 0x080a0000ull
#define VIRT_GIC_REDIST_SIZE 0x00f60000ull
#define VIRT_UART 0x09000000ull
#define VIRT_RTC 0x09010000ull
#define VIRT_FW_CFG 0x09020000ull
#define VIRT_FW_CFG_SIZE 0x18ull
#define VIRT_GPIO 0x09030000ull
#define VIRT_MMIO 0x0a000000ull
#define VIRT_MMIO_SIZE 0x200ull
#define VIRT_PLATFORM_BUS 0x0c000000ull
#define VIRT_PLATFORM_BUS_SIZE 0x02000000ull
#define VIRT_PCIE_MMIO 0x10000000ull
#define VIRT_PCIE_MMIO_SIZE 0x2eff0000ull
#define VIRT_PCIE_PIO 0x3eff0000ull
#define VIRT_PCIE_PIO_SIZE 0x00010000ull
#define VIRT_PCIE_ECAM 0x3f000000ull
#define VIRT_PCIE_ECAM_SIZE 0x01000000ull
#define VIRT_MEM 0x40000000ull
#define PRIMECELL_SIZE 0x1000ull
#define NUM_VIRTIO_TRANSPORTS 32
#define GICV3_REDIST_SIZE 0x20000ull

/* extended_memmap: the high IO regions above RAM, from 256 GiB */
#define HIGH_IO_BASE (256ull << 30)
#define HIGH_GIC_REDIST2_SIZE (64ull << 20)
#define HIGH_PCIE_ECAM_SIZE (256ull << 20)
#define HIGH_PCIE_MMIO_SIZE (512ull << 30)

#define IRQ_UART 1u
#define IRQ_RTC 2u
#define IRQ_PCIE 3u /* .. 6 */
#define IRQ_GPIO 7u
#define IRQ_MMIO 16u
#define IRQ_V2M 48u

/* GIC binding: interrupt types and flags */
#define IRQ_TYPE_SPI 0u
#define IRQ_TYPE_PPI 1u
#define IRQ_EDGE_LO_HI 1u
#define IRQ_LEVEL_HI 4u
#define PPI_CPU_SHIFT 8u

/* PPIs: secure/non-secure EL1, virtual, non-secure EL2 timers; PMU */
#define PPI_TIMER_S_EL1 13u
#define PPI_TIMER_NS_EL1 14u
#define PPI_TIMER_VIRT 11u
#define PPI_TIMER_NS_EL2 10u
#define PPI_PMU 7u

/* PSCI 0.2 function IDs (SMC64 where there are two) */
#define PSCI_FN64_CPU_SUSPEND 0xc4000001u
#define PSCI_FN_CPU_OFF 0x84000002u
#define PSCI_FN64_CPU_ON 0xc4000003u
#define PSCI_FN64_MIGRATE 0xc4000005u

#define KEY_POWER 116u
#define PHANDLE_START 0x8000u /* device_tree.c qemu_fdt_alloc_phandle */

/* the buffer QEMU's create_device_tree allocates (FDT_MAX_SIZE) */
_Static_assert(PV_CCA_QEMU_FDT_SIZE == 0x100000u, "QEMU's FDT_MAX_SIZE");

struct gen {
	void *fdt;
	const struct pv_cca_qemu_dt *dt;
	uint32_t next_phandle;
	uint32_t clock, gic, msi; /* phandles */
	int rc;
};

/*
 * Path-based helpers, as the board code addresses nodes.  An error is
 * kept in g->rc and makes every later call a no-op.
 */
static int node_of(struct gen *g, const char *path)
{
	int off;

	if (g->rc < 0)
		return -1;
	off = fdt_path_offset(g->fdt, path);
	if (off < 0)
		g->rc = off;
	return off;
}

static void add_node(struct gen *g, const char *path)
{
	char parent[128];
	const char *slash = strrchr(path, '/');
	size_t plen = (size_t)(slash - path);
	int off = 0, rc;

	if (g->rc < 0)
		return;
	if (plen) {
		if (plen >= sizeof(parent)) {
			g->rc = -FDT_ERR_BADPATH;
			return;
		}
		memcpy(parent, path, plen);
		parent[plen] = 0;
		off = node_of(g, parent);
		if (off < 0)
			return;
	}
	rc = fdt_add_subnode(g->fdt, off, slash + 1);
	if (rc < 0)
		g->rc = rc;
}

/* every missing node along @path, parents first */
static void add_path(struct gen *g, const char *path)
{
	const char *name = path, *end;
	int parent = 0, off;

	while (g->rc >= 0 && *name == '/') {
		name++;
		end = strchr(name, '/');
		if (!end)
			end = name + strlen(name);
		off = fdt_subnode_offset_namelen(g->fdt, parent, name,
						 (int)(end - name));
		if (off == -FDT_ERR_NOTFOUND)
			off = fdt_add_subnode_namelen(g->fdt, parent, name,
						      (int)(end - name));
		if (off < 0) {
			g->rc = off;
			return;
		}
		parent = off;
		name = end;
	}
}

static void prop(struct gen *g, const char *path, const char *name,
		 const void *val, size_t len)
{
	int off = node_of(g, path), rc;

	if (off < 0)
		return;
	rc = fdt_setprop(g->fdt, off, name, val, (int)len);
	if (rc < 0)
		g->rc = rc;
}

static void prop_str(struct gen *g, const char *path, const char *name,
		     const char *s)
{
	prop(g, path, name, s, strlen(s) + 1);
}

static void prop_cells(struct gen *g, const char *path, const char *name,
		       const uint32_t *v, unsigned n)
{
	uint8_t buf[4 * 160];
	unsigned i;

	if (n > 160) {
		g->rc = -FDT_ERR_INTERNAL;
		return;
	}
	for (i = 0; i < n; i++)
		pv_put_be32(buf + 4 * i, v[i]);
	prop(g, path, name, buf, 4 * (size_t)n);
}

static void prop_cell(struct gen *g, const char *path, const char *name,
		      uint32_t v)
{
	prop_cells(g, path, name, &v, 1);
}

/* 64-bit (address, size) pairs: two cells each */
static void prop_u64s(struct gen *g, const char *path, const char *name,
		      const uint64_t *v, unsigned n)
{
	uint8_t buf[8 * 16];
	unsigned i;

	if (n > 16) {
		g->rc = -FDT_ERR_INTERNAL;
		return;
	}
	for (i = 0; i < n; i++)
		pv_put_be64(buf + 8 * i, v[i]);
	prop(g, path, name, buf, 8 * (size_t)n);
}

static void prop_reg(struct gen *g, const char *path, uint64_t base,
		     uint64_t size)
{
	uint64_t r[2] = { base, size };

	prop_u64s(g, path, "reg", r, 2);
}

static void prop_irq(struct gen *g, const char *path, uint32_t type,
		     uint32_t nr, uint32_t flags)
{
	uint32_t v[3] = { type, nr, flags };

	prop_cells(g, path, "interrupts", v, 3);
}

static uint32_t phandle_of(struct gen *g, const char *path)
{
	int off = node_of(g, path);

	return off < 0 ? 0 : fdt_get_phandle(g->fdt, off);
}

static bool gicv2(const struct pv_cca_qemu_dt *dt)
{
	return dt->irqchip == PV_CCA_GICV2;
}

/* a realm's KVM vCPUs, rather than TCG's -cpu max */
static bool kvm(const struct pv_cca_qemu_dt *dt)
{
	return dt->realm && !dt->realm_tcg;
}

/* GICv2 PPIs carry a mask of the CPUs they go to */
static uint32_t ppi_flags(const struct pv_cca_qemu_dt *dt)
{
	if (!gicv2(dt))
		return IRQ_LEVEL_HI;
	return IRQ_LEVEL_HI | ((1u << dt->ncpus) - 1) << PPI_CPU_SHIFT;
}

/* KVM and TCG lay CPUs out 16 to an Aff1 cluster on GICv3, 8 on GICv2 */
static uint32_t mpidr(const struct pv_cca_qemu_dt *dt, unsigned cpu)
{
	unsigned per = gicv2(dt) ? 8 : 16;

	return (cpu % per) | (cpu / per) << 8;
}

static void gen_root(struct gen *g)
{
	static const char clk[] = "/apb-pclk";

	prop_str(g, "/", "compatible", "linux,dummy-virt");
	prop_cell(g, "/", "#address-cells", 2);
	prop_cell(g, "/", "#size-cells", 2);
	prop_str(g, "/", "model", "linux,dummy-virt");
	if (g->dt->version == PV_CCA_QEMU_10_0)
		prop(g, "/", "dma-coherent", NULL, 0); /* all DMA is coherent */
	add_node(g, "/chosen");
	if (g->dt->version == PV_CCA_QEMU_10_0)
		add_node(g, "/aliases");
	g->clock = g->next_phandle++;
	add_node(g, clk);
	prop_str(g, clk, "compatible", "fixed-clock");
	prop_cell(g, clk, "#clock-cells", 0);
	prop_cell(g, clk, "clock-frequency", 24000000);
	prop_str(g, clk, "clock-output-names", "clk24mhz");
	prop_cell(g, clk, "phandle", g->clock);
}

static void gen_timer(struct gen *g)
{
	static const char compat[] = "arm,armv8-timer\0arm,armv7-timer";
	uint32_t f = ppi_flags(g->dt);
	uint32_t irqs[12] = {
		IRQ_TYPE_PPI, PPI_TIMER_S_EL1, f,
		IRQ_TYPE_PPI, PPI_TIMER_NS_EL1, f,
		IRQ_TYPE_PPI, PPI_TIMER_VIRT, f,
		IRQ_TYPE_PPI, PPI_TIMER_NS_EL2, f,
	};

	add_node(g, "/timer");
	prop(g, "/timer", "compatible", compat, sizeof(compat));
	prop(g, "/timer", "always-on", NULL, 0);
	prop_cells(g, "/timer", "interrupts", irqs, 12);
}

static void gen_cpus(struct gen *g)
{
	const struct pv_cca_qemu_dt *dt = g->dt;
	char path[96], cpu_path[32];
	unsigned cpu;

	add_node(g, "/cpus");
	prop_cell(g, "/cpus", "#address-cells", 1);
	prop_cell(g, "/cpus", "#size-cells", 0);
	for (cpu = dt->ncpus; cpu-- > 0;) {
		snprintf(path, sizeof(path), "/cpus/cpu@%u", cpu);
		add_node(g, path);
		prop_str(g, path, "device_type", "cpu");
		/* -cpu max starts from the Cortex-A57 model under TCG;
		 * KVM's host CPU says only ARMv8 (target/arm/kvm.c) */
		prop_str(g, path, "compatible",
			 kvm(dt) ? "arm,arm-v8" : "arm,cortex-a57");
		if (dt->ncpus > 1)
			prop_str(g, path, "enable-method", "psci");
		prop_cell(g, path, "reg", mpidr(dt, cpu));
		prop_cell(g, path, "phandle", g->next_phandle++);
	}
	/* -smp N: one socket, one cluster, N cores, one thread each */
	add_node(g, "/cpus/cpu-map");
	for (cpu = dt->ncpus; cpu-- > 0;) {
		snprintf(path, sizeof(path),
			 "/cpus/cpu-map/socket0/cluster0/core%u", cpu);
		snprintf(cpu_path, sizeof(cpu_path), "/cpus/cpu@%u", cpu);
		add_path(g, path);
		prop_cell(g, path, "cpu", phandle_of(g, cpu_path));
	}
}

static void gen_flash(struct gen *g)
{
	static const char path[] = "/flash@0";
	uint64_t half = VIRT_FLASH_SIZE / 2;
	uint64_t reg[4] = { VIRT_FLASH, half, VIRT_FLASH + half, half };

	add_node(g, path);
	prop_str(g, path, "compatible", "cfi-flash");
	prop_u64s(g, path, "reg", reg, 4);
	prop_cell(g, path, "bank-width", 4);
}

static void gen_gic(struct gen *g)
{
	const struct pv_cca_qemu_dt *dt = g->dt;
	char path[64], sub[96];

	g->gic = g->next_phandle++;
	prop_cell(g, "/", "interrupt-parent", g->gic);
	snprintf(path, sizeof(path), "/intc@%llx",
		 (unsigned long long)VIRT_GIC_DIST);
	add_node(g, path);
	prop_cell(g, path, "#interrupt-cells", 3);
	prop(g, path, "interrupt-controller", NULL, 0);
	prop_cell(g, path, "#address-cells", 2);
	prop_cell(g, path, "#size-cells", 2);
	prop(g, path, "ranges", NULL, 0);
	if (!gicv2(dt)) {
		uint64_t reg[4] = { VIRT_GIC_DIST, 0x10000, VIRT_GIC_REDIST,
				    VIRT_GIC_REDIST_SIZE };

		prop_str(g, path, "compatible", "arm,gic-v3");
		prop_cell(g, path, "#redistributor-regions", 1);
		prop_u64s(g, path, "reg", reg, 4);
	} else {
		uint64_t reg[4] = { VIRT_GIC_DIST, 0x10000, VIRT_GIC_CPU,
				    0x10000 };

		prop_str(g, path, "compatible", "arm,cortex-a15-gic");
		prop_u64s(g, path, "reg", reg, 4);
	}
	prop_cell(g, path, "phandle", g->gic);

	if (dt->irqchip == PV_CCA_GICV3_ITS) {
		g->msi = g->next_phandle++;
		/* the board code names the parent "/intc" */
		snprintf(sub, sizeof(sub), "/intc/its@%llx",
			 (unsigned long long)VIRT_GIC_ITS);
		add_node(g, sub);
		prop_str(g, sub, "compatible", "arm,gic-v3-its");
		prop(g, sub, "msi-controller", NULL, 0);
		prop_cell(g, sub, "#msi-cells", 1);
		prop_reg(g, sub, VIRT_GIC_ITS, VIRT_GIC_ITS_SIZE);
		prop_cell(g, sub, "phandle", g->msi);
	} else if (gicv2(dt)) {
		snprintf(sub, sizeof(sub), "/intc/v2m@%llx",
			 (unsigned long long)VIRT_GIC_V2M);
		g->msi = g->next_phandle++;
		add_node(g, sub);
		prop_str(g, sub, "compatible", "arm,gic-v2m-frame");
		prop(g, sub, "msi-controller", NULL, 0);
		prop_reg(g, sub, VIRT_GIC_V2M, PRIMECELL_SIZE);
		prop_cell(g, sub, "phandle", g->msi);
	}
}

static void gen_pmu(struct gen *g)
{
	static const char compat[] = "arm,armv8-pmuv3";

	add_node(g, "/pmu");
	prop(g, "/pmu", "compatible", compat, sizeof(compat));
	prop_irq(g, "/pmu", IRQ_TYPE_PPI, PPI_PMU, ppi_flags(g->dt));
}

static void gen_uart_rtc(struct gen *g)
{
	static const char uart_compat[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	static const char rtc_compat[] = "arm,pl031\0arm,primecell";
	uint32_t clocks[2] = { g->clock, g->clock };
	char path[32];

	snprintf(path, sizeof(path), "/pl011@%llx",
		 (unsigned long long)VIRT_UART);
	add_node(g, path);
	prop(g, path, "compatible", uart_compat, sizeof(uart_compat));
	prop_reg(g, path, VIRT_UART, PRIMECELL_SIZE);
	prop_irq(g, path, IRQ_TYPE_SPI, IRQ_UART, IRQ_LEVEL_HI);
	prop_cells(g, path, "clocks", clocks, 2);
	prop(g, path, "clock-names", clock_names, sizeof(clock_names));
	prop_str(g, "/chosen", "stdout-path", path);
	if (g->dt->version == PV_CCA_QEMU_10_0)
		prop_str(g, "/aliases", "serial0", path);

	snprintf(path, sizeof(path), "/pl031@%llx",
		 (unsigned long long)VIRT_RTC);
	add_node(g, path);
	prop(g, path, "compatible", rtc_compat, sizeof(rtc_compat));
	prop_reg(g, path, VIRT_RTC, PRIMECELL_SIZE);
	prop_irq(g, path, IRQ_TYPE_SPI, IRQ_RTC, IRQ_LEVEL_HI);
	prop_cell(g, path, "clocks", g->clock);
	prop_str(g, path, "clock-names", "apb_pclk");
}

static void gen_pcie(struct gen *g)
{
	static const char path[] = "/pcie@10000000";
	uint64_t ecam = HIGH_IO_BASE + HIGH_GIC_REDIST2_SIZE; /* aligned */
	uint64_t mmio_high = 2 * HIGH_IO_BASE; /* 512 GiB aligned */
	uint32_t bus_range[2] = { 0, 0 }, msi_map[4] = { 0, g->msi, 0, 0x10000 };
	uint32_t ranges[21], map[4 * 4 * 10], mask[4] = { 0x1800, 0, 0, 7 };
	/* a realm's 40-bit s2sz: the window at 512 GiB did not fit (what
	 * highmem-mmio=off gives, the way the tests' oracle runs it) */
	bool mmio64 = !(g->dt->realm && g->dt->ipa_bits == 40);
	unsigned i = 0, dev, pin;

	/* the high ECAM: 256 MiB at 256 GiB + 256 MiB (256 MiB aligned) */
	ecam = (ecam + HIGH_PCIE_ECAM_SIZE - 1) & ~(HIGH_PCIE_ECAM_SIZE - 1);
	bus_range[1] = (uint32_t)(HIGH_PCIE_ECAM_SIZE >> 20) - 1;

	add_node(g, path);
	prop_str(g, path, "compatible", "pci-host-ecam-generic");
	prop_str(g, path, "device_type", "pci");
	prop_cell(g, path, "#address-cells", 3);
	prop_cell(g, path, "#size-cells", 2);
	prop_cell(g, path, "linux,pci-domain", 0);
	prop_cells(g, path, "bus-range", bus_range, 2);
	prop(g, path, "dma-coherent", NULL, 0);
	if (g->msi)
		prop_cells(g, path, "msi-map", msi_map, 4);
	prop_reg(g, path, ecam, HIGH_PCIE_ECAM_SIZE);

	/* (space, pci address, cpu address, size): IO, MMIO, 64-bit MMIO */
#define RANGE(sp, pci, cpu, sz)                                          \
	do {                                                             \
		ranges[i++] = (sp);                                      \
		ranges[i++] = (uint32_t)((uint64_t)(pci) >> 32);         \
		ranges[i++] = (uint32_t)(pci);                           \
		ranges[i++] = (uint32_t)((uint64_t)(cpu) >> 32);         \
		ranges[i++] = (uint32_t)(cpu);                           \
		ranges[i++] = (uint32_t)((uint64_t)(sz) >> 32);          \
		ranges[i++] = (uint32_t)(sz);                            \
	} while (0)
	RANGE(1u << 24, 0, VIRT_PCIE_PIO, VIRT_PCIE_PIO_SIZE);
	RANGE(2u << 24, VIRT_PCIE_MMIO, VIRT_PCIE_MMIO, VIRT_PCIE_MMIO_SIZE);
	if (mmio64)
		RANGE(3u << 24, mmio_high, mmio_high, HIGH_PCIE_MMIO_SIZE);
#undef RANGE
	prop_cells(g, path, "ranges", ranges, i);
	prop_cell(g, path, "#interrupt-cells", 1);

	/* INTx of slots 0..3 swizzled onto SPIs 3..6 */
	i = 0;
	for (dev = 0; dev < 4; dev++) {
		for (pin = 0; pin < 4; pin++) {
			map[i++] = dev << 11;
			map[i++] = 0;
			map[i++] = 0;
			map[i++] = pin + 1;
			map[i++] = g->gic;
			map[i++] = 0;
			map[i++] = 0;
			map[i++] = IRQ_TYPE_SPI;
			map[i++] = IRQ_PCIE + (pin + dev) % 4;
			map[i++] = IRQ_LEVEL_HI;
		}
	}
	prop_cells(g, path, "interrupt-map", map, i);
	prop_cells(g, path, "interrupt-map-mask", mask, 4);
}

static void gen_gpio(struct gen *g)
{
	static const char compat[] = "arm,pl061\0arm,primecell";
	static const char path[] = "/pl061@9030000";
	static const char key[] = "/gpio-keys/poweroff";
	uint32_t ph = g->next_phandle++;
	uint32_t gpios[3] = { ph, 3, 0 };

	add_node(g, path);
	prop_reg(g, path, VIRT_GPIO, PRIMECELL_SIZE);
	prop(g, path, "compatible", compat, sizeof(compat));
	prop_cell(g, path, "#gpio-cells", 2);
	prop(g, path, "gpio-controller", NULL, 0);
	prop_irq(g, path, IRQ_TYPE_SPI, IRQ_GPIO, IRQ_LEVEL_HI);
	prop_cell(g, path, "clocks", g->clock);
	prop_str(g, path, "clock-names", "apb_pclk");
	prop_cell(g, path, "phandle", ph);

	add_node(g, "/gpio-keys");
	prop_str(g, "/gpio-keys", "compatible", "gpio-keys");
	add_node(g, key);
	prop_str(g, key, "label", "GPIO Key Poweroff");
	prop_cell(g, key, "linux,code", KEY_POWER);
	prop_cells(g, key, "gpios", gpios, 3);
}

static void gen_virtio_fwcfg(struct gen *g)
{
	char path[40];
	int i;

	/* added highest first, so they read lowest address first */
	for (i = NUM_VIRTIO_TRANSPORTS - 1; i >= 0; i--) {
		uint64_t base = VIRT_MMIO + (uint64_t)i * VIRT_MMIO_SIZE;

		snprintf(path, sizeof(path), "/virtio_mmio@%llx",
			 (unsigned long long)base);
		add_node(g, path);
		prop_str(g, path, "compatible", "virtio,mmio");
		prop_reg(g, path, base, VIRT_MMIO_SIZE);
		prop_irq(g, path, IRQ_TYPE_SPI, IRQ_MMIO + (uint32_t)i,
			 IRQ_EDGE_LO_HI);
		prop(g, path, "dma-coherent", NULL, 0);
	}
	snprintf(path, sizeof(path), "/fw-cfg@%llx",
		 (unsigned long long)VIRT_FW_CFG);
	add_node(g, path);
	prop_str(g, path, "compatible", "qemu,fw-cfg-mmio");
	prop_reg(g, path, VIRT_FW_CFG, VIRT_FW_CFG_SIZE);
	prop(g, path, "dma-coherent", NULL, 0);
}

/* hw/core/sysbus-fdt.c: the (empty) dynamic platform bus */
static void gen_platform_bus(struct gen *g)
{
	static const char compat[] = "qemu,platform\0simple-bus";
	static const char path[] = "/platform-bus@c000000";
	uint32_t one = 1;
	uint32_t ranges[4] = { 0, 0, (uint32_t)VIRT_PLATFORM_BUS,
			       (uint32_t)VIRT_PLATFORM_BUS_SIZE };

	add_node(g, path);
	prop(g, path, "compatible", compat, sizeof(compat));
	prop_cells(g, path, "#size-cells", &one, 1);
	prop_cells(g, path, "#address-cells", &one, 1);
	prop_cells(g, path, "ranges", ranges, 4);
	prop_cell(g, path, "interrupt-parent", phandle_of(g, "/intc"));
}

/* hw/arm/boot.c arm_load_dtb */
static void gen_boot(struct gen *g)
{
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	const struct pv_cca_qemu_dt *dt = g->dt;
	char path[40];

	snprintf(path, sizeof(path), "/memory@%llx",
		 (unsigned long long)VIRT_MEM);
	add_node(g, path);
	prop_str(g, path, "device_type", "memory");
	prop_reg(g, path, VIRT_MEM, dt->ram_size);

	if (dt->cmdline && *dt->cmdline)
		prop_str(g, "/chosen", "bootargs", dt->cmdline);
	if (dt->initrd_size && dt->version == PV_CCA_QEMU_7_2) {
		/* 7.2: one cell each, truncated to 32 bits */
		prop_cell(g, "/chosen", "linux,initrd-start",
			  (uint32_t)dt->initrd_ipa);
		prop_cell(g, "/chosen", "linux,initrd-end",
			  (uint32_t)(dt->initrd_ipa + dt->initrd_size));
	} else if (dt->initrd_size) {
		/* 10.0: #address-cells (2) cells each */
		uint64_t v = dt->initrd_ipa;

		prop_u64s(g, "/chosen", "linux,initrd-start", &v, 1);
		v = dt->initrd_ipa + dt->initrd_size;
		prop_u64s(g, "/chosen", "linux,initrd-end", &v, 1);
	}

	add_node(g, "/psci");
	prop(g, "/psci", "compatible", psci_compat, sizeof(psci_compat));
	/* TCG without EL2/EL3: HVC; realms: SMC, to the RMM */
	prop_str(g, "/psci", "method", dt->realm ? "smc" : "hvc");
	prop_cell(g, "/psci", "cpu_suspend", PSCI_FN64_CPU_SUSPEND);
	prop_cell(g, "/psci", "cpu_off", PSCI_FN_CPU_OFF);
	prop_cell(g, "/psci", "cpu_on", PSCI_FN64_CPU_ON);
	prop_cell(g, "/psci", "migrate", PSCI_FN64_MIGRATE);
}

/* what the realm model covers (cca-rim.md §6.4) */
static int realm_check(const struct pv_cca_qemu_dt *dt, struct pv_err *e)
{
	if (dt->version != PV_CCA_QEMU_10_0)
		return pv_errf(e, PV_ENOTSUP,
			       "--realm: the realm DTB is modelled on QEMU 10.0's tree (the Linaro CCA branches from 9.2 on): use --qemu-version 10.0, or give --dtb");
	if (gicv2(dt))
		return pv_errf(e, PV_ENOTSUP,
			       "--irqchip gicv2: a realm's GIC is GICv3");
	if (dt->ipa_bits != 40 && dt->ipa_bits != 41)
		return pv_errf(e, PV_ENOTSUP,
			       "--ipa-bits %u: QEMU sizes a realm's IPA space from its memory map, 41 bits (40 when the host's limit drops the 64-bit PCI window); give --dtb for another",
			       dt->ipa_bits);
	return 0;
}

int pv_cca_qemu_dtb(const struct pv_cca_qemu_dt *dt,
		    uint8_t out[PV_CCA_QEMU_FDT_SIZE], struct pv_err *e)
{
	struct gen g = { .fdt = out, .dt = dt, .next_phandle = PHANDLE_START };
	unsigned max_cpus = gicv2(dt) ? 8 : 123;
	int rc;

	if (dt->version != PV_CCA_QEMU_7_2 && dt->version != PV_CCA_QEMU_10_0)
		return pv_errf(e, PV_EINVAL, "unknown QEMU version %d",
			       (int)dt->version);
	if (dt->ncpus < 1 || dt->ncpus > max_cpus)
		return pv_errf(e, PV_ENOTSUP,
			       "-c %u: the generated QEMU DTB models 1..%u vCPUs with this GIC; give --dtb for more",
			       dt->ncpus, max_cpus);
	/* RAM must end below the 256 GiB high IO area, as the model assumes */
	if (dt->ram_size == 0 || dt->ram_size > HIGH_IO_BASE - VIRT_MEM - (1ull << 30))
		return pv_errf(e, PV_ENOTSUP,
			       "-m: the generated QEMU DTB models 1 byte .. 254 GiB of RAM; give --dtb");
	if (dt->realm && (rc = realm_check(dt, e)))
		return rc;
	if (dt->cmdline && strlen(dt->cmdline) > 65536)
		return pv_errf(e, PV_ETOOBIG,
			       "-p: a %zu-byte command line is longer than the model allows (64 KiB)",
			       strlen(dt->cmdline));

	/* device_tree.c create_device_tree: an empty root, opened in place */
	memset(out, 0, PV_CCA_QEMU_FDT_SIZE);
	rc = fdt_create(out, PV_CCA_QEMU_FDT_SIZE);
	if (rc == 0)
		rc = fdt_finish_reservemap(out);
	if (rc == 0)
		rc = fdt_begin_node(out, "");
	if (rc == 0)
		rc = fdt_end_node(out);
	if (rc == 0)
		rc = fdt_finish(out);
	if (rc == 0)
		rc = fdt_open_into(out, out, PV_CCA_QEMU_FDT_SIZE);
	g.rc = rc;

	/* hw/arm/virt.c machvirt_init, in its order */
	gen_root(&g);
	gen_timer(&g);
	gen_cpus(&g);
	if (!dt->realm) /* a realm has no flash: firmware goes to RAM */
		gen_flash(&g);
	gen_gic(&g);
	if (!dt->realm || dt->pmu) /* TCG's -cpu max has one unless pmu=off */
		gen_pmu(&g);
	gen_uart_rtc(&g);
	gen_pcie(&g);
	gen_gpio(&g);
	gen_virtio_fwcfg(&g);
	/* virt_machine_done */
	gen_platform_bus(&g);
	gen_boot(&g);
	if (g.rc < 0)
		return pv_errf(e, g.rc == -FDT_ERR_NOSPACE ? PV_ETOOBIG : PV_EINVAL,
			       "generating QEMU's DTB: libfdt: %s",
			       fdt_strerror(g.rc));
	return 0;
}

int pv_cca_qemu_version_from_name(const char *name,
				  enum pv_cca_qemu_version *v,
				  struct pv_err *e)
{
	if (!strcmp(name, "7.2"))
		*v = PV_CCA_QEMU_7_2;
	else if (!strcmp(name, "10.0"))
		*v = PV_CCA_QEMU_10_0;
	else
		return pv_errf(e, PV_EINVAL,
			       "QEMU version %s: the DTB generator knows 7.2 and 10.0",
			       name);
	return 0;
}
