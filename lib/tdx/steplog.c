/* SPDX-License-Identifier: Apache-2.0 */
/*
 * steplog.c - a TDX step as its log line (steplog.h; docs/tdx.md 4).
 */
#include <stdio.h>

#include "core/json.h"
#include "tdx/steplog.h"

json_t *pv_tdx_event_json(unsigned long index, const struct pv_tdx_event *ev)
{
	json_t *o = json_object();
	char gpa[24];

	if (!o)
		return NULL;
	json_object_set_new(o, "index", json_integer((json_int_t)index));
	json_object_set_new(o, "register", json_string(ev->reg));
	json_object_set_new(o, "event", json_string(ev->type));
	json_object_set_new(o, "region", json_string(ev->what));
	if (ev->has_gpa) {
		snprintf(gpa, sizeof(gpa), "0x%llx",
			 (unsigned long long)ev->gpa);
		json_object_set_new(o, "gpa", json_string(gpa));
	}
	json_object_set_new(o, "contents", pv_json_hex(ev->digest,
						       PV_TDX_MR_SIZE));
	json_object_set_new(o, "digest", pv_json_hex(ev->value,
						     PV_TDX_MR_SIZE));
	return o;
}
