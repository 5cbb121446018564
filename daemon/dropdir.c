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

#include "dropdir.h"

/* Suffixes tried before giving up on a name (".1" ... ".9999"). */
#define SUFFIX_MAX 10000

enum { D_SPOOL, D_TMP, D_INCOMING, D_DONE, D_FAILED, D_N };

static const char *const dir_names[D_N] = {".", "tmp", "incoming", "done", "failed"};

struct dropdir {
	char *spool; /* owned; the path given, for messages */
	int fd[D_N]; /* owned directory descriptors (O_RDONLY: fsync needs them readable) */
	int ino;     /* owned inotify descriptor */
	int wd;      /* the watch on incoming/ */
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
	if (errno == ENOENT) {
		const char *slash = strrchr(path, '/');
		int n = slash == NULL ? 1 : slash == path ? 1 : (int)(slash - path);

		snprintf(err, errsz, "%s: cannot create: its parent %.*s does not exist", path, n,
		         slash == NULL ? "." : path);
		return -1;
	}
	snprintf(err, errsz, "%s: cannot create: %s", path, strerror(errno));
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

int
dropdir_open(const char *spool, struct dropdir **out, char *err, size_t errsz)
{
	struct dropdir *dd;
	char proc[64];
	uint32_t mask = IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR;

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
	/*
	 * Watch the directory we opened, not whatever the path names now:
	 * through /proc/self/fd when /proc is there, else by the path (where a
	 * link is refused).
	 */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dd->fd[D_INCOMING]);
	dd->wd = inotify_add_watch(dd->ino, proc, mask);
	if (dd->wd < 0) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/incoming", spool);
		dd->wd = inotify_add_watch(dd->ino, path, mask | IN_DONT_FOLLOW);
		if (dd->wd < 0) {
			snprintf(err, errsz, "%s: inotify: %s", path, strerror(errno));
			goto fail;
		}
	}
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

int
dropdir_drain(struct dropdir *dd, dropdir_fn fn, void *arg, char *err, size_t errsz)
{
	/* aligned for struct inotify_event; room for many events a read */
	char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	int overflow = 0;

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
				overflow = 1;
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				/* the watch is gone: incoming/ was removed or its file system
				 * unmounted */
				snprintf(err, errsz, "%s/incoming: no longer watched (removed?)",
				         dd->spool);
				return -1;
			}
			/* a directory moved in is passed on too: dropdir_read() says BAD */
			if (ev->len > 0 && name_ok(ev->name))
				fn(ev->name, arg);
		}
	}
	return overflow;
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

int
dropdir_scan(struct dropdir *dd, dropdir_fn fn, void *arg, char *err, size_t errsz)
{
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd, rc = -1;

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
			memset(&st, 0, sizeof(st));
		}
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
dropdir_read(struct dropdir *dd, const char *name, size_t max, char **buf, size_t *len, char *why,
             size_t whysz)
{
	enum dropdir_read_result rc;
	struct stat st;
	size_t cap, n = 0;
	char *b;
	int fd;

	*buf = NULL;
	*len = 0;
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
	close(fd);
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

/*
 * Rename from/name to to/ under base, or base.1, base.2... when taken,
 * never replacing anything. The name chosen goes to dest. With skip_error,
 * a candidate whose "CANDIDATE.error" exists in to/ is passed over too
 * (failed/ keeps both side by side). Returns 0, or -1 with errno.
 */
static int
move_noreplace(int from, const char *name, int to, const char *base, bool skip_error, char *dest,
               size_t destsz)
{
	bool fallback = false;

	for (unsigned i = 0; i < SUFFIX_MAX; i++) {
		char errname[NAME_MAX + 16];
		struct stat st;
		int n;

		n = i == 0 ? snprintf(dest, destsz, "%s", base)
		           : snprintf(dest, destsz, "%s.%u", base, i);
		if (n < 0 || (size_t)n >= destsz || n > NAME_MAX) {
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
 * Create a dot file in dir with a random suffix after prefix, O_EXCL, mode
 * 0660 less the umask. Its name goes to name. Returns the descriptor, -1.
 */
static int
temp_create(int dir, const char *prefix, char *name, size_t namesz)
{
	static unsigned counter;

	for (int tries = 0; tries < 100; tries++) {
		uint64_t r;
		int fd;

		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			r = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^ ++counter;
		}
		snprintf(name, namesz, "%s%012llx", prefix,
		         (unsigned long long)(r & 0xffffffffffffULL));
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

int
dropdir_done(struct dropdir *dd, const char *name, bool keep, char *err, size_t errsz)
{
	char dest[NAME_MAX + 1];

	if (!name_ok(name)) {
		snprintf(err, errsz, "%s/incoming: '%s' is not a drop file name", dd->spool, name);
		return -1;
	}
	if (keep) {
		if (move_noreplace(dd->fd[D_INCOMING], name, dd->fd[D_DONE], name, false, dest,
		                   sizeof(dest)) < 0) {
			snprintf(err, errsz, "%s/incoming/%s: cannot move to done/: %s", dd->spool,
			         name, strerror(errno));
			return -1;
		}
	} else if (unlinkat(dd->fd[D_INCOMING], name, 0) < 0) {
		snprintf(err, errsz, "%s/incoming/%s: cannot remove: %s", dd->spool, name,
		         strerror(errno));
		return -1;
	}
	return 0;
}

int
dropdir_sync(struct dropdir *dd, char *err, size_t errsz)
{
	if (fsync_dir(dd, D_DONE, err, errsz) < 0)
		return -1;
	return fsync_dir(dd, D_INCOMING, err, errsz);
}

int
dropdir_fail(struct dropdir *dd, const char *name, const char *why, char *err, size_t errsz)
{
	char dest[NAME_MAX + 1], tmp[32], errname[NAME_MAX + 16];
	char *line;
	size_t n;
	int fd;

	tmp[0] = '\0';
	if (!name_ok(name)) {
		snprintf(err, errsz, "%s/incoming: '%s' is not a drop file name", dd->spool, name);
		return -1;
	}
	if (move_noreplace(dd->fd[D_INCOMING], name, dd->fd[D_FAILED], name, true, dest,
	                   sizeof(dest)) < 0) {
		snprintf(err, errsz, "%s/incoming/%s: cannot move to failed/: %s", dd->spool, name,
		         strerror(errno));
		return -1;
	}
	/* one line: a newline inside why would make two */
	n = strlen(why);
	if ((line = malloc(n + 2)) == NULL) {
		snprintf(err, errsz, "%s/failed/%s.error: %s", dd->spool, dest, strerror(ENOMEM));
		return -1;
	}
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
	if (fsync_dir(dd, D_FAILED, err, errsz) < 0)
		return -1;
	return fsync_dir(dd, D_INCOMING, err, errsz);
fail:
	if (fd >= 0)
		close(fd);
	if (tmp[0] != '\0')
		(void)unlinkat(dd->fd[D_FAILED], tmp, 0);
	free(line);
	return -1;
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

int
dropdir_ingest(const char *spool, const char *src, char *final, size_t finalsz, char *err,
               size_t errsz)
{
	char name[NAME_MAX + 1], dest[NAME_MAX + 1], tmp[32], buf[65536];
	int fd[D_N], in = -1, out = -1;
	struct stat st;

	if (final != NULL && finalsz > 0)
		final[0] = '\0';
	tmp[0] = '\0';
	if (strcmp(src, "-") == 0) {
		snprintf(err, errsz,
		         "-: standard input is not supported (save it to a file first)");
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
	if (spool_open(spool, fd, err, errsz) < 0) {
		close(in);
		return -1;
	}
	out = temp_create(fd[D_TMP], ".ingest.", tmp, sizeof(tmp));
	if (out < 0) {
		snprintf(err, errsz, "%s/tmp: %s", spool, strerror(errno));
		goto fail;
	}
	/* the daemon's group must read it, whatever the umask took */
	if (fstat(out, &st) == 0 && !(st.st_mode & S_IRGRP))
		(void)fchmod(out, (st.st_mode & 07777) | S_IRGRP);
	for (;;) {
		ssize_t r = read(in, buf, sizeof(buf));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errsz, "%s: %s", src, strerror(errno));
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
	close(in);
	close_fds(fd, D_N);
	return 0;
fail:
	if (out >= 0)
		close(out);
	if (tmp[0] != '\0')
		(void)unlinkat(fd[D_TMP], tmp, 0);
	close(in);
	close_fds(fd, D_N);
	return -1;
}
