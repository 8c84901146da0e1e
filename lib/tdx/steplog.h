/* SPDX-License-Identifier: Apache-2.0 */
/*
 * steplog.h - one JSON line per measured step of a TDX launch (`measure
 * tdx --log`, and the regions of a published TDX value): {"index",
 * "register", "event", "region", "gpa" (MRTD sections), "contents" (the
 * event's digest), "digest" (the register after the step)}.
 */
#ifndef PODVM_TDX_STEPLOG_H
#define PODVM_TDX_STEPLOG_H

#include <jansson.h>

#include "tdx/tdx.h"

/** pv_tdx_event_json - a new object for step @index; NULL when out of
 * memory */
json_t *pv_tdx_event_json(unsigned long index, const struct pv_tdx_event *ev);

#endif
