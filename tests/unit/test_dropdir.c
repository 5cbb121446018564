/*
 * test_dropdir.c: the drop directory on a real file system, in a fresh
 * mkdtemp directory per test: creation, inotify events, the scan order,
 * what dropdir_read() refuses, the sweep, and where done/fail/ingest put
 * files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "dropdir.h"

/* The file a read found (the tests that look at it say so). */
static struct dropdir_id rid = {.fd = -1};

struct fixture {
	char root[64];   /* the mkdtemp directory */
	char spool[128]; /* root/spool, not yet created */
	char path[512];  /* scratch for path() */
};

/* The names a drain or scan reported, in order. */
struct names {
	char *v[512];
	size_t n;
};

static void
collect(const char *name, void *arg)
{
	struct names *ns = arg;

	assert_true(ns->n < sizeof(ns->v) / sizeof(ns->v[0]));
	ns->v[ns->n] = strdup(name);
	assert_non_null(ns->v[ns->n]);
	ns->n++;
}

static void
names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	ns->n = 0;
}

static bool
names_has(const struct names *ns, const char *name)
{
	for (size_t i = 0; i < ns->n; i++)
		if (strcmp(ns->v[i], name) == 0)
			return true;
	return false;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *t = getenv("TMPDIR");

	if (f == NULL)
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/hark-dd.XXXXXX",
	         t != NULL && strlen(t) < 40 ? t : "/tmp");
	if (mkdtemp(f->root) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->spool, sizeof(f->spool), "%s/spool", f->root);
	*state = f;
	return 0;
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(p);
	return unlink(p);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	nftw(f->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* "spool/sub/name" in the fixture's scratch buffer. */
static const char *
path(struct fixture *f, const char *sub, const char *name)
{
	snprintf(f->path, sizeof(f->path), "%s/%s%s%s", f->spool, sub, name ? "/" : "",
	         name ? name : "");
	return f->path;
}

static void
write_file(const char *p, const char *text)
{
	FILE *fp = fopen(p, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* The content of p (at most 255 bytes), or "" when it cannot be read. */
static const char *
read_text(const char *p)
{
	static char buf[256];
	FILE *fp = fopen(p, "r");
	size_t n = 0;

	if (fp != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	return buf;
}

static bool
exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

/* The entries of directory p, but . and .. */
static int
dir_count(const char *p)
{
	DIR *d = opendir(p);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static struct dropdir *
open_dd(struct fixture *f)
{
	struct dropdir *dd = NULL;
	char err[256] = "";

	if (dropdir_open(f->spool, &dd, err, sizeof(err)) < 0)
		fail_msg("dropdir_open: %s", err);
	return dd;
}

/* Wait (at most a second) until the inotify descriptor is readable. */
static void
wait_readable(struct dropdir *dd)
{
	struct pollfd p = {.fd = dropdir_fd(dd), .events = POLLIN};

	assert_int_equal(poll(&p, 1, 1000), 1);
}

static void
test_open_creates(void **state)
{
	struct fixture *f = *state;
	static const char *const subs[] = {"tmp", "incoming", "done", "failed"};
	struct dropdir *dd = open_dd(f);
	struct stat st;

	assert_int_equal(stat(f->spool, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_true(st.st_mode & S_ISGID);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(stat(path(f, subs[i], NULL), &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		assert_true(st.st_mode & S_ISGID);
	}
	assert_true(dropdir_fd(dd) >= 0);
	dropdir_close(dd);
	/* a second open finds them */
	dropdir_close(open_dd(f));
}

static void
test_open_missing_parent(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = NULL;
	char p[256], err[256] = "";

	snprintf(p, sizeof(p), "%s/nope/spool", f->root);
	assert_int_equal(dropdir_open(p, &dd, err, sizeof(err)), -1);
	assert_null(dd);
	snprintf(p, sizeof(p), "%s/nope", f->root);
	assert_non_null(strstr(err, p));
	assert_non_null(strstr(err, "does not exist"));
}

static void
test_open_link_refused(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = NULL;
	char err[256] = "", target[128];

	assert_int_equal(mkdir(f->spool, 0700), 0);
	snprintf(target, sizeof(target), "%s/elsewhere", f->root);
	assert_int_equal(mkdir(target, 0700), 0);
	assert_int_equal(symlink(target, path(f, "done", NULL)), 0);
	assert_int_equal(dropdir_open(f->spool, &dd, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "done: a symbolic link"));
}

static void
test_inotify(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	struct names ns = {.n = 0};
	char err[256] = "", from[512];
	int fd;

	/* the producer's way: write in tmp/, rename into incoming/ */
	write_file(path(f, "tmp", "renamed.txt"), "one\n");
	snprintf(from, sizeof(from), "%s", path(f, "tmp", "renamed.txt"));
	assert_int_equal(rename(from, path(f, "incoming", "renamed.txt")), 0);
	/* written in place: taken when closed */
	fd = open(path(f, "incoming", "inplace.txt"), O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "two\n", 4), 4);
	assert_int_equal(close(fd), 0);
	/* a dot file is a write in progress: never reported */
	write_file(path(f, "incoming", ".partial"), "three\n");
	wait_readable(dd);
	assert_int_equal(dropdir_drain(dd, collect, &ns, err, sizeof(err)), 0);
	assert_true(names_has(&ns, "renamed.txt"));
	assert_true(names_has(&ns, "inplace.txt"));
	assert_false(names_has(&ns, ".partial"));
	names_free(&ns);
	/* drained: nothing more */
	assert_int_equal(dropdir_drain(dd, collect, &ns, err, sizeof(err)), 0);
	assert_int_equal(ns.n, 0);
	dropdir_close(dd);
}

static void
test_drain_many(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	struct names ns = {.n = 0};
	char err[256] = "", name[32];

	/* more events than one read of the drain's buffer holds */
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "article-%03d.txt", i);
		write_file(path(f, "incoming", name), "x\n");
	}
	wait_readable(dd);
	assert_int_equal(dropdir_drain(dd, collect, &ns, err, sizeof(err)), 0);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "article-%03d.txt", i);
		assert_true(names_has(&ns, name));
	}
	names_free(&ns);
	assert_int_equal(dropdir_drain(dd, collect, &ns, err, sizeof(err)), 0);
	assert_int_equal(ns.n, 0);
	dropdir_close(dd);
}

static void
set_mtime(const char *p, time_t sec)
{
	struct timespec ts[2] = {{sec, 0}, {sec, 0}};

	assert_int_equal(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static void
test_scan_order(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	struct names ns = {.n = 0};
	char err[256] = "";

	write_file(path(f, "incoming", "b"), "b\n");
	set_mtime(f->path, 2000000000);
	write_file(path(f, "incoming", "a"), "a\n");
	set_mtime(f->path, 2000000000);
	write_file(path(f, "incoming", "c"), "c\n");
	set_mtime(f->path, 1000000000);
	write_file(path(f, "incoming", ".hidden"), "h\n");
	set_mtime(f->path, 1);
	assert_int_equal(dropdir_scan(dd, collect, &ns, err, sizeof(err)), 0);
	assert_int_equal(ns.n, 3);
	assert_string_equal(ns.v[0], "c"); /* oldest */
	assert_string_equal(ns.v[1], "a"); /* same time: by name */
	assert_string_equal(ns.v[2], "b");
	names_free(&ns);
	dropdir_close(dd);
}

/*
 * A hard link into incoming/ (the maildir way) is all there is of its
 * file: reported at its IN_CREATE. A file made in place and still open is
 * not, until closed.
 */
static void
test_drain_hardlink(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	struct names ns = {.n = 0};
	char err[256] = "", from[512];
	int fd;

	write_file(path(f, "tmp", "linked.txt"), "one\n");
	snprintf(from, sizeof(from), "%s", path(f, "tmp", "linked.txt"));
	assert_int_equal(link(from, path(f, "incoming", "linked.txt")), 0);
	fd = open(path(f, "incoming", "open.txt"), O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "two\n", 4), 4);
	wait_readable(dd);
	assert_int_equal(dropdir_drain(dd, collect, &ns, err, sizeof(err)), 0);
	assert_true(names_has(&ns, "linked.txt"));
	assert_false(names_has(&ns, "open.txt"));
	names_free(&ns);
	assert_int_equal(close(fd), 0);
	wait_readable(dd);
	assert_int_equal(dropdir_drain(dd, collect, &ns, err, sizeof(err)), 0);
	assert_true(names_has(&ns, "open.txt"));
	names_free(&ns);
	dropdir_close(dd);
}

/*
 * The sweep takes only what is quiet by both times: an mtime set back does
 * not make a file just linked or changed (its ctime now) quiet.
 */
static void
test_sweep_quiet(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	struct names ns = {.n = 0};
	char err[256] = "";

	write_file(path(f, "incoming", "old"), "o\n");
	set_mtime(f->path, time(NULL) - 7200);
	write_file(path(f, "incoming", ".hidden"), "h\n");
	set_mtime(f->path, 1);
	assert_int_equal(dropdir_sweep(dd, 3600, collect, &ns, err, sizeof(err)), 0);
	assert_int_equal(ns.n, 0); /* its ctime is now */
	/* two seconds on, old is quiet for 1 s; new, just written, is not */
	sleep(2);
	write_file(path(f, "incoming", "new"), "n\n");
	assert_int_equal(dropdir_sweep(dd, 1, collect, &ns, err, sizeof(err)), 0);
	assert_int_equal(ns.n, 1);
	assert_string_equal(ns.v[0], "old");
	names_free(&ns);
	dropdir_close(dd);
}

static void
test_read_regular(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	char why[256] = "", *buf = NULL;
	size_t len = 0;

	write_file(path(f, "incoming", "a.txt"), "Title\nbody\n");
	assert_int_equal(dropdir_read(dd, "a.txt", 100, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_OK);
	assert_int_equal(len, 11);
	assert_memory_equal(buf, "Title\nbody\n", 12); /* NUL included */
	free(buf);
	/* exactly max bytes is fine */
	assert_int_equal(dropdir_read(dd, "a.txt", 11, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_OK);
	free(buf);
	/* empty: read, the caller decides */
	write_file(path(f, "incoming", "empty"), "");
	assert_int_equal(dropdir_read(dd, "empty", 100, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_OK);
	assert_int_equal(len, 0);
	assert_int_equal(buf[0], '\0');
	free(buf);
	/* gone, and names that are not ours */
	assert_int_equal(dropdir_read(dd, "nope", 100, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_GONE);
	assert_null(buf);
	assert_int_equal(dropdir_read(dd, "../spool", 100, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_GONE);
	assert_int_equal(dropdir_read(dd, "..", 100, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_GONE);
	dropdir_close(dd);
}

static void
test_symlink(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	char why[256] = "", err[256] = "", outside[128], *buf = NULL;
	size_t len;
	struct stat st;

	snprintf(outside, sizeof(outside), "%s/secret", f->root);
	write_file(outside, "secret\n");
	assert_int_equal(symlink(outside, path(f, "incoming", "link.txt")), 0);
	assert_int_equal(dropdir_read(dd, "link.txt", 100, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_BAD);
	assert_null(buf);
	assert_string_equal(why, "a symbolic link (not followed)");
	assert_int_equal(dropdir_fail(dd, "link.txt", NULL, why, err, sizeof(err)), 0);
	/* the link moved, not its target */
	assert_false(exists(path(f, "incoming", "link.txt")));
	assert_int_equal(lstat(path(f, "failed", "link.txt"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_string_equal(read_text(outside), "secret\n");
	assert_string_equal(read_text(path(f, "failed", "link.txt.error")),
	                    "a symbolic link (not followed)\n");
	dropdir_close(dd);
}

static void
test_fifo(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	char why[256] = "", err[256] = "", *buf = NULL;
	size_t len;
	struct stat st;

	/* no writer: opening it without O_NONBLOCK would block for ever */
	assert_int_equal(mkfifo(path(f, "incoming", "pipe"), 0600), 0);
	assert_int_equal(dropdir_read(dd, "pipe", 100, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_BAD);
	assert_string_equal(why, "a FIFO");
	assert_int_equal(dropdir_fail(dd, "pipe", NULL, why, err, sizeof(err)), 0);
	assert_int_equal(lstat(path(f, "failed", "pipe"), &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_string_equal(read_text(path(f, "failed", "pipe.error")), "a FIFO\n");
	dropdir_close(dd);
}

static void
test_directory(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	struct names ns = {.n = 0};
	char why[256] = "", err[256] = "", *buf = NULL, from[512];
	size_t len;
	struct stat st;

	/* a directory moved in is reported, refused, and moved to failed/ */
	assert_int_equal(mkdir(path(f, "tmp", "dir"), 0700), 0);
	write_file(path(f, "tmp", "dir/inner.txt"), "inner\n");
	snprintf(from, sizeof(from), "%s", path(f, "tmp", "dir"));
	assert_int_equal(rename(from, path(f, "incoming", "dir")), 0);
	wait_readable(dd);
	assert_int_equal(dropdir_drain(dd, collect, &ns, err, sizeof(err)), 0);
	assert_true(names_has(&ns, "dir"));
	names_free(&ns);
	assert_int_equal(dropdir_read(dd, "dir", 100, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_BAD);
	assert_string_equal(why, "a directory");
	assert_int_equal(dropdir_fail(dd, "dir", NULL, why, err, sizeof(err)), 0);
	assert_int_equal(lstat(path(f, "failed", "dir"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_string_equal(read_text(path(f, "failed", "dir/inner.txt")), "inner\n");
	assert_false(exists(path(f, "incoming", "dir")));
	dropdir_close(dd);
}

static void
test_oversize(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	char why[256] = "", *buf = NULL;
	size_t len;

	write_file(path(f, "incoming", "big"), "0123456789A");
	assert_int_equal(dropdir_read(dd, "big", 10, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_BAD);
	assert_null(buf);
	assert_string_equal(why, "larger than max_document_size (11 bytes > 10)");
	dropdir_close(dd);
}

static void
test_unreadable(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd;
	char why[256] = "", *buf = NULL;
	size_t len;

	if (geteuid() == 0) {
		print_message("test_unreadable: skipped: root reads a mode 000 file\n");
		skip();
	}
	dd = open_dd(f);
	write_file(path(f, "incoming", "locked"), "x\n");
	assert_int_equal(chmod(f->path, 0), 0);
	assert_int_equal(dropdir_read(dd, "locked", 100, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_BAD);
	assert_string_equal(why, "cannot read: Permission denied");
	dropdir_close(dd);
}

static void
test_odd_name(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	struct names ns = {.n = 0};
	static const char name[] = "a b\nc.txt";
	char why[256] = "", err[256] = "", *buf = NULL, from[512];
	size_t len;

	write_file(path(f, "tmp", name), "odd\n");
	snprintf(from, sizeof(from), "%s", path(f, "tmp", name));
	assert_int_equal(rename(from, path(f, "incoming", name)), 0);
	wait_readable(dd);
	assert_int_equal(dropdir_drain(dd, collect, &ns, err, sizeof(err)), 0);
	assert_true(names_has(&ns, name));
	names_free(&ns);
	assert_int_equal(dropdir_scan(dd, collect, &ns, err, sizeof(err)), 0);
	assert_int_equal(ns.n, 1);
	assert_string_equal(ns.v[0], name);
	names_free(&ns);
	assert_int_equal(dropdir_read(dd, name, 100, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_OK);
	assert_string_equal(buf, "odd\n");
	free(buf);
	assert_int_equal(dropdir_done(dd, name, NULL, true, err, sizeof(err)), 0);
	assert_string_equal(read_text(path(f, "done", name)), "odd\n");
	assert_false(exists(path(f, "incoming", name)));
	dropdir_close(dd);
}

static void
test_done(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	char err[256] = "";

	write_file(path(f, "incoming", "x.txt"), "first\n");
	assert_int_equal(dropdir_done(dd, "x.txt", NULL, true, err, sizeof(err)), 0);
	write_file(path(f, "incoming", "x.txt"), "second\n");
	assert_int_equal(dropdir_done(dd, "x.txt", NULL, true, err, sizeof(err)), 0);
	write_file(path(f, "incoming", "x.txt"), "third\n");
	assert_int_equal(dropdir_done(dd, "x.txt", NULL, true, err, sizeof(err)), 0);
	assert_string_equal(read_text(path(f, "done", "x.txt")), "first\n");
	assert_string_equal(read_text(path(f, "done", "x.txt.1")), "second\n");
	assert_string_equal(read_text(path(f, "done", "x.txt.2")), "third\n");
	assert_false(exists(path(f, "incoming", "x.txt")));
	/* without keep: gone from everywhere */
	write_file(path(f, "incoming", "y.txt"), "y\n");
	assert_int_equal(dropdir_done(dd, "y.txt", NULL, false, err, sizeof(err)), 0);
	assert_false(exists(path(f, "incoming", "y.txt")));
	assert_false(exists(path(f, "done", "y.txt")));
	/* a name already gone is said so, nothing done */
	assert_int_equal(dropdir_done(dd, "y.txt", NULL, false, err, sizeof(err)), DROPDIR_MISSING);
	assert_int_equal(dropdir_done(dd, "../x", NULL, true, err, sizeof(err)), -1);
	dropdir_close(dd);
}

/* Only the file read moves or goes: a new version renamed over the name stays. */
static void
test_done_identity(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	char why[256] = "", err[256] = "", *buf = NULL, from[512];
	struct dropdir_id a = {.fd = -1}, b = {.fd = -1};
	size_t len;

	for (int keep = 0; keep < 2; keep++) {
		write_file(path(f, "incoming", "same.txt"), "A\n");
		assert_int_equal(
		    dropdir_read(dd, "same.txt", 100, &buf, &len, &a, why, sizeof(why)),
		    DROPDIR_OK);
		free(buf);
		/* B renamed over A after A was read */
		write_file(path(f, "tmp", "b"), "B\n");
		snprintf(from, sizeof(from), "%s", path(f, "tmp", "b"));
		assert_int_equal(rename(from, path(f, "incoming", "same.txt")), 0);
		assert_int_equal(dropdir_done(dd, "same.txt", &a, keep, err, sizeof(err)),
		                 DROPDIR_REPLACED);
		assert_int_equal(dropdir_fail(dd, "same.txt", &a, "x", err, sizeof(err)),
		                 DROPDIR_REPLACED);
		assert_string_equal(read_text(path(f, "incoming", "same.txt")), "B\n");
		assert_false(exists(path(f, "done", "same.txt")));
		assert_false(exists(path(f, "failed", "same.txt")));
		/* B read: B goes */
		assert_int_equal(
		    dropdir_read(dd, "same.txt", 100, &buf, &len, &b, why, sizeof(why)),
		    DROPDIR_OK);
		free(buf);
		assert_false(a.ino == b.ino && a.dev == b.dev);
		assert_int_equal(dropdir_done(dd, "same.txt", &b, keep, err, sizeof(err)),
		                 DROPDIR_MOVED);
		assert_false(exists(path(f, "incoming", "same.txt")));
		assert_int_equal(exists(path(f, "done", "same.txt")), keep);
		if (keep)
			assert_string_equal(read_text(path(f, "done", "same.txt")), "B\n");
	}
	/* the removal left nothing behind in tmp/ */
	assert_int_equal(dir_count(path(f, "tmp", NULL)), 0);
	/* rewritten in place after it was read (same inode, new size): read again */
	write_file(path(f, "incoming", "w.txt"), "one\n");
	assert_int_equal(dropdir_read(dd, "w.txt", 100, &buf, &len, &a, why, sizeof(why)),
	                 DROPDIR_OK);
	free(buf);
	write_file(path(f, "incoming", "w.txt"), "one and two\n");
	assert_int_equal(dropdir_done(dd, "w.txt", &a, true, err, sizeof(err)), DROPDIR_REPLACED);
	assert_true(exists(path(f, "incoming", "w.txt")));
	dropdir_id_close(&a);
	dropdir_id_close(&b);
	assert_int_equal(a.fd, -1);
	dropdir_close(dd);
}

/* A file left in tmp/ on its way out (keep_done = no) by a crash goes back to incoming/. */
static void
test_leftover(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);

	dropdir_close(dd);
	write_file(path(f, "tmp", ".done.0123456789ab"), "stored\n");
	write_file(path(f, "tmp", ".ingest.0123456789ab"), "a producer's\n");
	dd = open_dd(f);
	assert_false(exists(path(f, "tmp", ".done.0123456789ab")));
	assert_string_equal(read_text(path(f, "incoming", "done.0123456789ab")), "stored\n");
	assert_true(exists(path(f, "tmp", ".ingest.0123456789ab")));
	dropdir_close(dd);
}

/* A name taken 10,000 times over in done/ and failed/ still finds a place. */
static void
test_suffix_exhausted(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	char err[256] = "", name[64];
	const char *dirs[] = {"done", "failed"};

	for (size_t d = 0; d < 2; d++) {
		write_file(path(f, dirs[d], "x.txt"), "old\n");
		for (int i = 1; i < 10000; i++) {
			snprintf(name, sizeof(name), "x.txt.%d", i);
			write_file(path(f, dirs[d], name), "old\n");
		}
	}
	for (int round = 0; round < 2; round++) {
		write_file(path(f, "incoming", "x.txt"), "new\n");
		assert_int_equal(dropdir_done(dd, "x.txt", NULL, true, err, sizeof(err)), 0);
		write_file(path(f, "incoming", "x.txt"), "bad\n");
		assert_int_equal(dropdir_fail(dd, "x.txt", NULL, "why", err, sizeof(err)), 0);
	}
	assert_int_equal(dir_count(path(f, "done", NULL)), 10002);
	assert_int_equal(dir_count(path(f, "failed", NULL)), 10004); /* two with their .error */
	assert_int_equal(dir_count(path(f, "incoming", NULL)), 0);
	dropdir_close(dd);
}

static void
test_fail_twice(void **state)
{
	struct fixture *f = *state;
	struct dropdir *dd = open_dd(f);
	char err[256] = "";

	write_file(path(f, "incoming", "bad"), "1\n");
	assert_int_equal(dropdir_fail(dd, "bad", NULL, "no article\nin it", err, sizeof(err)), 0);
	write_file(path(f, "incoming", "bad"), "2\n");
	assert_int_equal(dropdir_fail(dd, "bad", NULL, "again", err, sizeof(err)), 0);
	assert_string_equal(read_text(path(f, "failed", "bad")), "1\n");
	assert_string_equal(read_text(path(f, "failed", "bad.error")), "no article in it\n");
	assert_string_equal(read_text(path(f, "failed", "bad.1")), "2\n");
	assert_string_equal(read_text(path(f, "failed", "bad.1.error")), "again\n");
	/*
	 * A failed file named "c.error" must not be overwritten by the reason
	 * of a later "c": that one becomes c.1 with c.1.error.
	 */
	write_file(path(f, "incoming", "c.error"), "doc\n");
	assert_int_equal(dropdir_fail(dd, "c.error", NULL, "why1", err, sizeof(err)), 0);
	write_file(path(f, "incoming", "c"), "doc2\n");
	assert_int_equal(dropdir_fail(dd, "c", NULL, "why2", err, sizeof(err)), 0);
	assert_string_equal(read_text(path(f, "failed", "c.error")), "doc\n");
	assert_string_equal(read_text(path(f, "failed", "c.1")), "doc2\n");
	assert_string_equal(read_text(path(f, "failed", "c.1.error")), "why2\n");
	dropdir_close(dd);
}

/* The entries of dir, dot files included, but . and .. */
static size_t
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (d == NULL)
		return (size_t)-1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_ingest(void **state)
{
	struct fixture *f = *state;
	char src[128], final[256], err[256] = "";
	struct stat st;

	snprintf(src, sizeof(src), "%s/report.html", f->root);
	write_file(src, "<title>x</title>\n");
	/* the spool need not exist yet */
	assert_int_equal(dropdir_ingest(f->spool, src, final, sizeof(final), err, sizeof(err)), 0);
	assert_string_equal(final, "report.html");
	assert_int_equal(dropdir_ingest(f->spool, src, final, sizeof(final), err, sizeof(err)), 0);
	assert_string_equal(final, "report.html.1");
	assert_string_equal(read_text(path(f, "incoming", "report.html")), "<title>x</title>\n");
	assert_string_equal(read_text(path(f, "incoming", "report.html.1")), "<title>x</title>\n");
	assert_int_equal(stat(path(f, "incoming", "report.html"), &st), 0);
	assert_true(st.st_mode & S_IRGRP);
	assert_int_equal(entries(path(f, "tmp", NULL)), 0);
	/* a dot name would be a write in progress: the dots go */
	snprintf(src, sizeof(src), "%s/.hidden", f->root);
	write_file(src, "h\n");
	assert_int_equal(dropdir_ingest(f->spool, src, final, sizeof(final), err, sizeof(err)), 0);
	assert_string_equal(final, "hidden");
}

static void
test_ingest_errors(void **state)
{
	struct fixture *f = *state;
	char src[128], final[256] = "x", err[256] = "";

	snprintf(src, sizeof(src), "%s/missing.txt", f->root);
	assert_int_equal(dropdir_ingest(f->spool, src, final, sizeof(final), err, sizeof(err)), -1);
	assert_non_null(strstr(err, src));
	assert_non_null(strstr(err, "No such file or directory"));
	assert_string_equal(final, "");
	assert_int_equal(dropdir_ingest(f->spool, f->root, NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is a directory"));
	assert_int_equal(dropdir_ingest(f->spool, "-", NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "standard input"));
	/* a spool whose parent is missing */
	snprintf(src, sizeof(src), "%s/a.txt", f->root);
	write_file(src, "a\n");
	snprintf(final, sizeof(final), "%s/no/spool", f->root);
	assert_int_equal(dropdir_ingest(final, src, NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "does not exist"));
}

static void
test_ingest_cleanup(void **state)
{
	struct fixture *f = *state;
	char src[512], final[NAME_MAX + 1], err[1024] = "";
	size_t n;

	/* a name of NAME_MAX bytes is cut short to make room for its suffix */
	n = (size_t)snprintf(src, sizeof(src), "%s/", f->root);
	memset(src + n, 'x', 255);
	src[n + 255] = '\0';
	write_file(src, "long\n");
	assert_int_equal(dropdir_ingest(f->spool, src, NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(dropdir_ingest(f->spool, src, final, sizeof(final), err, sizeof(err)), 0);
	assert_int_equal(strlen(final), 255);
	assert_string_equal(final + 253, ".1");
	/* no temporary copy is left */
	assert_int_equal(entries(path(f, "tmp", NULL)), 0);
	assert_int_equal(entries(path(f, "incoming", NULL)), 2);
}

/*
 * dropdir_ingest_meta(): the bytes copied as they are (a plain text with
 * "<...>" in it stays plain text), the language and charset beside them,
 * which dropdir_meta_get() reads back from the file dropdir_read() read.
 */
static void
test_ingest_meta(void **state)
{
	struct fixture *f = *state;
	const char *text = "Note\nFrom: <Lena Okafor> via the desk\n";
	struct dropdir_meta meta = {.lang = "en", .charset = "latin1"};
	char src[128], final[256], err[256] = "", why[256] = "", lang[8], cs[32], *buf = NULL;
	struct dropdir *dd;
	size_t len = 0;

	snprintf(src, sizeof(src), "%s/fw.txt", f->root);
	write_file(src, text);
	if (dropdir_ingest_meta(f->spool, src, &meta, final, sizeof(final), err, sizeof(err)) < 0) {
		/* a temporary directory on a file system without extended attributes */
		assert_non_null(strstr(err, "keeps none"));
		skip();
	}
	assert_string_equal(read_text(path(f, "incoming", "fw.txt")), text);
	dd = open_dd(f);
	assert_int_equal(dropdir_read(dd, "fw.txt", 1000, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_OK);
	assert_int_equal(dropdir_meta_get(&rid, lang, cs, why, sizeof(why)), 0);
	assert_string_equal(lang, "en");
	assert_string_equal(cs, "windows-1252");
	free(buf);
	dropdir_id_close(&rid);
	/* none set: none read */
	assert_int_equal(dropdir_ingest(f->spool, src, final, sizeof(final), err, sizeof(err)), 0);
	assert_string_equal(final, "fw.txt.1");
	assert_int_equal(dropdir_read(dd, final, 1000, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_OK);
	assert_int_equal(dropdir_meta_get(&rid, lang, cs, why, sizeof(why)), 0);
	assert_string_equal(lang, "");
	assert_string_equal(cs, "");
	free(buf);
	dropdir_id_close(&rid);
	/* a value set by hand that is no code: the file is refused, the cause named */
	meta = (struct dropdir_meta){.lang = "french"};
	assert_int_equal(
	    dropdir_ingest_meta(f->spool, src, &meta, final, sizeof(final), err, sizeof(err)), 0);
	assert_int_equal(dropdir_read(dd, final, 1000, &buf, &len, &rid, why, sizeof(why)),
	                 DROPDIR_OK);
	assert_int_equal(dropdir_meta_get(&rid, lang, cs, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "user.hark.lang: 'french' is not an ISO 639-1 code"));
	free(buf);
	dropdir_id_close(&rid);
	dropdir_close(dd);
	assert_int_equal(entries(path(f, "tmp", NULL)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_creates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_missing_parent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_link_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inotify, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_drain_many, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scan_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_drain_hardlink, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sweep_quiet, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_regular, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_symlink, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_oversize, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_odd_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_done_identity, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_suffix_exhausted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_leftover, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_done, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fail_twice, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ingest, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ingest_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ingest_cleanup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ingest_meta, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
