/* rules_load.c: read rule files and directories from disk into a ruleset. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "fileio.h"
#include "hark.h"

#define RULEFILE_MAX (256u << 20) /* a rule file or an @file list */

int
file_read(const char *path, size_t max, char **buf, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int rc, e;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return -1;
	}
	rc = fd_read_all(fd, max, buf, len);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

/* @file lists: relative paths are relative to the file that names them. */
static int
include_read(void *arg, const char *path, const char *from, char **text, size_t *len,
             char **resolved, char **err)
{
	char *full;
	const char *slash = strrchr(from, '/');

	(void)arg;
	if (path[0] == '/' || slash == NULL) {
		full = strdup(path);
	} else {
		size_t dl = (size_t)(slash - from) + 1;

		full = malloc(dl + strlen(path) + 1);
		if (full != NULL) {
			memcpy(full, from, dl);
			strcpy(full + dl, path);
		}
	}
	if (full == NULL || file_read(full, RULEFILE_MAX, text, len) < 0) {
		const char *why = errno == EFBIG ? "larger than 256 MiB" : strerror(errno);

		*err = malloc(strlen(why) + 1);
		if (*err != NULL)
			strcpy(*err, why);
		free(full);
		return -1;
	}
	*resolved = full;
	return 0;
}

/* What one rules_load() has read: each file once, however it was named. */
struct loader {
	struct ruleset *rs;
	struct diags *d;
	struct fileid {
		dev_t dev;
		ino_t ino;
	} * seen;
	size_t nseen, capseen;
};

/* 1 when the file was loaded already (a directory and a file in it, say). */
static int
loader_seen(struct loader *l, const char *path)
{
	struct stat st;
	struct fileid *ns;

	if (stat(path, &st) < 0)
		return 0; /* file_read will say why */
	for (size_t i = 0; i < l->nseen; i++)
		if (l->seen[i].dev == st.st_dev && l->seen[i].ino == st.st_ino)
			return 1;
	if (l->nseen == l->capseen) {
		ns = realloc(l->seen,
		             (l->capseen = l->capseen ? l->capseen * 2 : 16) * sizeof(*l->seen));
		if (ns == NULL)
			return 0;
		l->seen = ns;
	}
	l->seen[l->nseen].dev = st.st_dev;
	l->seen[l->nseen++].ino = st.st_ino;
	return 0;
}

static int
load_file(struct loader *l, const char *path)
{
	struct query_opts o = {include_read, NULL};
	char *text;
	size_t len;
	int rc;

	if (loader_seen(l, path))
		return 0;
	if (file_read(path, RULEFILE_MAX, &text, &len) < 0) {
		diags_add(l->d, path, 0, 0, DIAG_ERROR, "cannot read rules: %s",
		          errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
		return -1;
	}
	rc = ruleset_add_file(l->rs, path, text, len, &o, l->d);
	free(text);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
dir_list(const char *dir, const char *suffix, char ***paths, size_t *n)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	size_t cap = 0, sl = suffix ? strlen(suffix) : 0;

	*paths = NULL;
	*n = 0;
	if (dp == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL) {
		size_t l = strlen(de->d_name);

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (suffix != NULL &&
		    (de->d_name[0] == '.' || l <= sl || strcmp(de->d_name + l - sl, suffix) != 0))
			continue;
		if (*n == cap) {
			char **np = realloc(*paths, (cap = cap ? cap * 2 : 16) * sizeof(**paths));

			if (np == NULL)
				goto nomem;
			*paths = np;
		}
		if (asprintf(&(*paths)[*n], "%s/%s", dir, de->d_name) < 0)
			goto nomem;
		(*n)++;
	}
	closedir(dp);
	if (*n > 1)
		qsort(*paths, *n, sizeof(**paths), name_cmp);
	return 0;
nomem:
	closedir(dp);
	dir_list_free(*paths, *n);
	errno = ENOMEM;
	return -1;
}

void
dir_list_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* Every *.rules file of a directory, in name order. */
static int
load_dir(struct loader *l, const char *dir)
{
	char **names;
	size_t n;
	int rc = 0;

	if (dir_list(dir, ".rules", &names, &n) < 0) {
		diags_add(l->d, dir, 0, 0, DIAG_ERROR, "cannot read rules: %s", strerror(errno));
		return -1;
	}
	/* an empty watchlist directory watches nothing: say so */
	if (n == 0)
		diags_add(l->d, dir, 0, 0, DIAG_WARNING, "no *.rules file in this directory");
	for (size_t i = 0; i < n; i++)
		if (load_file(l, names[i]) < 0)
			rc = -1;
	dir_list_free(names, n);
	return rc;
}

struct ruleset *
rules_load(char *const *paths, size_t n, struct diags *d)
{
	return rules_load_cancel(paths, n, d, NULL);
}

struct ruleset *
rules_load_cancel(char *const *paths, size_t n, struct diags *d, const atomic_int *cancel)
{
	struct loader l = {ruleset_new(), d, NULL, 0, 0};
	size_t errs = d->nerrors;

	if (l.rs == NULL) {
		diags_add(d, "hark", 0, 0, DIAG_ERROR, "out of memory");
		return NULL;
	}
	ruleset_set_cancel(l.rs, cancel);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (cancel != NULL && atomic_load(cancel)) {
			diags_add(d, paths[i], 0, 0, DIAG_ERROR, "cancelled");
			break;
		}

		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			load_dir(&l, paths[i]);
		else
			load_file(&l, paths[i]);
	}
	free(l.seen);
	if (d->nerrors > errs || ruleset_finish(l.rs, d) < 0) {
		ruleset_free(l.rs);
		return NULL;
	}
	return l.rs;
}

void
conf_check_notify(const struct conf *c, const struct ruleset *rs, struct diags *d)
{
	size_t nrules = ruleset_nrules(rs);

	for (size_t i = 0; i < nrules; i++) {
		const struct rule *r = ruleset_rule(rs, i);

		for (size_t k = 0; k < r->nnotify; k++) {
			size_t w = 0;

			if (strcmp(r->notify[k], "none") == 0)
				continue;
			size_t m = 0;

			while (w < c->nwebhooks && strcmp(c->webhooks[w].name, r->notify[k]) != 0)
				w++;
			while (m < c->nemails && strcmp(c->emails[m].name, r->notify[k]) != 0)
				m++;
			if (w == c->nwebhooks && m == c->nemails)
				diags_add(d, r->file, r->line, 0, DIAG_WARNING,
				          "rule '%s': notify names '%s', which is no [webhook] nor "
				          "[email] of %s: its alerts go nowhere",
				          r->id, r->notify[k], c->path);
		}
	}
}

void
conf_check_routes(const struct conf *c, const struct ruleset *rs, struct diags *d)
{
	size_t nrules = ruleset_nrules(rs);

	conf_check_notify(c, rs, d);
	for (size_t w = 0; w < c->nwebhooks + c->nemails; w++) {
		const char *name =
		    w < c->nwebhooks ? c->webhooks[w].name : c->emails[w - c->nwebhooks].name;
		char *const *globs =
		    w < c->nwebhooks ? c->webhooks[w].rules : c->emails[w - c->nwebhooks].rules;
		size_t nglobs =
		    w < c->nwebhooks ? c->webhooks[w].nrules : c->emails[w - c->nwebhooks].nrules;
		unsigned line =
		    w < c->nwebhooks ? c->webhooks[w].line : c->emails[w - c->nwebhooks].line;
		bool any = false;

		for (size_t i = 0; i < nrules && !any; i++) {
			const struct rule *r = ruleset_rule(rs, i);

			if (r->nnotify > 0)
				continue; /* a rule naming its webhooks is not chosen by globs */
			for (size_t g = 0; g < nglobs && !any; g++)
				any = fnmatch(globs[g], r->id, 0) == 0;
		}
		for (size_t i = 0; i < nrules && !any; i++) {
			const struct rule *r = ruleset_rule(rs, i);

			for (size_t k = 0; k < r->nnotify && !any; k++)
				any = strcmp(r->notify[k], name) == 0;
		}
		if (!any && nrules > 0)
			diags_add(d, c->path, line, 0, DIAG_WARNING,
			          "[%s %s]: no rule is sent to it (its rules select none, and "
			          "no rule's notify names it)",
			          w < c->nwebhooks ? "webhook" : "email", name);
	}
}
