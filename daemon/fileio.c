/*
 * fileio.c: reading a whole file into memory, bounded. Shared by the
 * configuration (conf.c) and the rule loader (rules_load.c). And the
 * words for a directory harkd cannot create, shared by its start and
 * harkd -n.
 */
#include <errno.h>
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
	int n = parent_len(path, &p);
	char parent[4096];
	struct stat st;

	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode) && stat(path, &st) < 0) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, errsz, "%s: %s", path, strerror(ENOTDIR));
			return -1;
		}
		if (access(path, W_OK | X_OK) < 0) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (errno != ENOENT) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* missing: start makes it, so its parent must be a directory it may write */
	snprintf(parent, sizeof(parent), "%.*s", n, p);
	if (made != NULL && strcmp(parent, made) == 0)
		return 0; /* made by the start just before, and checked */
	if (stat(parent, &st) < 0) {
		dir_mkdir_error(path, errno == ENOENT ? ENOENT : errno, err, errsz);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		dir_mkdir_error(path, ENOTDIR, err, errsz);
		return -1;
	}
	if (access(parent, W_OK | X_OK) < 0) {
		dir_mkdir_error(path, errno, err, errsz);
		return -1;
	}
	return 0;
}
