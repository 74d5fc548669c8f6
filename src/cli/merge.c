/* SPDX-License-Identifier: MIT */
/*
 * cli/merge.c - `faultline merge RESULT.json...`: combine the results of
 * `faultline run FILE --kernel V --shard K/N --json`, run anywhere (GNU
 * parallel, a Slurm job array), into the one verdict and JSON of the whole
 * search.
 *
 * Each result must name the same file, preset, switches and bound, and
 * shards 0..N-1 must each appear exactly once; a missing shard makes the
 * merged search INCOMPLETE (never a pass).  The counts are summed and the
 * best counterexample of each property kept (fl_explore_merge, the same
 * merge -j uses); the report replays it, so its trace is this machine's.
 *
 * The JSON reader is a small recursive-descent parser for what `run
 * --json` writes (objects, arrays, strings with escapes, numbers, true,
 * false, null); anything else is a located error.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "cli/cli.h"

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	double num;
	bool b;
	char *str;		/* J_STR; a key's name in an object member */
	struct jval *kids;	/* J_ARR, J_OBJ: elements (members carry their key in ->key) */
	char **keys;
	int n;
};

struct jp {
	const char *s, *p, *file;
	char err[256];
};

static bool jfail(struct jp *j, const char *what)
{
	if (!j->err[0])
		snprintf(j->err, sizeof(j->err), "%s: offset %ld: %s", j->file, (long)(j->p - j->s), what);
	return false;
}

static void jws(struct jp *j)
{
	while (*j->p && isspace((unsigned char)*j->p))
		j->p++;
}

static bool jstring(struct jp *j, char **out)
{
	size_t cap = 16, n = 0;
	char *b = malloc(cap);

	if (!b)
		return jfail(j, "out of memory");
	j->p++;	/* the opening quote */
	for (;;) {
		char c = *j->p++;

		if (!c) {
			free(b);
			return jfail(j, "unterminated string");
		}
		if (c == '"')
			break;
		if (c == '\\') {
			c = *j->p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned v = 0;

				for (int k = 0; k < 4; k++) {
					if (!isxdigit((unsigned char)*j->p)) {
						free(b);
						return jfail(j, "bad \\u escape");
					}
					v = v * 16 + (unsigned)(isdigit((unsigned char)*j->p) ? *j->p - '0' :
								 (tolower((unsigned char)*j->p) - 'a' + 10));
					j->p++;
				}
				c = v < 0x80 ? (char)v : '?';	/* only names and schedules are read back */
				break;
			}
			case '"': case '\\': case '/':
				break;
			default:
				free(b);
				return jfail(j, "bad escape");
			}
		}
		if (n + 2 > cap) {
			char *nb = realloc(b, cap *= 2);

			if (!nb) {
				free(b);
				return jfail(j, "out of memory");
			}
			b = nb;
		}
		b[n++] = c;
	}
	b[n] = '\0';
	*out = b;
	return true;
}

static bool jvalue(struct jp *j, struct jval *v, int depth);

static bool jpush(struct jp *j, struct jval *v, char *key, int depth)
{
	struct jval *nk = realloc(v->kids, sizeof(*nk) * (size_t)(v->n + 1));
	char **nkeys = realloc(v->keys, sizeof(*nkeys) * (size_t)(v->n + 1));

	if (nk)
		v->kids = nk;
	if (nkeys)
		v->keys = nkeys;
	if (!nk || !nkeys) {
		free(key);
		return jfail(j, "out of memory");
	}
	memset(&v->kids[v->n], 0, sizeof(v->kids[0]));
	v->keys[v->n] = key;
	v->n++;
	return jvalue(j, &v->kids[v->n - 1], depth + 1);
}

static bool jvalue(struct jp *j, struct jval *v, int depth)
{
	if (depth > 64)
		return jfail(j, "nested too deeply");
	jws(j);
	if (*j->p == '{' || *j->p == '[') {
		bool obj = *j->p == '{';
		char close = obj ? '}' : ']';

		v->type = obj ? J_OBJ : J_ARR;
		j->p++;
		jws(j);
		if (*j->p == close) {
			j->p++;
			return true;
		}
		for (;;) {
			char *key = NULL;

			jws(j);
			if (obj) {
				if (*j->p != '"' || !jstring(j, &key))
					return jfail(j, "expected a member name");
				jws(j);
				if (*j->p++ != ':') {
					free(key);
					return jfail(j, "expected ':'");
				}
			}
			if (!jpush(j, v, key, depth))
				return false;
			jws(j);
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p++ == close)
				return true;
			return jfail(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
		}
	}
	if (*j->p == '"') {
		v->type = J_STR;
		return jstring(j, &v->str);
	}
	if (!strncmp(j->p, "true", 4) || !strncmp(j->p, "false", 5)) {
		v->type = J_BOOL;
		v->b = *j->p == 't';
		j->p += v->b ? 4 : 5;
		return true;
	}
	if (!strncmp(j->p, "null", 4)) {
		v->type = J_NULL;
		j->p += 4;
		return true;
	}
	if (*j->p == '-' || isdigit((unsigned char)*j->p)) {
		char *end;

		v->type = J_NUM;
		v->num = strtod(j->p, &end);
		j->p = end;
		return true;
	}
	return jfail(j, "expected a value");
}

static void jfree(struct jval *v)
{
	for (int i = 0; i < v->n; i++) {
		jfree(&v->kids[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->kids);
	free(v->keys);
	free(v->str);
}

static const struct jval *jget(const struct jval *o, const char *key, enum jtype type)
{
	if (o->type != J_OBJ)
		return NULL;
	for (int i = 0; i < o->n; i++)
		if (o->keys[i] && !strcmp(o->keys[i], key))
			return o->kids[i].type == type ? &o->kids[i] : NULL;
	return NULL;
}

static int prop_by_name(const char *name)
{
	for (int p = 0; p < FL_PROP__COUNT; p++)
		if (!strcmp(fl_prop_name((enum fl_prop)p), name))
			return p;
	return -1;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(b, cap = cap ? 2 * cap : 65536);

			if (!nb) {
				free(b);
				fclose(f);
				return NULL;
			}
			b = nb;
		}
		size_t r = fread(b + n, 1, cap - n - 1, f);

		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	b[n] = '\0';
	return b;
}

/* The fields that must agree between shards. */
struct ident {
	char file[512], preset[64], sets[1024];
	int bound, n;
};

static int merge_usage(const char *msg)
{
	fprintf(stderr, "faultline merge: %s\n(see faultline merge --help)\n", msg);
	return FL_EXIT_USAGE;
}

int fl_cmd_merge(int argc, char **argv)
{
	static struct fl_explore_result total, part;
	static struct fl_scenario sc;
	static struct ident first, cur;
	static uint8_t choice[FL_MAX_STEPS];
	struct fl_cli_opts o;
	struct fl_config cfg;
	const char **files;
	int nfiles, rc, nseen = 0;
	bool *seen = NULL;
	char err[512];

	if (fl_cli_parse(argc, argv, &o, &files, &nfiles))
		return FL_EXIT_USAGE;
	memset(&total, 0, sizeof(total));
	total.complete = true;
	for (int i = 0; i < nfiles; i++) {
		struct jp j = { .file = files[i] };
		struct jval root = { 0 };
		const struct jval *v, *sh, *cx;
		char *text = slurp(files[i]);

		if (!text) {
			fprintf(stderr, "faultline merge: %s: %s\n", files[i], strerror(errno));
			return FL_EXIT_USAGE;
		}
		j.s = j.p = text;
		if (!jvalue(&j, &root, 0) || (jws(&j), *j.p)) {
			fprintf(stderr, "faultline merge: %s\n", j.err[0] ? j.err : "trailing text after the result");
			return FL_EXIT_USAGE;
		}
		free(text);
		memset(&cur, 0, sizeof(cur));
		memset(&part, 0, sizeof(part));
		if (!(v = jget(&root, "file", J_STR))) {
			fprintf(stderr, "faultline merge: %s: not a result of `faultline run --kernel V --json` (no \"file\")\n",
				files[i]);
			return FL_EXIT_USAGE;
		}
		snprintf(cur.file, sizeof(cur.file), "%s", v->str);
		if (!(v = jget(&root, "preset", J_STR)))
			return merge_usage("a result without \"preset\": made by a faultline without merge");
		snprintf(cur.preset, sizeof(cur.preset), "%s", v->str);
		if ((v = jget(&root, "sets", J_ARR)))
			for (int k = 0; k < v->n; k++)
				if (v->kids[k].type == J_STR) {
					size_t l = strlen(cur.sets);

					snprintf(cur.sets + l, sizeof(cur.sets) - l, "%s%s", l ? " " : "", v->kids[k].str);
				}
		cur.bound = (v = jget(&root, "bound", J_OBJ)) && (v = jget(v, "preemptions", J_NUM)) ? (int)v->num : -1;
		sh = jget(&root, "shard", J_OBJ);
		cur.n = sh && jget(sh, "n", J_NUM) ? (int)jget(sh, "n", J_NUM)->num : 1;
		part.shard_k = sh && jget(sh, "k", J_NUM) ? (int)jget(sh, "k", J_NUM)->num : 0;
		if (i == 0) {
			first = cur;
			seen = calloc((size_t)cur.n, sizeof(*seen));
			if (!seen)
				return merge_usage("out of memory");
		} else if (strcmp(cur.file, first.file) || strcmp(cur.preset, first.preset) ||
			   strcmp(cur.sets, first.sets) || cur.bound != first.bound || cur.n != first.n) {
			fprintf(stderr, "faultline merge: %s is a different search (file, kernel, switches, bound or "
				"shard count) from %s\n", files[i], files[0]);
			return FL_EXIT_USAGE;
		}
		if (part.shard_k < 0 || part.shard_k >= cur.n || seen[part.shard_k]) {
			fprintf(stderr, "faultline merge: %s: shard %d/%d %s\n", files[i], part.shard_k, cur.n,
				part.shard_k < 0 || part.shard_k >= cur.n ? "out of range" : "given twice");
			return FL_EXIT_USAGE;
		}
		seen[part.shard_k] = true;
		nseen++;
		part.executions = (v = jget(&root, "executions", J_NUM)) ? (uint64_t)v->num : 0;
		part.pruned = (v = jget(&root, "pruned", J_NUM)) ? (uint64_t)v->num : 0;
		part.deadlocked = (v = jget(&root, "deadlocked", J_NUM)) ? (uint64_t)v->num : 0;
		part.steps = (v = jget(&root, "steps", J_NUM)) ? (uint64_t)v->num : 0;
		part.seconds = (v = jget(&root, "seconds", J_NUM)) ? v->num : 0;
		part.complete = (v = jget(&root, "complete", J_BOOL)) && v->b;
		if (!part.complete)
			snprintf(part.stop_reason, sizeof(part.stop_reason), "%s",
				 (v = jget(&root, "stop_reason", J_STR)) ? v->str : "a shard did not complete");
		if ((cx = jget(&root, "counterexamples", J_ARR))) {
			for (int k = 0; k < cx->n; k++) {
				const struct jval *c = &cx->kids[k], *pn = jget(c, "property", J_STR),
						  *pr = jget(c, "preemptions", J_NUM), *sd = jget(c, "schedule", J_STR);
				int p = pn ? prop_by_name(pn->str) : -1;
				int n;

				if (p < 0 || !pr || !sd || strlen(sd->str) >= FL_SCHED_STR ||
				    (n = fl_schedule_decode(sd->str, choice, FL_MAX_STEPS, err, sizeof(err))) < 0) {
					fprintf(stderr, "faultline merge: %s: counterexample %d: unknown property or bad "
						"schedule\n", files[i], k);
					return FL_EXIT_USAGE;
				}
				part.found |= 1u << p;
				part.cex[p].found = true;
				part.cex[p].preemptions = (int)pr->num;
				part.cex[p].nsteps = n;
				part.cex[p].seconds = (v = jget(c, "seconds_to_find", J_NUM)) ? v->num : 0;
				snprintf(part.cex[p].schedule, sizeof(part.cex[p].schedule), "%s", sd->str);
			}
		}
		jfree(&root);
		fl_explore_merge(&total, &part);
	}
	if (nseen < first.n) {
		int o2 = snprintf(total.stop_reason, sizeof(total.stop_reason), "shards missing:");

		for (int k = 0; k < first.n && o2 < (int)sizeof(total.stop_reason) - 12; k++)
			if (!seen[k])
				o2 += snprintf(total.stop_reason + o2, sizeof(total.stop_reason) - (size_t)o2, " %d/%d", k,
					       first.n);
		total.complete = false;
	}
	free(seen);
	if ((rc = fl_cli_load(first.file, &sc)))
		return rc;
	/* The switches, as --set options on top of the preset. */
	{
		char *save = NULL, *tok;

		for (tok = strtok_r(first.sets, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			if (o.nsets == (int)(sizeof(o.sets) / sizeof(o.sets[0])))
				return merge_usage("too many switches");
			snprintf(o.sets[o.nsets++], sizeof(o.sets[0]), "%s", tok);
		}
	}
	if ((rc = fl_cli_config(&o, first.preset, NULL, &cfg)))
		return rc;
	return fl_cli_report(&sc, &cfg, &o, &total, first.bound);
}
