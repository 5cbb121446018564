/*
 * dropdir.h: the drop directory of CLI.md (spool_dir with tmp/, incoming/,
 * done/, failed/). Owns the directory descriptors and the inotify
 * descriptor; the caller's event loop watches dropdir_fd(). Never follows a
 * link, never opens anything but a regular file, never deletes or moves a
 * file before the caller says its article is committed.
 */
#ifndef HARK_DROPDIR_H
#define HARK_DROPDIR_H

#include <stdbool.h>
#include <stddef.h>

struct dropdir;

/*
 * Open spool: create spool/ and its four directories when missing (mode
 * 02775: producers of the group can drop files), open them, and add the
 * inotify watch on incoming/ (IN_MOVED_TO | IN_CLOSE_WRITE) before anything
 * is scanned. Returns 0 with *out, -1 with the reason in err.
 */
int dropdir_open(const char *spool, struct dropdir **out, char *err, size_t errsz);
void dropdir_close(struct dropdir *dd);

/* The inotify descriptor (non-blocking) to wait on for reading. */
int dropdir_fd(const struct dropdir *dd);

/* Called with the name of each file of incoming/ to consider (may repeat a name). */
typedef void (*dropdir_fn)(const char *name, void *arg);

/*
 * Read every pending inotify event and call fn for each named file. Returns
 * 0, 1 when the kernel queue overflowed (the caller rescans), -1 with err.
 */
int dropdir_drain(struct dropdir *dd, dropdir_fn fn, void *arg, char *err, size_t errsz);
/* Call fn for every entry of incoming/ but dot files, oldest first. Returns 0, -1. */
int dropdir_scan(struct dropdir *dd, dropdir_fn fn, void *arg, char *err, size_t errsz);

enum dropdir_read_result {
	DROPDIR_OK,   /* *buf holds the file */
	DROPDIR_GONE, /* the name is no longer in incoming/: nothing to do */
	DROPDIR_BAD,  /* not an article file (symlink, FIFO, directory, too large, unreadable):
	                 why says it; the caller calls dropdir_fail() */
	DROPDIR_ERROR /* the system failed (EMFILE, EIO...): leave the file, retry later */
};
/*
 * Read incoming/name: openat(O_NOFOLLOW|O_NONBLOCK|O_NOCTTY), fstat must
 * say a regular file of at most max bytes. *buf (caller frees) gets a NUL
 * after the *len bytes.
 */
enum dropdir_read_result dropdir_read(struct dropdir *dd, const char *name, size_t max, char **buf,
                                      size_t *len, char *why, size_t whysz);

/*
 * After the commit: move incoming/name to done/ (keep) or unlink it. A name
 * already in done/ gets a suffix (".1", ".2"...) rather than replacing it.
 * Returns 0, -1 with err. The moves of a batch are made durable by one
 * dropdir_sync() after them: a move lost in a crash only brings the file
 * back to incoming/, where its content hash shows it is already stored.
 */
int dropdir_done(struct dropdir *dd, const char *name, bool keep, char *err, size_t errsz);
/* fsync done/ and incoming/. Returns 0, -1 with err. */
int dropdir_sync(struct dropdir *dd, char *err, size_t errsz);
/*
 * Move incoming/name (whatever it is; a symlink is moved, not followed) to
 * failed/, and write failed/NAME.error with why and a newline (the final
 * name's, when a suffix was needed). fsyncs. Returns 0, -1 with err.
 */
int dropdir_fail(struct dropdir *dd, const char *name, const char *why, char *err, size_t errsz);

/*
 * hark ingest: copy the file at src into spool/tmp/ and rename it into
 * incoming/ under its base name (with a suffix when taken), fsynced. The
 * name given is written to final (may be NULL). Needs no dropdir_open (the
 * daemon may not run). Returns 0, -1 with err.
 */
int dropdir_ingest(const char *spool, const char *src, char *final, size_t finalsz, char *err,
                   size_t errsz);

#endif
