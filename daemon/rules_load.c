/* rules_load.c: read rule files and directories from disk into a ruleset. */
#include <dirent.h>
#include <elf.h>
#include <link.h>
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
#include "mem.h"
#include "rulecache.h"
#include "rulefile.h"

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

/* The files @file lists read, for a cache entry (rules_load_cached); NULL: not kept. */
struct deps {
	char **path;
	struct rc_hash *hash;
	size_t n, cap;
	int oom;
};

static void
deps_add(struct deps *dp, const char *path, const char *text, size_t len)
{
	if (dp == NULL || dp->oom)
		return;
	for (size_t i = 0; i < dp->n; i++)
		if (strcmp(dp->path[i], path) == 0)
			return;
	if (dp->n == dp->cap) {
		size_t nc = dp->cap ? dp->cap * 2 : 8;
		char **np = realloc(dp->path, nc * sizeof(*np));
		struct rc_hash *nh = np != NULL ? realloc(dp->hash, nc * sizeof(*nh)) : NULL;

		if (np != NULL)
			dp->path = np;
		if (nh == NULL) {
			dp->oom = 1;
			return;
		}
		dp->hash = nh;
		dp->cap = nc;
	}
	if ((dp->path[dp->n] = strdup(path)) == NULL) {
		dp->oom = 1;
		return;
	}
	rc_hash_init(&dp->hash[dp->n]);
	rc_hash_add(&dp->hash[dp->n], text, len);
	dp->n++;
}

static void
deps_free(struct deps *dp)
{
	for (size_t i = 0; i < dp->n; i++)
		free(dp->path[i]);
	free(dp->path);
	free(dp->hash);
}

/* @file lists: relative paths are relative to the file that names them. */
static int
include_read(void *arg, const char *path, const char *from, char **text, size_t *len,
             char **resolved, char **err)
{
	char *full;
	const char *slash = strrchr(from, '/');

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
	deps_add(arg, full, *text, *len);
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
	size_t cap = 0, sl = suffix ? strlen(suffix) : 0, dl = strlen(dir);
	/* "dir/" names its files dir/f, not dir//f, as grep -r does */
	const char *sep = dl > 0 && dir[dl - 1] == '/' ? "" : "/";

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
		if (asprintf(&(*paths)[*n], "%s%s%s", dir, sep, de->d_name) < 0)
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

/*
 * Every rule file of paths (a directory: its *.rules, in name order) parsed
 * on its own, whatever errors it holds: fn sees its rules, the broken ones
 * too. What can be told of rules that do not load: the ids they define
 * (hark mute), their notify names (hark check). Their diagnostics are not
 * kept: rules_load() says them. Returns 0, or -1 when a file or directory
 * could not be read (the others are still seen).
 */
int
rules_defs_each(char *const *paths, size_t n, rules_defs_fn fn, void *arg)
{
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		struct stat st;
		char *const *names = &paths[i];
		char **list = NULL;
		size_t nn = 1;

		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (dir_list(paths[i], ".rules", &list, &nn) < 0) {
				rc = -1;
				continue;
			}
			names = list;
		}
		for (size_t k = 0; k < nn; k++) {
			struct rulefile rf;
			struct diags scratch;
			char *text;
			size_t len;

			if (file_read(names[k], RULEFILE_MAX, &text, &len) < 0) {
				rc = -1;
				continue;
			}
			diags_init(&scratch);
			(void)rulefile_parse_borrow(&rf, names[k], text, len, &scratch);
			fn(&rf, arg);
			rulefile_free(&rf);
			diags_free(&scratch);
			free(text);
		}
		if (list != NULL)
			dir_list_free(list, nn);
	}
	return rc;
}

/* Rule id's notify name name, written at at of file: a warning when c has no such destination. */
static void
notify_check_one(const struct conf *c, const char *file, const char *id, const char *name,
                 struct srcpos at, struct diags *d)
{
	size_t w = 0, m = 0;

	if (strcmp(name, "none") == 0)
		return;
	while (w < c->nwebhooks && strcmp(c->webhooks[w].name, name) != 0)
		w++;
	while (m < c->nemails && strcmp(c->emails[m].name, name) != 0)
		m++;
	/* at the name as written, as every other diagnostic of the file */
	if (w == c->nwebhooks && m == c->nemails)
		diags_add(d, file, at.line, at.col, DIAG_WARNING,
		          "rule '%s': notify names '%s', which is no [webhook] nor "
		          "[email] of %s: its alerts go nowhere",
		          id, name, c->path);
}

void
conf_check_notify(const struct conf *c, const struct ruleset *rs, struct diags *d)
{
	size_t nrules = ruleset_nrules(rs);

	for (size_t i = 0; i < nrules; i++) {
		const struct rule *r = ruleset_rule(rs, i);

		for (size_t k = 0; k < r->nnotify; k++)
			notify_check_one(c, r->file, r->id, r->notify[k], r->notify_at[k], d);
	}
}

struct notify_defs {
	const struct conf *c;
	struct diags *d;
};

static void
notify_defs_cb(const struct rulefile *rf, void *arg)
{
	struct notify_defs *nd = arg;

	for (size_t i = 0; i < rf->nrules; i++) {
		const struct rule_def *r = &rf->rules[i];

		for (size_t k = 0; k < r->nnotify; k++)
			notify_check_one(nd->c, rf->path, r->id, r->notify[k], r->notify_at[k],
			                 nd->d);
	}
}

void
conf_check_notify_files(const struct conf *c, char *const *paths, size_t n, struct diags *d)
{
	struct notify_defs nd = {c, d};

	(void)rules_defs_each(paths, n, notify_defs_cb, &nd);
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

/* ---- with the cache of compiled sets (rules_cache.c, rulecache.c) ---- */

/* A rule file read, or what stood in its place, in the order of loading. */
struct src {
	char *path; /* owned */
	char *text; /* owned; NULL: none, see err */
	size_t len;
	int err; /* the errno of a failed read; -1: a directory without *.rules */
};

struct srcs {
	struct src *v;
	size_t n, cap;
	int oom;
};

static void
src_push(struct srcs *s, const char *path, char *text, size_t len, int err)
{
	if (s->oom || mem_grow(&s->v, &s->cap, s->n + 1, sizeof(*s->v)) < 0 ||
	    (s->v[s->n].path = strdup(path)) == NULL) {
		s->oom = 1;
		free(text);
		return;
	}
	s->v[s->n].text = text;
	s->v[s->n].len = len;
	s->v[s->n++].err = err;
}

static void
collect_file(struct loader *l, struct srcs *s, const char *path)
{
	char *text = NULL;
	size_t len = 0;

	if (loader_seen(l, path))
		return;
	if (file_read(path, RULEFILE_MAX, &text, &len) < 0)
		src_push(s, path, NULL, 0, errno ? errno : EIO);
	else
		src_push(s, path, text, len, 0);
}

/* What load_dir reads, in its order. */
static void
collect(struct loader *l, struct srcs *s, char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		char **names;
		size_t nn;

		if (stat(paths[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
			collect_file(l, s, paths[i]);
			continue;
		}
		if (dir_list(paths[i], ".rules", &names, &nn) < 0) {
			src_push(s, paths[i], NULL, 0, errno ? errno : EIO);
			continue;
		}
		if (nn == 0)
			src_push(s, paths[i], NULL, 0, -1);
		for (size_t k = 0; k < nn; k++)
			collect_file(l, s, names[k]);
		dir_list_free(names, nn);
	}
}

/* The diagnostics of a source that is no file, as load_file and load_dir give them. */
static void
src_diag(const struct src *s, struct diags *d)
{
	if (s->err < 0)
		diags_add(d, s->path, 0, 0, DIAG_WARNING, "no *.rules file in this directory");
	else
		diags_add(d, s->path, 0, 0, DIAG_ERROR, "cannot read rules: %s",
		          s->err == EFBIG ? "larger than 256 MiB" : strerror(s->err));
}

/*
 * The build id the linker wrote into this program (.note.gnu.build-id), found
 * through dl_iterate_phdr in the notes of the executable's own segments: two
 * builds of one version (a patched package, a developer's tree) normalize or
 * compile rules differently, and one must not load the other's entries. The
 * first object dl_iterate_phdr reports is the executable.
 */
struct build_id {
	unsigned char v[64];
	size_t n;
};

static int
build_id_note(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct build_id *b = arg;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr),
		           *end = p + ph->p_memsz;

		if (ph->p_type != PT_NOTE)
			continue;
		while ((size_t)(end - p) >= sizeof(ElfW(Nhdr))) {
			const ElfW(Nhdr) *nh = (const void *)p;
			size_t name = (nh->n_namesz + 3) & ~(size_t)3,
			       desc = (nh->n_descsz + 3) & ~(size_t)3;
			const char *d = p + sizeof(*nh) + name;

			if (name > (size_t)(end - p) || desc > (size_t)(end - p) ||
			    sizeof(*nh) + name + desc > (size_t)(end - p))
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    memcmp(p + sizeof(*nh), "GNU", 4) == 0 &&
			    nh->n_descsz <= sizeof(b->v)) {
				memcpy(b->v, d, nh->n_descsz);
				b->n = nh->n_descsz;
				return 1;
			}
			p = d + desc;
		}
	}
	return 1; /* the executable only */
}

/*
 * The key of a cache entry: the format and the build, then every source in
 * order, its path and all its bytes (never a time stamp: an edit within the
 * same second, or a file put back as it was, must not fool it). The files
 * @file lists read are checked on a hit instead (the entry lists them).
 */
static void
cache_key(const struct srcs *s, char hex[33])
{
	struct rc_hash h;
	struct build_id id = {.n = 0};
	uint64_t tag = rulecache_build_tag();

	rc_hash_init(&h);
	rc_hash_add(&h, "hark compiled rules", 19);
	rc_hash_add(&h, &tag, sizeof(tag));
	(void)dl_iterate_phdr(build_id_note, &id); /* none: the version and layout alone */
	rc_hash_add(&h, id.v, id.n);
	for (size_t i = 0; i < s->n; i++) {
		int32_t err = s->v[i].err;

		rc_hash_add(&h, s->v[i].path, strlen(s->v[i].path));
		rc_hash_add(&h, &err, sizeof(err));
		rc_hash_add(&h, s->v[i].text != NULL ? s->v[i].text : "", s->v[i].len);
	}
	rc_hash_hex(&h, hex);
}

/* Are the files the entry's @file lists read still what they were? */
static int
deps_same(const struct rulecache_extra *x)
{
	for (size_t i = 0; i < x->ndeps; i++) {
		char *text;
		size_t len;
		struct rc_hash h;

		if (file_read(x->deps[i], RULEFILE_MAX, &text, &len) < 0)
			return 0;
		rc_hash_init(&h);
		rc_hash_add(&h, text, len);
		free(text);
		if (h.h[0] != x->dep_hash[i].h[0] || h.h[1] != x->dep_hash[i].h[1])
			return 0;
	}
	return 1;
}

/* The set of entry key, with its diagnostics given in the order a compile gives them; or NULL. */
static struct ruleset *
cache_get(const char *dir, const char *key, const struct srcs *s, struct diags *d)
{
	struct rulecache_extra x;
	struct ruleset *rs;
	const char *why = "unreadable";
	size_t n;
	void *buf = rcache_read(dir, key, &n);

	if (buf == NULL) {
		rcache_trace("miss %s", key);
		return NULL;
	}
	/* the set owns the mapping once loaded (ruleset_free unmaps it) */
	if ((rs = rulecache_load(buf, n, &x, &why)) == NULL)
		rcache_release(buf, n);
	else
		rulecache_set_release(rs, rcache_release, n);
	if (rs == NULL) {
		/* why says it */
	} else if (!deps_same(&x)) {
		why = "a file @file reads changed";
	} else {
		/* each diagnostic after a source of this load, in order */
		why = NULL;
		for (size_t i = 0; i < x.diags.n; i++)
			if (x.diag_item[i] >= s->n ||
			    (i > 0 && x.diag_item[i] < x.diag_item[i - 1]))
				why = "diagnostic out of place";
	}
	if (why != NULL) {
		rcache_trace("bad %s: %s", key, why);
		if (rs != NULL)
			rulecache_extra_free(&x);
		ruleset_free(rs);
		rcache_drop(dir, key);
		return NULL;
	}
	for (size_t i = 0, k = 0; i < s->n; i++) {
		if (s->v[i].text == NULL)
			src_diag(&s->v[i], d);
		for (; k < x.diags.n && x.diag_item[k] == i; k++) {
			const struct diag *g = &x.diags.v[k];

			diags_add(d, g->file, g->line, g->col, g->sev, "%s", g->msg);
		}
	}
	rulecache_extra_free(&x);
	rcache_touch(dir, key);
	rcache_trace("hit %s", key);
	return rs;
}

/* Save rs with the diagnostics its compile gave: d->v[from[i] .. to[i]) came from s->v[i]. */
static void
cache_put(const char *dir, const char *key, const struct ruleset *rs, const struct srcs *s,
          const struct diags *d, const size_t *from, const size_t *to, const struct deps *dp)
{
	struct rulecache_extra x = {0};
	size_t nd = 0;
	void *buf;
	size_t n;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].text != NULL)
			nd += to[i] - from[i];
	x.diags.v = calloc(nd ? nd : 1, sizeof(*x.diags.v));
	x.diag_item = calloc(nd ? nd : 1, sizeof(*x.diag_item));
	if (x.diags.v == NULL || x.diag_item == NULL)
		goto out;
	for (size_t i = 0; i < s->n; i++)
		for (size_t k = from[i]; s->v[i].text != NULL && k < to[i]; k++) {
			x.diag_item[x.diags.n] = (uint32_t)i;
			x.diags.v[x.diags.n++] = d->v[k]; /* borrowed */
		}
	x.deps = dp->path;
	x.dep_hash = dp->hash;
	x.ndeps = dp->n;
	if (rulecache_save(rs, &x, &buf, &n) == 0) {
		rcache_write(dir, key, buf, n);
		free(buf);
	}
out:
	free(x.diags.v);
	free(x.diag_item);
}

struct ruleset *
rules_load_cached(char *const *paths, size_t n, struct diags *d, int use_cache)
{
	struct loader l = {NULL, d, NULL, 0, 0};
	struct srcs s = {0};
	struct deps dp = {0};
	struct query_opts o = {include_read, &dp};
	char *dir = use_cache ? rcache_dir() : NULL, key[33];
	size_t errs = d->nerrors, *from = NULL, *to = NULL;
	struct ruleset *rs = NULL;
	int readerr = 0;

	if (!use_cache)
		rcache_trace("off (--no-cache)");
	else if (dir == NULL)
		rcache_trace("off (HARK_CACHE_DIR is empty, or no XDG_CACHE_HOME nor HOME)");
	collect(&l, &s, paths, n);
	free(l.seen);
	if (s.oom) {
		diags_add(d, "hark", 0, 0, DIAG_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < s.n; i++)
		readerr |= s.v[i].text == NULL && s.v[i].err > 0;
	if (dir != NULL && !readerr) {
		cache_key(&s, key);
		if ((rs = cache_get(dir, key, &s, d)) != NULL)
			goto out;
	}
	from = calloc(s.n ? s.n : 1, sizeof(*from));
	to = calloc(s.n ? s.n : 1, sizeof(*to));
	if ((rs = ruleset_new()) == NULL || from == NULL || to == NULL) {
		diags_add(d, "hark", 0, 0, DIAG_ERROR, "out of memory");
		ruleset_free(rs);
		rs = NULL;
		goto out;
	}
	for (size_t i = 0; i < s.n; i++) {
		from[i] = d->n;
		if (s.v[i].text == NULL)
			src_diag(&s.v[i], d);
		else
			ruleset_add_file(rs, s.v[i].path, s.v[i].text, s.v[i].len, &o, d);
		to[i] = d->n;
	}
	if (d->nerrors > errs || ruleset_finish(rs, d) < 0) {
		ruleset_free(rs);
		rs = NULL;
		goto out;
	}
	if (dir != NULL && !readerr && !dp.oom) {
		if (ruleset_natoms(rs) >= rcache_min())
			cache_put(dir, key, rs, &s, d, from, to, &dp);
		else
			rcache_trace("not written: %zu term%s, under HARK_CACHE_MIN=%zu",
			             ruleset_natoms(rs), ruleset_natoms(rs) == 1 ? "" : "s",
			             rcache_min());
	}
out:
	for (size_t i = 0; i < s.n; i++) {
		free(s.v[i].path);
		free(s.v[i].text);
	}
	free(s.v);
	free(from);
	free(to);
	deps_free(&dp);
	free(dir);
	return rs;
}
