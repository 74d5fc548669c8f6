/* SPDX-License-Identifier: MIT */
/* conform/ddmin.c - delta debugging over op lines (see ddmin.h). */
#include <stdlib.h>
#include <string.h>

#include "conform/ddmin.h"

#define DD_MAX_LINES 256

struct lines {
	int n;
	const char *start[DD_MAX_LINES];
	int len[DD_MAX_LINES];
	bool removable[DD_MAX_LINES];
};

/* False when the text has more lines than DD_MAX_LINES (then it is not shrunk at all). */
static bool split(const char *text, struct lines *l)
{
	const char *p = text;

	l->n = 0;
	while (*p && l->n < DD_MAX_LINES) {
		const char *e = strchr(p, '\n');
		int n = e ? (int)(e - p) + 1 : (int)strlen(p);

		l->start[l->n] = p;
		l->len[l->n] = n;
		l->removable[l->n] = n >= 2 && p[0] == ' ' && p[1] == ' ';
		l->n++;
		p += n;
	}
	return *p == '\0';
}

/* The text with every fixed line and the removable lines flagged in @keep. */
static void join(const struct lines *l, const bool *keep, char *out)
{
	char *o = out;

	for (int i = 0; i < l->n; i++)
		if (!l->removable[i] || keep[i]) {
			memcpy(o, l->start[i], (size_t)l->len[i]);
			o += l->len[i];
		}
	*o = '\0';
}

int fl_ddmin_lines(char *text, int len, fl_ddmin_pred pred, void *ctx, int max_tests)
{
	static struct lines l;
	char *orig = malloc((size_t)len), *cand = malloc((size_t)len);
	bool keep[DD_MAX_LINES], trial[DD_MAX_LINES];
	int idx[DD_MAX_LINES], nkept = 0, n = 2, tests = 0;

	if (!orig || !cand) {
		free(orig);
		free(cand);
		return 0;
	}
	memcpy(orig, text, strlen(text) + 1);
	if (!split(orig, &l)) {
		free(orig);
		free(cand);
		return 0;
	}
	for (int i = 0; i < l.n; i++) {
		keep[i] = l.removable[i];
		if (keep[i])
			idx[nkept++] = i;
	}
	/*
	 * First the shortest failing prefix, by bisection: ops after the one
	 * that shows the failure rarely matter, and this costs log2(n) tests
	 * where ddmin would spend many on them.  Failure need not be monotone
	 * in the prefix length, so a prefix is only taken once tested.
	 */
	for (int lo = 1, hi = nkept - 1; lo <= hi && tests < max_tests;) {
		int mid = (lo + hi) / 2;

		memcpy(trial, keep, sizeof(keep));
		for (int k = mid; k < nkept; k++)
			trial[idx[k]] = false;
		join(&l, trial, cand);
		tests++;
		if (pred(cand, ctx)) {
			memcpy(keep, trial, sizeof(keep));
			nkept = mid;
			hi = mid - 1;
		} else {
			lo = mid + 1;
		}
	}
	/* Then complements only: removing a chunk that keeps the failure is the step that shrinks. */
	while (nkept >= 2 && tests < max_tests) {
		bool shrunk = false;
		int chunk = (nkept + n - 1) / n;

		for (int c = 0; c * chunk < nkept && tests < max_tests; c++) {
			int lo = c * chunk, hi = lo + chunk < nkept ? lo + chunk : nkept;

			memcpy(trial, keep, sizeof(keep));
			for (int k = lo; k < hi; k++)
				trial[idx[k]] = false;
			join(&l, trial, cand);
			tests++;
			if (!pred(cand, ctx))
				continue;
			memcpy(keep, trial, sizeof(keep));
			memmove(&idx[lo], &idx[hi], (size_t)(nkept - hi) * sizeof(int));
			nkept -= hi - lo;
			n = n - 1 > 2 ? n - 1 : 2;
			shrunk = true;
			break;
		}
		if (shrunk)
			continue;
		if (n >= nkept)
			break;
		n = 2 * n < nkept ? 2 * n : nkept;
	}
	/* A single remaining op may be removable too. */
	if (nkept == 1 && tests < max_tests) {
		memcpy(trial, keep, sizeof(keep));
		trial[idx[0]] = false;
		join(&l, trial, cand);
		tests++;
		if (pred(cand, ctx))
			memcpy(keep, trial, sizeof(keep));
	}
	join(&l, keep, text);
	free(orig);
	free(cand);
	return tests;
}
