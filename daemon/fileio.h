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

/*
 * Why mkdir(path) failed with errno e, true to the cause: "its parent P
 * does not exist" only when P does not; else the errno itself (mkdir in
 * /proc fails with ENOENT though /proc is there). Writes
 * "PATH: cannot create: ..." to err.
 */
void dir_mkdir_error(const char *path, int e, char *err, size_t errsz);

/*
 * What harkd -n can tell of a directory harkd will create or use, without
 * creating anything: path a directory (not a link) harkd may write and
 * search, or missing with a parent that is one. Returns 0, or -1 with
 * "PATH: ..." in err, the words of the start's error where they are the same.
 * made, or NULL: a directory the start makes before this one (state_dir
 * before a spool_dir inside it), checked already: a parent it may be.
 */
int dir_check(const char *path, const char *made, char *err, size_t errsz);

#endif
