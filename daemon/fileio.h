/* fileio.h: reading a whole file into memory, bounded; a file holding a secret. */
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
 * Read a file holding one secret (hark.conf's secret_file, url_file,
 * token_file, password_file; hark sink --secret-file): a regular file
 * (opened without blocking: never wait on a FIFO), at most max bytes, no
 * NUL byte; blanks around the text ignored. Returns the text (the caller
 * explicit_bzero()s and frees it) and its permission bits in *mode (the
 * caller decides what others reading it means), or NULL with
 * "KEY: 'SHOWN': why" in err and errno the cause when a call failed (EACCES:
 * this user may not read it; 0 when the content is at fault). The message
 * never quotes the file's content.
 */
char *secret_file_load(const char *path, const char *key, const char *shown, size_t max,
                       unsigned *mode, char *err, size_t errsz);

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
 * "PATH: ..." in err, the words of the start's error where they are the
 * same, and errno the cause (EACCES: this user may not search or write it).
 * made, or NULL: a directory the start makes before this one (state_dir
 * before a spool_dir inside it), checked already: a parent it may be.
 */
int dir_check(const char *path, const char *made, char *err, size_t errsz);

#endif
