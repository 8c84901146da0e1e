/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replay.c - run a fuzz target over saved inputs, without libFuzzer.
 *
 * Usage: replay_NAME PATH...  (files, or folders whose files are run in
 * name order).  Prints TAP: one "ok" per input.  A crash, a sanitizer
 * report or a non-zero return from the target fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/err.h"
#include "core/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned count;

static int run_file(const char *path)
{
	struct pv_err e = { 0 };
	struct pv_map m;
	uint8_t *copy;
	int r;

	if (pv_map_file(path, 64u << 20, &m, &e)) {
		printf("not ok %u - %s: %s\n", ++count, path, e.msg);
		return 1;
	}
	/* A private heap copy, so reads past the end are seen by ASan. */
	copy = malloc(m.len ? m.len : 1);
	if (!copy) {
		pv_unmap(&m);
		return 1;
	}
	memcpy(copy, m.data, m.len);
	pv_unmap(&m);
	fflush(stdout);
	r = LLVMFuzzerTestOneInput(copy, m.len);
	free(copy);
	printf("%sok %u - %s\n", r ? "not " : "", ++count, path);
	return r != 0;
}

static int run_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	int n, i, failed = 0;

	if (stat(path, &st) < 0) {
		printf("not ok %u - %s: cannot stat\n", ++count, path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		printf("not ok %u - %s: cannot list\n", ++count, path);
		return 1;
	}
	for (i = 0; i < n; i++) {
		char full[4096];

		if (names[i]->d_name[0] != '.' &&
		    snprintf(full, sizeof(full), "%s/%s", path,
			     names[i]->d_name) < (int)sizeof(full))
			failed |= run_file(full);
		free(names[i]);
	}
	free(names);
	return failed;
}

int main(int argc, char **argv)
{
	int i, failed = 0;

	for (i = 1; i < argc; i++)
		failed |= run_path(argv[i]);
	if (count == 0) {
		printf("not ok 1 - no inputs to replay\n");
		count = 1;
		failed = 1;
	}
	printf("1..%u\n", count);
	return failed;
}
