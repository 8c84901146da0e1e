/* SPDX-License-Identifier: Apache-2.0 */
/* parse.c - strict parsing of numbers and sizes. */
#include "core/parse.h"
#include "core/bytes.h"
#include "core/err.h"

#include <string.h>

/* Digits of s in base, stopping at the first non-digit: *end. */
static int digits(const char *s, unsigned base, uint64_t *v, const char **end)
{
	uint64_t acc = 0;
	const char *p = s;

	for (; *p; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		if (!pv_mul_u64(acc, base, &acc) || !pv_add_u64(acc, d, &acc))
			return PV_ERANGE;
	}
	if (p == s)
		return PV_EFORMAT;
	*v = acc;
	*end = p;
	return 0;
}

static int number(const char *s, uint64_t *v, const char **end,
		  const char *what, struct pv_err *e)
{
	const char *text = s;
	unsigned base = 10;
	int r;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	r = digits(s, base, v, end);
	if (r == PV_ERANGE)
		return pv_errf(e, r, "%s: number too large", what);
	if (r)
		return pv_errf(e, r, "%s: '%s': expected a whole number", what,
			       text);
	return 0;
}

int pv_parse_u64(const char *s, uint64_t max, uint64_t *v, const char *what,
		 struct pv_err *e)
{
	const char *end;
	uint64_t n;
	int r;

	r = number(s, &n, &end, what, e);
	if (r)
		return r;
	if (*end)
		return pv_errf(e, PV_EFORMAT,
			       "%s: unexpected '%s' after the number", what, end);
	if (n > max)
		return pv_errf(e, PV_ERANGE, "%s: %llu is more than %llu", what,
			       (unsigned long long)n, (unsigned long long)max);
	*v = n;
	return 0;
}

int pv_parse_size(const char *s, uint64_t unit, uint64_t *v, const char *what,
		  struct pv_err *e)
{
	static const char suffixes[] = "KMGT";
	const char *end, *pos;
	uint64_t n, mult = unit;
	int r;

	r = number(s, &n, &end, what, e);
	if (r)
		return r;
	if (*end) {
		pos = strchr(suffixes, end[0] & ~0x20);
		if (!pos || *pos == '\0')
			return pv_errf(e, PV_EFORMAT,
				       "%s: unknown size suffix '%s' (use K, M, G or T)",
				       what, end);
		mult = (uint64_t)1 << (10 * (pos - suffixes + 1));
		end++;
		if (strcmp(end, "") && strcmp(end, "iB") && strcmp(end, "B"))
			return pv_errf(e, PV_EFORMAT,
				       "%s: unexpected '%s' after the size", what, end);
	}
	if (!pv_mul_u64(n, mult, &n))
		return pv_errf(e, PV_ERANGE, "%s: size too large", what);
	*v = n;
	return 0;
}
