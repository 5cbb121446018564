/*
 * dropdir.c: the drop directory of CLI.md (Linux: inotify, *at() calls).
 *
 * The four directories are opened once and kept as descriptors; every
 * operation on a file name is relative to one of them, so that a spool path
 * renamed or replaced under us is never half-followed, and a name is never
 * resolved through a link (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, rename of the
 * entry itself).
 *
 * Names: what inotify and the scan hand to the caller, and what the caller
 * hands back, are single path components. A name holding '/' or starting
 * with '.' (thus "." and "..") is ignored: dot files are by convention
 * writes in progress (rsync, editors, our own temporaries), and a producer
 * that writes in place under a dot name then renames it is taken at the
 * rename.
 *
 * Queue overflow: when the kernel drops events (more than
 * /proc/sys/fs/inotify/max_queued_events pending), the queue holds one
 * IN_Q_OVERFLOW event; dropdir_drain() reports it as 1 and the caller
 * rescans with dropdir_scan(). The unit tests do not provoke it (that needs
 * a lowered system-wide limit).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "charset.h"
#include "dropdir.h"
#include "fileio.h"
#include "lang.h"
#include "log.h"

/*
 * Simple suffixes tried for a name taken in done/ or failed/ (".1" ...
 * ".999"); then ".iINODE", then ".iINODE.RANDOM" (see dropdir.h): a
 * scheme that cannot run out, and a bounded cost a move.
 */
#define SUFFIX_MAX 1000
/* tmp/ names of files on their way out with keep_done = no (see take()). */
#define DONE_PREFIX ".done."
/* Random suffixes tried after ".iINODE", each a 48-bit draw. */
#define RANDOM_TRIES 64

/*
 * What the watch on incoming/ asks for: files arriving, and the directory
 * renamed. IN_CREATE for what is made in place and never written, so never
 * closed after a write (a symbolic link, a FIFO, a directory): dropdir_drain
 * passes those on at once, not a regular file, which is taken when closed.
 */
#define WATCH_MASK                                                                                 \
	(IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE | IN_ONLYDIR | IN_DELETE_SELF | IN_MOVE_SELF)
/*
 * And the watch on the spool: the name incoming removed, renamed or taken
 * by another directory. IN_DELETE_SELF on incoming/ itself comes only once
 * its last descriptor is closed, and ours stays open: its removal shows
 * here, in its parent.
 */
#define SPOOL_MASK                                                                                 \
	(IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_ONLYDIR | IN_MOVE_SELF |         \
	 IN_DELETE_SELF)

enum { D_SPOOL, D_TMP, D_INCOMING, D_DONE, D_FAILED, D_N };

static const char *const dir_names[D_N] = {".", "tmp", "incoming", "done", "failed"};

struct dropdir {
	char *spool; /* owned; the path given, for messages */
	int fd[D_N]; /* owned directory descriptors (O_RDONLY: fsync needs them readable) */
	int ino;     /* owned inotify descriptor */
	int wd;      /* the watch on incoming/ (events of older watches are dropped) */
	int swd;     /* the watch on the spool, for what happens to the name incoming */
};

static bool
name_ok(const char *name)
{
	return name[0] != '\0' && name[0] != '.' && strchr(name, '/') == NULL;
}

static const char *
kind_name(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISLNK(m))
		return "a symbolic link (not followed)";
	return "not a regular file";
}

static void
close_fds(int *fd, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fd[i] >= 0) {
			close(fd[i]);
			fd[i] = -1;
		}
}

/*
 * Create the directory path (the last component only: its parent must
 * exist) when missing. mkdir(2) on Linux takes the set-group-ID bit from the
 * parent, not from mode, so it is added afterwards to what the umask left:
 * files dropped in then belong to the spool's group.
 */
static int
mkdir_spool(const char *path, char *err, size_t errsz)
{
	int fd;
	struct stat st;

	if (mkdir(path, 02775) == 0) {
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) == 0)
			(void)fchmod(fd, (st.st_mode & 07777) | S_ISGID);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (errno == EEXIST)
		return 0;
	/* "its parent does not exist" only when it does not (mkdir in /proc: ENOENT) */
	dir_mkdir_error(path, errno, err, errsz);
	return -1;
}

/* As mkdir_spool, for a subdirectory of the spool, by descriptor. */
static int
open_subdir(int spool, const char *spath, const char *name, char *err, size_t errsz)
{
	int fd;
	struct stat st;

	if (mkdirat(spool, name, 02775) == 0) {
		fd = openat(spool, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) == 0)
			(void)fchmod(fd, (st.st_mode & 07777) | S_ISGID);
	} else if (errno == EEXIST) {
		/* a link to a directory elsewhere is refused: renames across it would fail */
		fd = openat(spool, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	} else {
		snprintf(err, errsz, "%s/%s: cannot create: %s", spath, name, strerror(errno));
		return -1;
	}
	if (fd < 0) {
		int e = errno;

		if (e == ELOOP ||
		    (e == ENOTDIR && fstatat(spool, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		     S_ISLNK(st.st_mode)))
			snprintf(err, errsz, "%s/%s: a symbolic link (not followed)", spath, name);
		else
			snprintf(err, errsz, "%s/%s: %s", spath, name, strerror(e));
		return -1;
	}
	return fd;
}

int
dropdir_check(const char *spool, const char *made, char *err, size_t errsz)
{
	if (dir_check(spool, made, err, errsz) < 0)
		return -1;
	for (int i = D_TMP; i < D_N; i++) {
		char sub[4096];
		struct stat st;

		snprintf(sub, sizeof(sub), "%s/%s", spool, dir_names[i]);
		if (lstat(sub, &st) < 0 && errno == ENOENT)
			continue; /* made at the start, in the spool checked above */
		if (lstat(sub, &st) == 0 && S_ISLNK(st.st_mode)) {
			snprintf(err, errsz, "%s: a symbolic link (not followed)", sub);
			errno = ELOOP;
			return -1;
		}
		if (dir_check(sub, NULL, err, errsz) < 0)
			return -1;
	}
	return 0;
}

static int move_noreplace(int from, const char *name, int to, const char *base, bool skip_error,
                          char *dest, size_t destsz);

/* Open (creating when missing) the spool and its four directories into fd[D_N]. */
static int
spool_open(const char *spool, int *fd, char *err, size_t errsz)
{
	for (int i = 0; i < D_N; i++)
		fd[i] = -1;
	if (mkdir_spool(spool, err, errsz) < 0)
		return -1;
	fd[D_SPOOL] = open(spool, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd[D_SPOOL] < 0) {
		snprintf(err, errsz, "%s: %s", spool, strerror(errno));
		return -1;
	}
	for (int i = D_TMP; i < D_N; i++) {
		fd[i] = open_subdir(fd[D_SPOOL], spool, dir_names[i], err, errsz);
		if (fd[i] < 0) {
			close_fds(fd, D_N);
			return -1;
		}
	}
	return 0;
}

/*
 * Watch the directory we opened (fd), not whatever the path names now:
 * through /proc/self/fd when /proc is there, else by the path (sub:
 * "/incoming" or "", where a link is refused). Returns the watch, -1 with
 * err.
 */
static int
watch_dir(int ino, int fd, const char *spool, const char *sub, uint32_t mask, char *err,
          size_t errsz)
{
	char proc[64], path[PATH_MAX];
	int wd;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	wd = inotify_add_watch(ino, proc, mask);
	if (wd >= 0)
		return wd;
	snprintf(path, sizeof(path), "%s%s", spool, sub);
	wd = inotify_add_watch(ino, path, mask | IN_DONT_FOLLOW);
	if (wd < 0)
		snprintf(err, errsz, "%s: inotify: %s", path, strerror(errno));
	return wd;
}

/*
 * With keep_done = no a file goes to tmp/.done.RANDOM before it is removed
 * (see take()): a crash in between leaves it there, stored already (but in
 * a race lost at that very moment). Such names are ours alone: they go back
 * to incoming/ as done.RANDOM, where the scan finds them and their content
 * hash shows them stored, and they are removed.
 */
static void
remove_leftovers(struct dropdir *dd)
{
	struct dirent *de;
	DIR *d;
	int fd = openat(dd->fd[D_TMP], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, DONE_PREFIX, sizeof(DONE_PREFIX) - 1) == 0) {
			char dest[NAME_MAX + 1];

			(void)move_noreplace(dd->fd[D_TMP], de->d_name, dd->fd[D_INCOMING],
			                     de->d_name + 1, false, dest, sizeof(dest));
		}
	closedir(d);
}

int
dropdir_open(const char *spool, struct dropdir **out, char *err, size_t errsz)
{
	struct dropdir *dd;

	*out = NULL;
	dd = calloc(1, sizeof(*dd));
	if (dd == NULL || (dd->spool = strdup(spool)) == NULL) {
		free(dd);
		snprintf(err, errsz, "%s: %s", spool, strerror(ENOMEM));
		return -1;
	}
	dd->ino = -1;
	if (spool_open(spool, dd->fd, err, errsz) < 0) {
		free(dd->spool);
		free(dd);
		return -1;
	}
	dd->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (dd->ino < 0) {
		snprintf(err, errsz, "inotify: %s", strerror(errno));
		goto fail;
	}
	dd->wd = watch_dir(dd->ino, dd->fd[D_INCOMING], spool, "/incoming", WATCH_MASK, err, errsz);
	if (dd->wd < 0)
		goto fail;
	dd->swd = watch_dir(dd->ino, dd->fd[D_SPOOL], spool, "", SPOOL_MASK, err, errsz);
	if (dd->swd < 0)
		goto fail;
	remove_leftovers(dd);
	*out = dd;
	return 0;
fail:
	dropdir_close(dd);
	return -1;
}

void
dropdir_close(struct dropdir *dd)
{
	if (dd == NULL)
		return;
	close_fds(dd->fd, D_N);
	if (dd->ino >= 0)
		close(dd->ino);
	free(dd->spool);
	free(dd);
}

int
dropdir_fd(const struct dropdir *dd)
{
	return dd->ino;
}

/* Whether spool/NAME (dir_names[which]) is still the directory we hold. */
static bool
dir_same(const struct dropdir *dd, int which, struct stat *ours)
{
	char path[PATH_MAX];
	struct stat now;

	if (fstat(dd->fd[which], ours) < 0)
		memset(ours, 0, sizeof(*ours));
	snprintf(path, sizeof(path), "%s/%s", dd->spool, dir_names[which]);
	return lstat(path, &now) == 0 && now.st_dev == ours->st_dev && now.st_ino == ours->st_ino;
}

/*
 * Whether one of the spool's four directories is no longer the one we hold
 * (said in err): removed, renamed away, or another in its place. Moves into
 * a removed done/ would fail for ever; files dropped into a new incoming/
 * would never be seen.
 */
static bool
spool_changed(const struct dropdir *dd, char *err, size_t errsz)
{
	static const int order[] = {D_INCOMING, D_DONE, D_FAILED, D_TMP};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		char path[PATH_MAX];
		struct stat ours, now;

		if (dir_same(dd, order[i], &ours))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dd->spool, dir_names[order[i]]);
		snprintf(err, errsz, "%s/ was %s", path,
		         ours.st_nlink == 0       ? "removed"
		         : lstat(path, &now) == 0 ? "replaced by another directory"
		                                  : "renamed away");
		return true;
	}
	return false;
}

int
dropdir_drain(struct dropdir *dd, dropdir_fn fn, void *arg, char *err, size_t errsz)
{
	/* aligned for struct inotify_event; room for many events a read */
	char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	bool check = false;
	int rc = 0;

	for (;;) {
		ssize_t n = read(dd->ino, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			snprintf(err, errsz, "%s/incoming: inotify: %s", dd->spool,
			         strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)p;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				if (rc == 0)
					rc = 1;
				continue;
			}
			if (ev->wd == dd->swd) {
				/* one of the four names, or the spool itself renamed */
				if (ev->mask & (IN_MOVE_SELF | IN_DELETE_SELF))
					check = true;
				for (int i = D_TMP; ev->len > 0 && i < D_N; i++)
					if (strcmp(ev->name, dir_names[i]) == 0)
						check = true;
				continue;
			}
			if (ev->wd != dd->wd)
				continue; /* the spool's other names, or an older watch */
			if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
				check = true;
				continue;
			}
			if (ev->len == 0 || !name_ok(ev->name))
				continue;
			/*
			 * Made in place: a regular file is being written (its
			 * IN_CLOSE_WRITE comes), unless it has another name: a
			 * hard link to a file written elsewhere (ln tmp/x
			 * incoming/x, the maildir way), whose content is all
			 * there and for which no close or rename ever comes
			 * here. Anything else is all there is of it, passed on
			 * now for dropdir_read() to say BAD, as a link or a
			 * directory moved in is. Gone already: nothing. A
			 * hard link whose other name went before this stat (ln
			 * then rm) looks like a file being written: the sweep
			 * (dropdir_sweep) takes it once quiet.
			 */
			if ((ev->mask & (IN_MOVED_TO | IN_CLOSE_WRITE)) == 0) {
				struct stat st;

				if (fstatat(dd->fd[D_INCOMING], ev->name, &st,
				            AT_SYMLINK_NOFOLLOW) != 0 ||
				    (S_ISREG(st.st_mode) && st.st_nlink <= 1))
					continue;
			}
			fn(ev->name, arg);
		}
	}
	if (check && spool_changed(dd, err, errsz))
		return 2;
	return rc;
}

/* The files (names of ours) directory fd holds, -1 when it cannot be read. */
static long
count_files(int dir)
{
	struct dirent *de;
	long n = 0;
	DIR *d;
	int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (name_ok(de->d_name))
			n++;
	closedir(d);
	return n;
}

int
dropdir_rewatch(struct dropdir *dd, char *what, size_t whatsz, char *err, size_t errsz)
{
	int fd[D_N], wd, swd;
	struct stat st;

	/* what became of the old incoming/, while its descriptor still says */
	if (dir_same(dd, D_INCOMING, &st)) {
		what[0] = '\0'; /* another of the four went */
	} else if (st.st_nlink == 0) {
		snprintf(what, whatsz, "removed");
	} else {
		char proc[64], path[PATH_MAX];
		ssize_t n;
		long files = count_files(dd->fd[D_INCOMING]);

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dd->fd[D_INCOMING]);
		n = readlink(proc, path, sizeof(path) - 1);
		if (n < 0)
			snprintf(path, sizeof(path), "(a place unknown)");
		else
			path[n] = '\0';
		if (files <= 0)
			snprintf(what, whatsz, "renamed to %s%s", path,
			         files == 0 ? " (empty)" : "");
		else
			snprintf(what, whatsz, "renamed to %s with %ld file%s in it", path, files,
			         files == 1 ? "" : "s");
	}
	if (spool_open(dd->spool, fd, err, errsz) < 0)
		return -1;
	wd = watch_dir(dd->ino, fd[D_INCOMING], dd->spool, "/incoming", WATCH_MASK, err, errsz);
	if (wd < 0) {
		close_fds(fd, D_N);
		return -1;
	}
	swd = watch_dir(dd->ino, fd[D_SPOOL], dd->spool, "", SPOOL_MASK, err, errsz);
	if (swd < 0) {
		if (wd != dd->wd)
			(void)inotify_rm_watch(dd->ino, wd);
		close_fds(fd, D_N);
		return -1;
	}
	/* a renamed directory keeps its watch: drop it (its IN_IGNORED is skipped) */
	if (wd != dd->wd)
		(void)inotify_rm_watch(dd->ino, dd->wd);
	if (swd != dd->swd)
		(void)inotify_rm_watch(dd->ino, dd->swd);
	dd->wd = wd;
	dd->swd = swd;
	close_fds(dd->fd, D_N);
	memcpy(dd->fd, fd, sizeof(fd));
	return 0;
}

struct entry {
	char *name;
	struct timespec mtime;
};

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* a stat time at or before cut (quiet_s ago) */
static bool
ts_quiet(struct timespec t, time_t cut)
{
	return t.tv_sec < cut || (t.tv_sec == cut && t.tv_nsec == 0);
}

/*
 * dropdir_scan() (quiet_s < 0) and dropdir_sweep(): every entry, or those
 * whose mtime and ctime are both quiet_s seconds old or more.
 */
static int
scan_entries(struct dropdir *dd, long quiet_s, dropdir_fn fn, void *arg, char *err, size_t errsz)
{
	struct timespec now;
	time_t cut = 0;
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd, rc = -1;

	if (quiet_s >= 0) {
		clock_gettime(CLOCK_REALTIME, &now);
		cut = now.tv_sec - (time_t)quiet_s;
	}
	/* a descriptor of our own: readdir's position must not be shared */
	fd = openat(dd->fd[D_INCOMING], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		snprintf(err, errsz, "%s/incoming: %s", dd->spool, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (;;) {
		struct stat st;

		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				snprintf(err, errsz, "%s/incoming: %s", dd->spool, strerror(errno));
				goto out;
			}
			break;
		}
		if (!name_ok(de->d_name))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue; /* taken meanwhile */
			if (quiet_s >= 0)
				continue; /* not known to be quiet: the next sweep */
			memset(&st, 0, sizeof(st));
		}
		if (quiet_s >= 0 && !(ts_quiet(st.st_mtim, cut) && ts_quiet(st.st_ctim, cut)))
			continue; /* written or linked lately: perhaps still being written */
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct entry *nv = realloc(v, ncap * sizeof(*v));

			if (nv == NULL)
				goto nomem;
			v = nv;
			cap = ncap;
		}
		if ((v[n].name = strdup(de->d_name)) == NULL)
			goto nomem;
		v[n].mtime = st.st_mtim;
		n++;
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), entry_cmp);
	for (size_t i = 0; i < n; i++)
		fn(v[i].name, arg);
	rc = 0;
	goto out;
nomem:
	snprintf(err, errsz, "%s/incoming: %s", dd->spool, strerror(ENOMEM));
out:
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	closedir(d);
	return rc;
}

int
dropdir_scan(struct dropdir *dd, dropdir_fn fn, void *arg, char *err, size_t errsz)
{
	return scan_entries(dd, -1, fn, arg, err, errsz);
}

int
dropdir_sweep(struct dropdir *dd, long quiet_s, dropdir_fn fn, void *arg, char *err, size_t errsz)
{
	return scan_entries(dd, quiet_s < 0 ? 0 : quiet_s, fn, arg, err, errsz);
}

void
dropdir_id_init(struct dropdir_id *id)
{
	memset(id, 0, sizeof(*id));
	id->fd = -1;
}

void
dropdir_id_close(struct dropdir_id *id)
{
	if (id->fd >= 0)
		close(id->fd);
	dropdir_id_init(id);
}

void
dropdir_id_unpin(struct dropdir_id *id)
{
	if (id->fd >= 0)
		close(id->fd);
	id->fd = -1;
}

static void
id_set(struct dropdir_id *id, const struct stat *st)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtime = st->st_mtim;
	id->ctime = st->st_ctim;
}

static bool
ts_eq(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/*
 * Whether st is the file id (NULL: any). Before a move (strict) the size
 * and times must match too: a file rewritten in place since it was read is
 * read again rather than moved, and without a descriptor pinning the inode
 * its number may be another file's by now. After our own rename (which
 * changes the ctime) only the inode is compared.
 */
static bool
same_file(const struct stat *st, const struct dropdir_id *id, bool strict)
{
	if (id == NULL)
		return true;
	if (st->st_dev != id->dev || st->st_ino != id->ino)
		return false;
	return !strict || (st->st_size == id->size && ts_eq(st->st_mtim, id->mtime) &&
	                   ts_eq(st->st_ctim, id->ctime));
}

static enum dropdir_read_result
open_error(int e, char *why, size_t whysz)
{
	switch (e) {
	case ENOENT:
		return DROPDIR_GONE;
	case ELOOP:
		snprintf(why, whysz, "a symbolic link (not followed)");
		return DROPDIR_BAD;
	case EACCES:
	case EPERM:
		snprintf(why, whysz, "cannot read: %s", strerror(e));
		return DROPDIR_BAD;
	case ENXIO:
		snprintf(why, whysz, "a socket or FIFO that cannot be opened");
		return DROPDIR_BAD;
	case EMFILE:
	case ENFILE:
	case EIO:
	case ENOMEM:
	case EINTR:
	case EAGAIN: /* a lease or mandatory lock: later */
		snprintf(why, whysz, "cannot open: %s", strerror(e));
		return DROPDIR_ERROR;
	default:
		snprintf(why, whysz, "cannot open: %s", strerror(e));
		return DROPDIR_BAD;
	}
}

enum dropdir_read_result
dropdir_read(struct dropdir *dd, const char *name, size_t max, char **buf, size_t *len,
             struct dropdir_id *id, char *why, size_t whysz)
{
	enum dropdir_read_result rc;
	struct stat st;
	size_t cap, n = 0;
	char *b;
	int fd;

	*buf = NULL;
	*len = 0;
	dropdir_id_close(id);
	if (max > SIZE_MAX / 2)
		max = SIZE_MAX / 2; /* max + 1 below must not wrap */
	if (!name_ok(name))
		return DROPDIR_GONE; /* not a name of ours (see the top) */
	/*
	 * Look before opening: opening a device can have effects (a tape
	 * rewinds), a directory need not be opened to be refused. fstat after
	 * the open decides, for the name may have been replaced meanwhile.
	 */
	if (fstatat(dd->fd[D_INCOMING], name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return open_error(errno, why, whysz);
	id_set(id, &st);
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whysz, "%s", kind_name(st.st_mode));
		return DROPDIR_BAD;
	}
	do
		fd = openat(dd->fd[D_INCOMING], name,
		            O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return open_error(errno, why, whysz);
	if (fstat(fd, &st) < 0) {
		snprintf(why, whysz, "cannot stat: %s", strerror(errno));
		close(fd);
		return DROPDIR_ERROR;
	}
	/* the file read, whatever the name holds by now */
	id_set(id, &st);
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whysz, "%s", kind_name(st.st_mode));
		close(fd);
		return DROPDIR_BAD;
	}
	if ((uintmax_t)st.st_size > max) {
		snprintf(why, whysz, "larger than max_document_size (%jd bytes > %zu)",
		         (intmax_t)st.st_size, max);
		close(fd);
		return DROPDIR_BAD;
	}
	/* one byte more than the size: reaching it says the file grew */
	cap = (size_t)st.st_size + 1;
	if ((b = malloc(cap + 1)) == NULL) {
		snprintf(why, whysz, "%s", strerror(ENOMEM));
		close(fd);
		return DROPDIR_ERROR;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			char *nb;

			if (n > max) {
				snprintf(why, whysz,
				         "larger than max_document_size (grew past %zu bytes while "
				         "read)",
				         max);
				rc = DROPDIR_BAD;
				goto fail;
			}
			if ((nb = realloc(b, ncap + 1)) == NULL) {
				snprintf(why, whysz, "%s", strerror(ENOMEM));
				rc = DROPDIR_ERROR;
				goto fail;
			}
			b = nb;
			cap = ncap;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			snprintf(why, whysz, "cannot read: %s", strerror(e));
			rc = e == EIO || e == ENOMEM ? DROPDIR_ERROR : DROPDIR_BAD;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		snprintf(why, whysz,
		         "larger than max_document_size (grew past %zu bytes while read)", max);
		rc = DROPDIR_BAD;
		goto fail;
	}
	id->fd = fd; /* pins the inode until the caller moved the file */
	b[n] = '\0';
	*buf = b;
	*len = n;
	return DROPDIR_OK;
fail:
	free(b);
	close(fd);
	return rc;
}

static int
fsync_dir(const struct dropdir *dd, int which, char *err, size_t errsz)
{
	if (fsync(dd->fd[which]) < 0 && errno != EINVAL) {
		snprintf(err, errsz, "%s/%s: fsync: %s", dd->spool, dir_names[which],
		         strerror(errno));
		return -1;
	}
	return 0;
}

/* 48 random bits (for names; not secrets). */
static uint64_t
random48(void)
{
	static unsigned counter;
	uint64_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		r = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^ ++counter;
	}
	return r & 0xffffffffffffULL;
}

/*
 * dest = base then suffix, base cut short (on a character boundary) so that
 * it and then extra more bytes (".error") fit in NAME_MAX: a file of a
 * 255-byte name must still find a place in done/ and failed/. Returns the
 * length, -1 when nothing of base would be left.
 */
static int
name_fit(char *dest, size_t destsz, const char *base, const char *suffix, size_t extra)
{
	size_t keep = strlen(base), sl = strlen(suffix), room;

	if (destsz < NAME_MAX + 1 || NAME_MAX < extra + sl + 1)
		return -1;
	room = NAME_MAX - extra - sl;
	if (keep > room) {
		keep = room;
		/* not inside a UTF-8 sequence: back to the byte that starts it */
		while (keep > 0 && ((unsigned char)base[keep] & 0xc0) == 0x80)
			keep--;
		if (keep == 0)
			return -1;
	}
	memcpy(dest, base, keep);
	memcpy(dest + keep, suffix, sl + 1);
	return (int)(keep + sl);
}

/*
 * The suffix of the i-th name tried for a file of inode ino: none, ".1" to
 * ".999", ".iINODE" (unique among the files present at once on one file
 * system, so taken only by a file someone named so), then random.
 */
static void
suffix_nth(char *suffix, size_t size, unsigned i, ino_t ino)
{
	if (i == 0)
		suffix[0] = '\0';
	else if (i < SUFFIX_MAX)
		snprintf(suffix, size, ".%u", i);
	else if (i == SUFFIX_MAX)
		snprintf(suffix, size, ".i%ju", (uintmax_t)ino);
	else
		snprintf(suffix, size, ".i%ju.%012jx", (uintmax_t)ino, (uintmax_t)random48());
}

/*
 * Rename from/name to to/ under base, or base with a suffix (suffix_nth)
 * when taken, never replacing anything. The name chosen goes to dest.
 * With skip_error, a candidate whose "CANDIDATE.error" exists in to/ is
 * passed over too (failed/ keeps both side by side). Returns 0, or -1 with
 * errno.
 */
static int
move_noreplace(int from, const char *name, int to, const char *base, bool skip_error, char *dest,
               size_t destsz)
{
	bool fallback = false;
	struct stat self;

	if (fstatat(from, name, &self, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	for (unsigned i = 0; i < SUFFIX_MAX + 1 + RANDOM_TRIES; i++) {
		char errname[NAME_MAX + 16], suffix[64];
		struct stat st;
		int n;

		suffix_nth(suffix, sizeof(suffix), i, self.st_ino);
		n = name_fit(dest, destsz, base, suffix, skip_error ? sizeof(".error") - 1 : 0);
		if (n < 0) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (skip_error) {
			snprintf(errname, sizeof(errname), "%s.error", dest);
			if (fstatat(to, errname, &st, AT_SYMLINK_NOFOLLOW) == 0)
				continue;
		}
		if (!fallback) {
			if (renameat2(from, name, to, dest, RENAME_NOREPLACE) == 0)
				return 0;
			if (errno == EEXIST)
				continue;
			if (errno != EINVAL && errno != ENOSYS)
				return -1;
			fallback = true; /* the file system has no RENAME_NOREPLACE */
		}
		/* a hard link fails when the name is taken; the link itself, not its target */
		if (linkat(from, name, to, dest, 0) == 0) {
			if (unlinkat(from, name, 0) < 0) {
				int e = errno;

				(void)unlinkat(to, dest, 0);
				errno = e;
				return -1;
			}
			return 0;
		}
		if (errno == EEXIST)
			continue;
		if (errno != EPERM)
			return -1;
		/* a directory cannot be linked: look, then rename (racy, but only here) */
		if (fstatat(to, dest, &st, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (errno != ENOENT)
			return -1;
		return renameat(from, name, to, dest);
	}
	errno = EEXIST;
	return -1;
}

/*
 * Take incoming/name, when it is still the file id, into directory to
 * (D_DONE, D_FAILED; its final name in dest) or remove it (D_TMP: it goes
 * to a dot name of tmp/ first, then is removed). The name is checked
 * before the rename and the file after it: a file renamed over the name in
 * the instant between is moved back to incoming/ (under a suffix when the
 * name was taken again meanwhile), where inotify hands it to us anew.
 */
static enum dropdir_move_result
take(struct dropdir *dd, const char *name, const struct dropdir_id *id, int to, bool skip_error,
     char *dest, size_t destsz, char *err, size_t errsz)
{
	int in = dd->fd[D_INCOMING], tofd = dd->fd[to];
	const char *base = name;
	char tmpname[32], back[NAME_MAX + 1];
	struct stat st;

	if (fstatat(in, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return DROPDIR_MISSING;
		snprintf(err, errsz, "%s/incoming/%s: %s", dd->spool, name, strerror(errno));
		return DROPDIR_MOVE_ERROR;
	}
	if (!same_file(&st, id, true))
		return DROPDIR_REPLACED;
	if (to == D_TMP) {
		snprintf(tmpname, sizeof(tmpname), DONE_PREFIX "%012jx", (uintmax_t)random48());
		base = tmpname;
	}
	if (move_noreplace(in, name, tofd, base, skip_error, dest, destsz) < 0) {
		int e = errno;

		if (e == ENOENT && fstatat(in, name, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
		    errno == ENOENT)
			return DROPDIR_MISSING;
		/* else the destination went (a removed done/): an error, tried again */
		if (to == D_TMP && e == EXDEV) {
			/* tmp/ on another file system: remove by name, checked just before */
			if (unlinkat(in, name, 0) == 0)
				return DROPDIR_MOVED;
			e = errno;
		}
		snprintf(err, errsz, "%s/incoming/%s: cannot %s: %s", dd->spool, name,
		         to == D_TMP    ? "remove"
		         : to == D_DONE ? "move to done/"
		                        : "move to failed/",
		         strerror(e));
		return DROPDIR_MOVE_ERROR;
	}
	if (fstatat(tofd, dest, &st, AT_SYMLINK_NOFOLLOW) == 0 && !same_file(&st, id, false)) {
		/* lost the race: put the newcomer back, unread */
		if (move_noreplace(tofd, dest, in, name, false, back, sizeof(back)) < 0)
			snprintf(err, errsz,
			         "%s/incoming/%s: replaced while moved; the new file is in %s/%s "
			         "and could not be moved back: %s",
			         dd->spool, name, dir_names[to], dest, strerror(errno));
		return DROPDIR_REPLACED;
	}
	if (to == D_TMP && unlinkat(tofd, dest, 0) < 0) {
		snprintf(err, errsz, "%s/tmp/%s: cannot remove: %s", dd->spool, dest,
		         strerror(errno));
		return DROPDIR_MOVE_ERROR;
	}
	return DROPDIR_MOVED;
}

/*
 * Create a dot file in dir with a random suffix after prefix, O_EXCL, mode
 * 0660 less the umask. Its name goes to name. Returns the descriptor, -1.
 */
static int
temp_create(int dir, const char *prefix, char *name, size_t namesz)
{
	for (int tries = 0; tries < 100; tries++) {
		int fd;

		snprintf(name, namesz, "%s%012jx", prefix, (uintmax_t)random48());
		fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0660);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			break;
	}
	name[0] = '\0'; /* nothing of ours to remove */
	return -1;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

enum dropdir_move_result
dropdir_done(struct dropdir *dd, const char *name, const struct dropdir_id *id, bool keep,
             char *err, size_t errsz)
{
	char dest[NAME_MAX + 1];

	if (!name_ok(name)) {
		snprintf(err, errsz, "%s/incoming: '%s' is not a drop file name", dd->spool, name);
		return DROPDIR_MOVE_ERROR;
	}
	return take(dd, name, id, keep ? D_DONE : D_TMP, false, dest, sizeof(dest), err, errsz);
}

int
dropdir_sync(struct dropdir *dd, char *err, size_t errsz)
{
	if (fsync_dir(dd, D_DONE, err, errsz) < 0)
		return -1;
	return fsync_dir(dd, D_INCOMING, err, errsz);
}

enum dropdir_move_result
dropdir_fail(struct dropdir *dd, const char *name, const struct dropdir_id *id, const char *why,
             char *err, size_t errsz)
{
	char dest[NAME_MAX + 1], tmp[32], errname[NAME_MAX + 16];
	enum dropdir_move_result r;
	char *line;
	size_t n;
	int fd;

	tmp[0] = '\0';
	if (!name_ok(name)) {
		snprintf(err, errsz, "%s/incoming: '%s' is not a drop file name", dd->spool, name);
		return DROPDIR_MOVE_ERROR;
	}
	r = take(dd, name, id, D_FAILED, true, dest, sizeof(dest), err, errsz);
	if (r != DROPDIR_MOVED)
		return r;
	/* from here on the file is in failed/: a failure says so (err names dest) */
	n = strlen(why);
	if ((line = malloc(n + 2)) == NULL) {
		snprintf(err, errsz, "%s/failed/%s.error: %s", dd->spool, dest, strerror(ENOMEM));
		return DROPDIR_MOVED_NO_ERROR;
	}
	/* one line: a newline inside why would make two */
	for (size_t i = 0; i < n; i++)
		line[i] = why[i] == '\n' || why[i] == '\r' ? ' ' : why[i];
	line[n] = '\n';
	snprintf(errname, sizeof(errname), "%s.error", dest);
	fd = temp_create(dd->fd[D_FAILED], ".error.", tmp, sizeof(tmp));
	if (fd < 0 || write_all(fd, line, n + 1) < 0 || fsync(fd) < 0) {
		snprintf(err, errsz, "%s/failed/%s: %s", dd->spool, errname, strerror(errno));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		snprintf(err, errsz, "%s/failed/%s: %s", dd->spool, errname, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (renameat(dd->fd[D_FAILED], tmp, dd->fd[D_FAILED], errname) < 0) {
		snprintf(err, errsz, "%s/failed/%s: %s", dd->spool, errname, strerror(errno));
		goto fail;
	}
	free(line);
	/* moved and described: an fsync failing now risks only the move (a crash
	 * would bring the file back to incoming/, to be failed again) */
	(void)fsync_dir(dd, D_FAILED, err, errsz);
	(void)fsync_dir(dd, D_INCOMING, err, errsz);
	return DROPDIR_MOVED;
fail:
	if (fd >= 0)
		close(fd);
	if (tmp[0] != '\0')
		(void)unlinkat(dd->fd[D_FAILED], tmp, 0);
	free(line);
	return DROPDIR_MOVED_NO_ERROR;
}

/*
 * The name src gets in incoming/: its last component. Leading dots are
 * dropped (a dot file in incoming/ is a write in progress and never taken);
 * what is left empty is "file".
 */
static void
ingest_name(const char *src, char *name, size_t namesz)
{
	size_t end = strlen(src), start;

	while (end > 1 && src[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && src[start - 1] != '/')
		start--;
	while (start < end && src[start] == '.')
		start++;
	if (start == end)
		snprintf(name, namesz, "file");
	else
		snprintf(name, namesz, "%.*s", (int)(end - start), src + start);
}

/*
 * Whether spool is refused (said in err). A spool never made, or an empty
 * directory, is created by the caller (hark ingest before harkd's first
 * start). But an existing directory with neither incoming/ nor tmp/ that
 * holds anything is not a spool (--spool ~/articles, --spool /var/spool):
 * files copied there would reach no harkd. And an incoming/ removed or
 * renamed under a running harkd is harkd's to recreate: harkd watches the
 * one it makes, whereas one made here before harkd noticed would hold the
 * file unwatched if harkd were gone. Refusing is the safe side.
 */
static bool
spool_refused(const char *spool, char *err, size_t errsz)
{
	char path[PATH_MAX];
	struct stat st;
	bool incoming, tmp, empty = true;
	DIR *d;

	if (stat(spool, &st) < 0 || !S_ISDIR(st.st_mode))
		return false; /* mkdir_spool says what is wrong, or makes it */
	snprintf(path, sizeof(path), "%s/incoming", spool);
	incoming = lstat(path, &st) == 0 || errno != ENOENT;
	snprintf(path, sizeof(path), "%s/tmp", spool);
	tmp = lstat(path, &st) == 0 || errno != ENOENT;
	if (incoming)
		return false;
	if (tmp) {
		snprintf(err, errsz,
		         "%s/incoming: missing (removed or renamed?); harkd recreates it when it "
		         "notices, or at its next start: try again then",
		         spool);
		return true;
	}
	if ((d = opendir(spool)) != NULL) {
		struct dirent *de;

		while (empty && (de = readdir(d)) != NULL)
			empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
		closedir(d);
	}
	if (empty)
		return false;
	snprintf(err, errsz,
	         "%s: not a spool (no incoming/ or tmp/ in it): give harkd's spool_dir, as "
	         "/var/spool/hark",
	         spool);
	return true;
}

/* Set meta's declarations on the copy out (spool/tmp/tmp): 0, -1 with err. */
static int
meta_set(int out, const struct dropdir_meta *meta, const char *spool, const char *tmp, char *err,
         size_t errsz)
{
	const struct {
		const char *attr, *value, *option;
	} m[] = {{DROPDIR_XATTR_LANG, meta != NULL ? meta->lang : NULL, "--lang"},
	         {DROPDIR_XATTR_CHARSET, meta != NULL ? meta->charset : NULL, "--charset"}};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		if (m[i].value == NULL)
			continue;
		if (fsetxattr(out, m[i].attr, m[i].value, strlen(m[i].value), 0) < 0) {
			int e = errno;

			snprintf(err, errsz,
			         "%s/tmp/%s: %s: cannot set the extended attribute %s: %s%s", spool,
			         tmp, m[i].option, m[i].attr, strerror(e),
			         e == ENOTSUP ? " (the spool's file system keeps none: give the "
			                        "language or charset in the file itself)"
			                      : "");
			return -1;
		}
	}
	return 0;
}

/*
 * Copy into spool/tmp/ and rename into incoming/name: from the descriptor
 * in, or mem's len bytes when mem is not NULL, byte for byte; meta's
 * declarations beside them. label names the source in messages. in is the
 * caller's.
 */
static int
ingest_into(const char *spool, const char *label, const char *name, int in,
            const struct dropdir_meta *meta, const char *mem, size_t memlen, char *final,
            size_t finalsz, char *err, size_t errsz)
{
	char dest[NAME_MAX + 1], tmp[32], buf[65536];
	int fd[D_N], out = -1;
	struct stat st;

	tmp[0] = '\0';
	if (spool_refused(spool, err, errsz))
		return -1;
	if (spool_open(spool, fd, err, errsz) < 0)
		return -1;
	out = temp_create(fd[D_TMP], ".ingest.", tmp, sizeof(tmp));
	if (out < 0) {
		snprintf(err, errsz, "%s/tmp: %s", spool, strerror(errno));
		goto fail;
	}
	/* the daemon's group must read it, whatever the umask took */
	if (fstat(out, &st) == 0 && !(st.st_mode & S_IRGRP))
		(void)fchmod(out, (st.st_mode & 07777) | S_IRGRP);
	if (meta_set(out, meta, spool, tmp, err, errsz) < 0)
		goto fail;
	if (mem != NULL && write_all(out, mem, memlen) < 0) {
		snprintf(err, errsz, "%s/tmp/%s: %s", spool, tmp, strerror(errno));
		goto fail;
	}
	for (; mem == NULL;) {
		ssize_t r = read(in, buf, sizeof(buf));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errsz, "%s: %s", label, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		if (write_all(out, buf, (size_t)r) < 0) {
			snprintf(err, errsz, "%s/tmp/%s: %s", spool, tmp, strerror(errno));
			goto fail;
		}
	}
	if (fsync(out) < 0 || close(out) < 0) {
		out = -1;
		snprintf(err, errsz, "%s/tmp/%s: %s", spool, tmp, strerror(errno));
		goto fail;
	}
	out = -1;
	if (move_noreplace(fd[D_TMP], tmp, fd[D_INCOMING], name, false, dest, sizeof(dest)) < 0) {
		snprintf(err, errsz, "%s/incoming/%s: %s", spool, name, strerror(errno));
		goto fail;
	}
	tmp[0] = '\0';
	if (fsync(fd[D_INCOMING]) < 0 && errno != EINVAL) {
		snprintf(err, errsz, "%s/incoming: fsync: %s", spool, strerror(errno));
		goto fail;
	}
	if (final != NULL)
		snprintf(final, finalsz, "%s", dest);
	close_fds(fd, D_N);
	return 0;
fail:
	if (out >= 0)
		close(out);
	if (tmp[0] != '\0')
		(void)unlinkat(fd[D_TMP], tmp, 0);
	close_fds(fd, D_N);
	return -1;
}

int
dropdir_ingest(const char *spool, const char *src, char *final, size_t finalsz, char *err,
               size_t errsz)
{
	return dropdir_ingest_meta(spool, src, NULL, final, finalsz, err, errsz);
}

int
dropdir_ingest_meta(const char *spool, const char *src, const struct dropdir_meta *meta,
                    char *final, size_t finalsz, char *err, size_t errsz)
{
	char name[NAME_MAX + 1];
	struct stat st;
	int in, rc;

	if (final != NULL && finalsz > 0)
		final[0] = '\0';
	if (strcmp(src, "-") == 0) {
		snprintf(err, errsz, "-: standard input needs a name in the spool (--name NAME)");
		return -1;
	}
	do
		in = open(src, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	while (in < 0 && errno == EINTR);
	if (in < 0) {
		snprintf(err, errsz, "%s: %s", src, strerror(errno));
		return -1;
	}
	if (fstat(in, &st) < 0) {
		snprintf(err, errsz, "%s: %s", src, strerror(errno));
		close(in);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: %s", src,
		         S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
		close(in);
		return -1;
	}
	ingest_name(src, name, sizeof(name));
	rc = ingest_into(spool, src, name, in, meta, NULL, 0, final, finalsz, err, errsz);
	close(in);
	return rc;
}

int
dropdir_ingest_mem(const char *spool, const char *name, const char *mem, size_t len,
                   const struct dropdir_meta *meta, char *final, size_t finalsz, char *err,
                   size_t errsz)
{
	if (final != NULL && finalsz > 0)
		final[0] = '\0';
	if (*name == '\0' || *name == '.' || strchr(name, '/') != NULL || strlen(name) > NAME_MAX) {
		snprintf(
		    err, errsz,
		    "--name: '%.80s' is not a file name (no '/', not starting with '.', at most "
		    "%d bytes)",
		    name, NAME_MAX);
		return -1;
	}
	return ingest_into(spool, "-", name, -1, meta, mem, len, final, finalsz, err, errsz);
}

/*
 * One declaration of the file at fd (else at path) into out (outsz bytes,
 * "" when it has none, or its file system keeps none): 0, -1 with why
 * when it is too long to be one.
 */
static int
meta_get(int fd, const char *path, const char *attr, char *out, size_t outsz, char *why,
         size_t whysz)
{
	ssize_t n =
	    fd >= 0 ? fgetxattr(fd, attr, out, outsz - 1) : getxattr(path, attr, out, outsz - 1);

	if (n < 0) {
		out[0] = '\0';
		/* none, or none kept; a file that cannot be read: its read says why */
		if (errno != ERANGE)
			return 0;
		snprintf(why, whysz, "its extended attribute %s: longer than any value hark sets",
		         attr);
		return -1;
	}
	out[n] = '\0';
	return 0;
}

/* dropdir_meta_get() and dropdir_meta_path(): the file at fd, else at path. */
static int
meta_read(int fd, const char *path, char lang[8], char charset[32], char *why, size_t whysz)
{
	char v[64], e[160], names[512];
	ssize_t ln;

	lang[0] = charset[0] = '\0';
	/*
	 * The list of its attributes first, one call: nearly every file has
	 * none of hark's (hark match asks of each file it reads), and two
	 * lookups by name were a tenth of its system time.
	 */
	ln = fd >= 0 ? flistxattr(fd, NULL, 0) : listxattr(path, NULL, 0); /* its size: no copy */
	if (ln > 0)
		ln = fd >= 0 ? flistxattr(fd, names, sizeof(names))
		             : listxattr(path, names, sizeof(names));
	if (ln == 0 || (ln < 0 && errno != ERANGE) ||
	    (ln > 0 && memmem(names, (size_t)ln, "user.hark.", 10) == NULL))
		return 0;
	if (meta_get(fd, path, DROPDIR_XATTR_LANG, v, sizeof(v), why, whysz) < 0)
		return -1;
	if (v[0] != '\0') {
		if (strlen(v) != 2 || v[0] < 'a' || v[0] > 'z' || v[1] < 'a' || v[1] > 'z') {
			/* set by anyone who can write the file: escaped, a newline no line of its
			 * own */
			snprintf(why, whysz,
			         "its extended attribute %s: '%.64s' is not an ISO 639-1 code",
			         DROPDIR_XATTR_LANG, log_quote(v));
			return -1;
		}
		if (lang_code_check(v, e, sizeof(e)) < 0) {
			snprintf(why, whysz, "its extended attribute %s: %s", DROPDIR_XATTR_LANG,
			         e);
			return -1;
		}
		memcpy(lang, v, 3); /* two letters and the NUL, checked above */
	}
	if (meta_get(fd, path, DROPDIR_XATTR_CHARSET, v, sizeof(v), why, whysz) < 0)
		return -1;
	if (v[0] != '\0' && charset_lookup(v, charset) < 0) {
		snprintf(why, whysz,
		         "its extended attribute %s: '%.64s' is not a charset hark knows",
		         DROPDIR_XATTR_CHARSET, log_quote(v));
		return -1;
	}
	return 0;
}

int
dropdir_meta_get(const struct dropdir_id *id, char lang[8], char charset[32], char *why,
                 size_t whysz)
{
	if (id->fd < 0) {
		lang[0] = charset[0] = '\0';
		return 0;
	}
	return meta_read(id->fd, NULL, lang, charset, why, whysz);
}

int
dropdir_meta_fd(int fd, char lang[8], char charset[32], char *why, size_t whysz)
{
	return meta_read(fd, NULL, lang, charset, why, whysz);
}

int
dropdir_meta_path(const char *path, char lang[8], char charset[32], char *why, size_t whysz)
{
	if (strcmp(path, "-") == 0) {
		lang[0] = charset[0] = '\0';
		return 0;
	}
	return meta_read(-1, path, lang, charset, why, whysz);
}

/*
 * The files harkd could not read, waiting in spool/failed/ for someone to
 * look (each with NAME.error beside it, not counted). -1 when failed/
 * cannot be read (no spool yet: 0).
 */
long
dropdir_failed_count(const char *spool)
{
	char *path = NULL;
	struct dirent *e;
	long n = 0;
	DIR *d;

	if (asprintf(&path, "%s/failed", spool) < 0)
		return -1;
	d = opendir(path);
	free(path);
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' || (len > 6 && strcmp(e->d_name + len - 6, ".error") == 0))
			continue;
		n++;
	}
	closedir(d);
	return n;
}
