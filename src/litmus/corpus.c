/* SPDX-License-Identifier: MIT */
/* litmus/corpus.c - find the .litmus files under a path (see corpus.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "litmus/corpus.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int too_many(const char *path)
{
	fprintf(stderr, "faultline: %s: more than %d .litmus files (FL_LITMUS_MAX_FILES)\n", path,
		FL_LITMUS_MAX_FILES);
	return -1;
}

int fl_litmus_collect(const char *path, char **out, int *n)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int first = *n;

	if (stat(path, &st)) {
		fprintf(stderr, "faultline: %s: cannot open\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (*n == FL_LITMUS_MAX_FILES)
			return too_many(path);
		out[(*n)++] = strdup(path);
		return 0;
	}
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "faultline: %s: cannot open\n", path);
		return -1;
	}
	while ((de = readdir(d))) {
		char sub[1024];
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (stat(sub, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (fl_litmus_collect(sub, out, n)) {
				closedir(d);
				return -1;
			}
		} else if (len > 7 && !strcmp(de->d_name + len - 7, ".litmus")) {
			if (*n == FL_LITMUS_MAX_FILES) {
				closedir(d);
				return too_many(sub);
			}
			out[(*n)++] = strdup(sub);
		}
	}
	closedir(d);
	qsort(out + first, (size_t)(*n - first), sizeof(char *), cmp_str);
	return 0;
}

