/*
 * fileio.c: reading a whole file into memory, bounded. Shared by the
 * configuration (conf.c) and the rule loader (rules_load.c).
 */
#include <errno.h>
#include <stdlib.h>
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
