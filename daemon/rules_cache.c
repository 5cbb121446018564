/*
 * rules_cache.c: the files of the compiled rule cache (the bytes are
 * rulecache.c's): where they live, reading one, writing one atomically,
 * keeping the directory to RCACHE_KEEP entries. Every failure here is
 * quiet and harmless: the caller compiles instead (HARK_CACHE_TRACE=1
 * tells on standard error what happened, for tests and for the curious).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "hark.h"
#include "rulecache.h"

#define RCACHE_KEEP 8           /* entries kept: the newest used */
#define RCACHE_MAX (1ull << 32) /* a larger file is no cache of ours */
/* terms (ruleset_natoms) from which a set is cached: at 1,000 a load (10.0 ms
 * for hark match of one article) beats a compile (11.9), at 300 they tie */
#define RCACHE_MIN_DEFAULT 1000
#define RCACHE_TMP_AGE 3600 /* a temporary file older than this was left by a crash */

void
rcache_trace(const char *fmt, ...)
{
	static int on = -1;
	va_list ap;

	if (on < 0) {
		const char *e = getenv("HARK_CACHE_TRACE");

		on = e != NULL && *e != '\0' && strcmp(e, "0") != 0;
	}
	if (!on)
		return;
	fputs("hark: rule cache: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

char *
rcache_dir(void)
{
	const char *e = getenv("HARK_CACHE_DIR");
	char *dir = NULL;

	if (e != NULL)
		return *e != '\0' ? strdup(e) : NULL; /* set and empty: no cache */
	if ((e = getenv("XDG_CACHE_HOME")) != NULL && e[0] == '/') {
		if (asprintf(&dir, "%s/hark", e) < 0)
			dir = NULL;
	} else if ((e = getenv("HOME")) != NULL && e[0] == '/') {
		if (asprintf(&dir, "%s/.cache/hark", e) < 0)
			dir = NULL;
	}
	return dir;
}

/* HARK_CACHE_MIN, read once (a mistyped one is said once). */
size_t
rcache_min(void)
{
	static size_t min;
	static int read;
	const char *e = getenv("HARK_CACHE_MIN");
	char *end;
	unsigned long long v;

	if (read)
		return min;
	read = 1;
	min = RCACHE_MIN_DEFAULT;
	if (e == NULL || *e == '\0')
		return min;
	errno = 0;
	v = strtoull(e, &end, 10);
	if (errno != 0 || *end != '\0' || *e == '-')
		/* a setting the user made and mistyped is said, unlike the cache's own troubles */
		fprintf(stderr, "hark: HARK_CACHE_MIN=%s is not a number of terms: %d used\n", e,
		        RCACHE_MIN_DEFAULT);
	else
		min = (size_t)v;
	return min;
}

/*
 * Another user must not choose the rules hark match loads: a directory or an
 * entry that is not ours, or that others may write (a shared
 * HARK_CACHE_DIR), is no cache; an entry planted there, however well formed,
 * would silently be someone else's rules. As ssh treats its own files.
 */
static int
rcache_ours(const struct stat *st, const char *what, const char *path)
{
	if (st->st_uid == geteuid() && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0)
		return 1;
	rcache_trace("%s %s is %s: not used", what, path,
	             st->st_uid != geteuid() ? "another user's" : "writable by others");
	return 0;
}

static int
dir_ours(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && rcache_ours(&st, "directory", dir);
}

static char *
entry_path(const char *dir, const char *key)
{
	char *p;

	return asprintf(&p, "%s/%s.hrc", dir, key) < 0 ? NULL : p;
}

/*
 * Whether fd's file system may lose a mapped file's pages under us: a
 * network or FUSE one, where another host may replace or truncate the
 * file (a home directory on NFS is common), and a page read later would
 * fault (SIGBUS) rather than fail. Its entries are copied instead.
 */
static int
rcache_remote(int fd)
{
	static const unsigned long remote[] = {
	    0x6969,     /* NFS */
	    0x517B,     /* SMB */
	    0xFF534D42, /* CIFS */
	    0xFE534D42, /* SMB2 */
	    0x65735546, /* FUSE */
	    0x00C36400, /* Ceph */
	    0x5346414F, /* AFS */
	    0x6B414653, /* kAFS */
	    0x73757245, /* Coda */
	    0x01021997, /* 9p */
	    0x01161970, /* GFS2 */
	    0x7461636F, /* OCFS2 */
	    0x0BD00BD0, /* Lustre */
	};
	struct statfs sf;

	if (fstatfs(fd, &sf) < 0)
		return 1; /* unknown: the safe way */
	for (size_t i = 0; i < sizeof(remote) / sizeof(remote[0]); i++)
		if ((unsigned long)sf.f_type == remote[i])
			return 1;
	return 0;
}

/*
 * Entry key in memory that the loaded set points into, which it owns
 * (rcache_release). On a local file system, the file's own pages, mapped
 * private: a copy into fresh memory cost more than everything else of a
 * load, zeroing 23 MB of pages and then copying the file into them (about
 * 10 ms of the 28 a load of 100,000 rules took; BENCHMARKS.md,
 * 2026-12-07). The pages are the page cache's, shared by every process
 * that loads the entry. The file is only ever replaced by a rename
 * (rcache_write) or removed, never changed in place, so the mapping stays
 * whole while hark match runs (harkd does not use the cache); one truncated
 * by hand under it would fault. Read only (the loader writes nothing in
 * it) and populated: the pages are mapped in one call, not a fault each
 * 64 KB as the checksum reads them. On a network file system, a copy
 * (rcache_remote).
 */
void *
rcache_read(const char *dir, const char *key, size_t *n)
{
	char *path = entry_path(dir, key);
	int fd = path != NULL ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	struct stat st;
	void *buf;
	size_t size, got = 0;

	if (fd < 0 || !dir_ours(dir)) {
		free(path);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (unsigned long long)st.st_size > RCACHE_MAX || !rcache_ours(&st, "entry", path)) {
		free(path);
		close(fd);
		return NULL;
	}
	free(path);
	size = (size_t)st.st_size;
	if (!rcache_remote(fd)) {
		buf = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		close(fd); /* the mapping keeps the file */
		if (buf == MAP_FAILED)
			return NULL;
		*n = size;
		return buf;
	}
	/* a copy, in memory released the same way */
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	while (got < size) {
		ssize_t r = read(fd, (char *)buf + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			(void)munmap(buf, size);
			return NULL;
		}
		got += (size_t)r;
	}
	close(fd);
	*n = size;
	return buf;
}

/* Give back what rcache_read() gave. */
void
rcache_release(void *buf, size_t n)
{
	if (buf != NULL)
		(void)munmap(buf, n);
}

/* Mark an entry used: the pruning keeps the newest. */
void
rcache_touch(const char *dir, const char *key)
{
	char *path = entry_path(dir, key);

	if (path != NULL)
		(void)utimensat(AT_FDCWD, path, NULL, 0);
	free(path);
}

void
rcache_drop(const char *dir, const char *key)
{
	char *path = entry_path(dir, key);

	if (path != NULL)
		(void)unlink(path);
	free(path);
}

/* mkdir -p, 0700 for the directories it makes. */
static int
mkdirs(const char *dir)
{
	char *p = strdup(dir);
	int rc = 0;

	if (p == NULL)
		return -1;
	for (char *s = p + 1; rc == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			rc = -1;
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

struct entry {
	char *path;
	struct timespec mtime;
};

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec > y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec > y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Keep the RCACHE_KEEP newest entries; remove temporary files a crash left. */
static void
prune(const char *dir)
{
	char **names;
	size_t n, ne = 0;
	struct entry *e;
	time_t now = time(NULL);

	if (dir_list(dir, NULL, &names, &n) < 0)
		return;
	e = calloc(n ? n : 1, sizeof(*e));
	for (size_t i = 0; e != NULL && i < n; i++) {
		size_t l = strlen(names[i]);
		struct stat st;

		if (lstat(names[i], &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (l > 4 && strcmp(names[i] + l - 4, ".tmp") == 0) {
			if (now - st.st_mtime > RCACHE_TMP_AGE)
				(void)unlink(names[i]);
		} else if (l > 4 && strcmp(names[i] + l - 4, ".hrc") == 0) {
			e[ne].path = names[i];
			e[ne++].mtime = st.st_mtim;
		}
	}
	if (e != NULL && ne > RCACHE_KEEP) {
		qsort(e, ne, sizeof(*e), entry_cmp);
		for (size_t i = RCACHE_KEEP; i < ne; i++) {
			rcache_trace("removed %s (more than %d entries)", e[i].path, RCACHE_KEEP);
			(void)unlink(e[i].path);
		}
	}
	free(e);
	dir_list_free(names, n);
}

/*
 * Write the entry as a temporary file in dir, then rename it: a reader
 * sees the whole file or none. No fsync: after a crash a cut file fails
 * its checks and is compiled again.
 */
void
rcache_write(const char *dir, const char *key, const void *buf, size_t n)
{
	char *path = entry_path(dir, key), *tmp = NULL;
	int fd = -1;
	size_t done = 0;

	if (path == NULL || asprintf(&tmp, "%s/.%s.XXXXXX.tmp", dir, key) < 0) {
		tmp = NULL;
		goto out;
	}
	if (mkdirs(dir) < 0) {
		rcache_trace("cannot write in %s: %s", dir, strerror(errno));
		goto out;
	}
	if (!dir_ours(dir))
		goto out;
	if ((fd = mkstemps(tmp, 4)) < 0) {
		rcache_trace("cannot write in %s: %s", dir, strerror(errno));
		goto out;
	}
	(void)fchmod(fd, 0600);
	while (done < n) {
		ssize_t w = write(fd, (const char *)buf + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (close(fd) < 0 || done < n || rename(tmp, path) < 0) {
		rcache_trace("cannot write %s: %s", path, strerror(errno ? errno : EIO));
		(void)unlink(tmp);
		goto out;
	}
	rcache_trace("wrote %s", path);
	prune(dir);
out:
	free(tmp);
	free(path);
}
