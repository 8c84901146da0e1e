/* SPDX-License-Identifier: Apache-2.0 */
/* opts.c - what the option tables of `measure` share (opts.h). */
#include "opts.h"

#include <string.h>

#include "core/err.h"

int m_lib_value(int rc, const char *opt, struct pv_err *e)
{
	size_t n = strlen(opt);

	if (!rc)
		return 0;
	/* "--opt: MSG" and "--opt VALUE: MSG" become "MSG", "VALUE: MSG" */
	if (strncmp(e->msg, opt, n) == 0 && (e->msg[n] == ':' || e->msg[n] == ' ')) {
		n += e->msg[n] == ':' ? 2 : 1;
		if (n > strlen(e->msg))
			n = strlen(e->msg);
		memmove(e->msg, e->msg + n, strlen(e->msg + n) + 1);
	}
	return rc;
}
