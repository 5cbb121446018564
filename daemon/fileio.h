/* fileio.h: reading a whole file into memory, bounded. */
#ifndef HARK_FILEIO_H
#define HARK_FILEIO_H

#include <stddef.h>

/*
 * Read what is left of fd, at most max bytes, into *buf (caller frees; a NUL
 * follows the *len bytes). Returns 0, or -1 with errno set (EFBIG when
 * larger than max).
 */
int fd_read_all(int fd, size_t max, char **buf, size_t *len);

#endif
