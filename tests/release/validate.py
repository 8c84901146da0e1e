#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""validate.py SCHEMA DOC: check DOC against the JSON schema SCHEMA (draft
2020-12) with Debian's python3-jsonschema; print each violation with its
path and exit 1 when there is one."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator.check_schema(schema)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc),
                key=lambda e: list(map(str, e.absolute_path)))
for e in errors[:10]:
    where = "/".join(str(p) for p in e.absolute_path) or "(top)"
    print("%s: %s: %s" % (sys.argv[2], where, e.message[:300]))
sys.exit(1 if errors else 0)
