/*
 * fileio.c: reading a whole file into memory, bounded. Shared by the
 * configuration (conf.c) and the rule loader (rules_load.c); the rules of
 * a secret file, shared by conf.c and hark sink --secret-file. And the
 * words for a directory harkd cannot create, shared by its start and
 * harkd -n.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

int
fd_read_all(int fd, size_t max, char **buf, size_t *len)
{
	size_t n = 0, cap = 1 << 16;
	char *b = malloc(cap);

	if (b == NULL)
		return -1;
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			char *nb;

			if (cap > max) {
				free(b);
				errno = EFBIG;
				return -1;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(b, cap);
			if (nb == NULL) {
				free(b);
				return -1;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(b);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		free(b);
		errno = EFBIG;
		return -1;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

char *
secret_file_load(const char *path, const char *key, const char *shown, size_t max, unsigned *mode,
                 char *err, size_t errsz)
{
	char *buf = NULL, *s, *e;
	size_t len = 0, n;
	struct stat st;
	int fd, cause = 0;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		cause = errno;
		snprintf(err, errsz, "%s: '%.200s': %s", key, shown, strerror(cause));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: '%.200s' is not a regular file", key, shown);
		goto fail;
	}
	if (fd_read_all(fd, max, &buf, &len) < 0) {
		cause = errno;
		snprintf(err, errsz, "%s: '%.200s': %s", key, shown,
		         cause == EFBIG ? "too large for a secret" : strerror(cause));
		buf = NULL;
		goto fail;
	}
	close(fd);
	fd = -1;
	/* a NUL byte would cut the secret short unseen */
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(err, errsz, "%s: '%.200s' holds a NUL byte", key, shown);
		goto fail;
	}
	for (s = buf; isspace((unsigned char)*s); s++)
		;
	for (e = buf + len; e > s && isspace((unsigned char)e[-1]); e--)
		;
	/* trimmed in place, the rest wiped: no copy of the secret is left behind */
	n = (size_t)(e - s);
	memmove(buf, s, n);
	explicit_bzero(buf + n, len - n);
	*mode = (unsigned)(st.st_mode & 07777);
	return buf;
fail:
	if (buf != NULL)
		explicit_bzero(buf, len);
	free(buf);
	if (fd >= 0)
		close(fd);
	errno = cause;
	return NULL;
}

/* The parent of path: its length in path ("/" for "/x", "." for "x"). */
static int
parent_len(const char *path, const char **p)
{
	const char *slash = strrchr(path, '/');

	*p = slash == NULL ? "." : path;
	return slash == NULL ? 1 : slash == path ? 1 : (int)(slash - path);
}

void
dir_mkdir_error(const char *path, int e, char *err, size_t errsz)
{
	const char *p;
	int n = parent_len(path, &p);
	char parent[4096];
	struct stat st;

	snprintf(parent, sizeof(parent), "%.*s", n, p);
	if (e == ENOENT && stat(parent, &st) < 0 && errno == ENOENT)
		snprintf(err, errsz, "%s: cannot create: its parent %s does not exist", path,
		         parent);
	else if (e == ENOTDIR && stat(parent, &st) == 0 && !S_ISDIR(st.st_mode))
		snprintf(err, errsz, "%s: cannot create: its parent %s is not a directory", path,
		         parent);
	else
		snprintf(err, errsz, "%s: cannot create: %s", path, strerror(e));
}

int
dir_check(const char *path, const char *made, char *err, size_t errsz)
{
	const char *p;
	int n = parent_len(path, &p), e;
	char parent[4096];
	struct stat st;

	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode) && stat(path, &st) < 0) {
			e = errno;
			snprintf(err, errsz, "%s: %s", path, strerror(e));
			goto fail;
		}
		if (!S_ISDIR(st.st_mode)) {
			e = ENOTDIR;
			snprintf(err, errsz, "%s: %s", path, strerror(e));
			goto fail;
		}
		if (access(path, W_OK | X_OK) < 0) {
			e = errno;
			snprintf(err, errsz, "%s: %s", path, strerror(e));
			goto fail;
		}
		return 0;
	}
	if ((e = errno) != ENOENT) {
		snprintf(err, errsz, "%s: %s", path, strerror(e));
		goto fail;
	}
	/* missing: start makes it, so its parent must be a directory it may write */
	snprintf(parent, sizeof(parent), "%.*s", n, p);
	if (made != NULL && strcmp(parent, made) == 0)
		return 0; /* made by the start just before, and checked */
	if (stat(parent, &st) < 0) {
		e = errno;
		dir_mkdir_error(path, e, err, errsz);
		goto fail;
	}
	if (!S_ISDIR(st.st_mode)) {
		e = ENOTDIR;
		dir_mkdir_error(path, e, err, errsz);
		goto fail;
	}
	if (access(parent, W_OK | X_OK) < 0) {
		e = errno;
		dir_mkdir_error(path, e, err, errsz);
		goto fail;
	}
	return 0;
fail:
	errno = e;
	return -1;
}
