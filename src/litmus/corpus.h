/* SPDX-License-Identifier: MIT */
/*
 * litmus/corpus.h - the .litmus files under a path, for `faultline test`,
 * `faultline bench` and the unit tests that walk the whole corpus.
 */
#ifndef FL_LITMUS_CORPUS_H
#define FL_LITMUS_CORPUS_H

#define FL_LITMUS_MAX_FILES 512

/*
 * Append the .litmus files under @path (recursively; @path itself if it is
 * a file) to @out[*n...], each directory's entries sorted, strdup'ed.
 * Returns 0, or -1 (message on stderr) when @path cannot be read or there
 * are more than FL_LITMUS_MAX_FILES.
 */
int fl_litmus_collect(const char *path, char **out, int *n);

#endif
