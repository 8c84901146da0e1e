/* SPDX-License-Identifier: Apache-2.0 */
/* err.c - error codes, messages and their formatting. */
#include "core/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const messages[] = {
	[0] = "success",
	[-PV_EINVAL] = "invalid argument",
	[-PV_EFORMAT] = "malformed input",
	[-PV_ERANGE] = "value out of range",
	[-PV_ENOMEM] = "out of memory",
	[-PV_EIO] = "input/output error",
	[-PV_ENOTSUP] = "not supported",
	[-PV_EVERIFY] = "verification failed",
	[-PV_ECRYPTO] = "cryptographic library failure",
	[-PV_ETOOBIG] = "input too large",
};

const char *pv_strerror(int code)
{
	if (code > 0 || (size_t)-code >= sizeof(messages) / sizeof(messages[0]))
		return "unknown error";
	return messages[-code];
}

/*
 * Copy @src into @dst (of @size bytes, NUL-terminated) with every control
 * byte (below 0x20, and 0x7f) written as \n, \t, \r or \xNN, so that a
 * message is one line whatever a path or a JSON key holds.  A backslash
 * is kept as it is, so escaping an escaped message changes nothing; an
 * escape is never cut in half at the end of @dst.
 */
static void escape(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (; *src; src++) {
		unsigned char c = (unsigned char)*src;
		char esc[4];
		size_t k = 0;

		if (c >= 0x20 && c != 0x7f) {
			esc[k++] = (char)c;
		} else {
			esc[k++] = '\\';
			if (c == '\n') {
				esc[k++] = 'n';
			} else if (c == '\t') {
				esc[k++] = 't';
			} else if (c == '\r') {
				esc[k++] = 'r';
			} else {
				esc[k++] = 'x';
				esc[k++] = hex[c >> 4];
				esc[k++] = hex[c & 15];
			}
		}
		if (n + k >= size)
			break;
		memcpy(dst + n, esc, k);
		n += k;
	}
	dst[n] = '\0';
}

__attribute__((format(printf, 3, 0)))
static void vrecord(struct pv_err *e, int code, const char *fmt, va_list ap)
{
	char raw[PV_ERR_MSG_MAX];
	int n;

	e->code = code;
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	if (n < 0)
		snprintf(raw, sizeof(raw), "%s", pv_strerror(code));
	escape(e->msg, sizeof(e->msg), raw);
}

int pv_errf(struct pv_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	va_start(ap, fmt);
	vrecord(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int pv_err_errno(struct pv_err *e, int errnum, const char *fmt, ...)
{
	int code = errnum == ENOMEM ? PV_ENOMEM : PV_EIO;
	size_t len;
	va_list ap;

	if (!e)
		return code;
	va_start(ap, fmt);
	vrecord(e, code, fmt, ap);
	va_end(ap);
	len = strlen(e->msg);
	snprintf(e->msg + len, sizeof(e->msg) - len, ": %s", strerror(errnum));
	return code;
}

int pv_err_prefix(struct pv_err *e, const char *fmt, ...)
{
	char old[PV_ERR_MSG_MAX], raw[PV_ERR_MSG_MAX];
	size_t n, left;
	va_list ap;
	int w;

	if (!e)
		return PV_EINVAL;
	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	w = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (w < 0)
		raw[0] = '\0';
	escape(e->msg, sizeof(e->msg), raw);
	/* "PREFIX: OLD", cut to fit */
	n = strlen(e->msg);
	left = sizeof(e->msg) - n;
	if (left > 2) {
		memcpy(e->msg + n, ": ", 2);
		n += 2;
		left -= 2;
		w = (int)strnlen(old, left - 1);
		memcpy(e->msg + n, old, (size_t)w);
		e->msg[n + (size_t)w] = '\0';
	}
	return e->code;
}

void pv_err_clear(struct pv_err *e)
{
	if (!e)
		return;
	e->code = PV_OK;
	e->msg[0] = '\0';
}
