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
#include <time.h>
#include <sys/types.h>

struct dropdir;

/*
 * Which file a name held when it was read: a producer may rename a new
 * version over a name whose old version is still being processed, so the
 * file, not the name, is what gets moved or removed afterwards. fd, the
 * descriptor read from (or -1), is kept open until then: it pins the inode,
 * whose number the file system would otherwise give to the next file
 * created (the producer's next version). Without it the size and times
 * must match too. dropdir_id_close() closes it.
 */
struct dropdir_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	int fd; /* owned, or -1 */
};

/* An id that names no file (fd -1). */
void dropdir_id_init(struct dropdir_id *id);
/* Close id's descriptor; id then names no file. */
void dropdir_id_close(struct dropdir_id *id);
/* Close id's descriptor but keep naming the file (size and times then count). */
void dropdir_id_unpin(struct dropdir_id *id);

/*
 * Open spool: create spool/ and its four directories when missing (mode
 * 02775: producers of the group can drop files), open them, and add the
 * inotify watch on incoming/ (IN_MOVED_TO | IN_CLOSE_WRITE, and
 * IN_DELETE_SELF | IN_MOVE_SELF to notice the directory going) before
 * anything is scanned. Returns 0 with *out, -1 with the reason in err.
 */
int dropdir_open(const char *spool, struct dropdir **out, char *err, size_t errsz);
/*
 * harkd -n: whether dropdir_open() could make and open the spool and its
 * directories, creating nothing. made: as dir_check's (the state_dir the
 * start makes first). Returns 0, or -1 with err (its words) and errno the
 * cause, as dir_check().
 */
int dropdir_check(const char *spool, const char *made, char *err, size_t errsz);
void dropdir_close(struct dropdir *dd);

/* The inotify descriptor (non-blocking) to wait on for reading. */
int dropdir_fd(const struct dropdir *dd);

/* Called with the name of each file of incoming/ to consider (may repeat a name). */
typedef void (*dropdir_fn)(const char *name, void *arg);

/*
 * Read every pending inotify event and call fn for each named file. Returns
 * 0, 1 when the kernel queue overflowed (the caller rescans), 2 when
 * incoming/ itself (or done/, failed/, tmp/, or the spool) was removed or
 * renamed away (err says which; the caller calls dropdir_rewatch()), -1
 * with err.
 */
int dropdir_drain(struct dropdir *dd, dropdir_fn fn, void *arg, char *err, size_t errsz);
/*
 * After drain said 2: open the spool again by its path, creating incoming/
 * (or any of the four) when missing, and watch the new incoming/. what
 * gets what became of the old one: "removed", or "renamed to PATH with N
 * files in it", those files being out of the spool until someone moves them
 * back, or "" when incoming/ is still the same (another directory went). Returns 0 (the caller
 * rescans), -1 with err (the old descriptors stay; the caller tries again later).
 */
int dropdir_rewatch(struct dropdir *dd, char *what, size_t whatsz, char *err, size_t errsz);
/* Call fn for every entry of incoming/ but dot files, oldest first. Returns 0, -1. */
int dropdir_scan(struct dropdir *dd, dropdir_fn fn, void *arg, char *err, size_t errsz);
/*
 * The safety net under the events: dropdir_scan() of only the entries
 * whose mtime and ctime are both at least quiet_s seconds old. A file that
 * reached incoming/ without the events drain waits for (a hard link whose
 * other name was removed before drain looked, a writer that died before
 * its close, an event lost past an overflow, a network or bind mount) is
 * then found; a file still being written in place is not, while its writer
 * writes at least once every quiet_s seconds (each write sets both times).
 * The caller runs it on a timer and skips the names it already holds.
 */
int dropdir_sweep(struct dropdir *dd, long quiet_s, dropdir_fn fn, void *arg, char *err,
                  size_t errsz);

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
 * after the *len bytes. *id (closed first when it holds a descriptor) gets
 * the file read, with the descriptor read from (DROPDIR_OK: the caller
 * closes it with dropdir_id_close() once the file is moved), or with
 * DROPDIR_BAD the file refused (no descriptor), for dropdir_done() and
 * dropdir_fail().
 */
enum dropdir_read_result dropdir_read(struct dropdir *dd, const char *name, size_t max, char **buf,
                                      size_t *len, struct dropdir_id *id, char *why, size_t whysz);

/* What dropdir_done() and dropdir_fail() did. */
enum dropdir_move_result {
	DROPDIR_MOVE_ERROR = -1, /* the system failed (ENOSPC, EPERM...): the file stays in
	                            incoming/, err says why; try again later */
	DROPDIR_MOVED = 0,       /* moved (or removed) */
	DROPDIR_REPLACED,        /* incoming/name is now another file than id: left in
	                            place, to be read again */
	DROPDIR_MISSING,         /* incoming/name is gone: nothing done */
	DROPDIR_MOVED_NO_ERROR   /* dropdir_fail(): moved to failed/ (err names where) but
	                            its .error could not be written (err says why) */
};

/*
 * After the commit: move incoming/name to done/ (keep) or remove it, when
 * it is still the file id (NULL: whatever it is). A name already in done/
 * gets a suffix rather than replacing anything: ".1" to ".999", then
 * ".iINODE" (no two files present at once share an inode), then
 * ".iINODE.RANDOM"; the names never run out. The name is checked before
 * and the moved file after the rename: a file renamed over the name in
 * between is moved back to incoming/ and DROPDIR_REPLACED returned, so
 * nothing unread reaches done/ or is removed. The moves of a batch are
 * made durable by one dropdir_sync() after them: a move lost in a crash
 * only brings the file back to incoming/, where its content hash shows it
 * is already stored.
 */
enum dropdir_move_result dropdir_done(struct dropdir *dd, const char *name,
                                      const struct dropdir_id *id, bool keep, char *err,
                                      size_t errsz);
/* fsync done/ and incoming/. Returns 0, -1 with err. */
int dropdir_sync(struct dropdir *dd, char *err, size_t errsz);
/*
 * Move incoming/name (a symlink is moved, not followed), when it is still
 * the file id (NULL: whatever it is), to failed/, and write
 * failed/NAME.error with why and a newline (the final name's, when a suffix
 * was needed, as in dropdir_done()). fsyncs.
 */
enum dropdir_move_result dropdir_fail(struct dropdir *dd, const char *name,
                                      const struct dropdir_id *id, const char *why, char *err,
                                      size_t errsz);

/*
 * hark ingest: copy the file at src into spool/tmp/ and rename it into
 * incoming/ under its base name (with a suffix when taken), fsynced. The
 * name given is written to final (may be NULL). Needs no dropdir_open (the
 * daemon may not run). A missing spool (or an empty directory) is made a
 * spool; but a directory that holds anything and has neither incoming/ nor
 * tmp/ is not a spool and is refused, and so is a spool without incoming/:
 * that incoming/ was removed or renamed, and a running harkd recreates and
 * watches it itself (a copy made here could land in a directory nobody
 * watches). src "-" is refused: see dropdir_ingest_mem(). Returns 0, -1
 * with err.
 */
int dropdir_ingest(const char *spool, const char *src, char *final, size_t finalsz, char *err,
                   size_t errsz);

/*
 * What hark ingest declares of a file beside its bytes, which it copies as
 * they are (a declaration written into the file, a front matter before
 * plain text, would change how the text is read): extended attributes of
 * the spool file, kept by the rename into incoming/ and read by harkd
 * (dropdir_meta_get). NULL members: none.
 */
struct dropdir_meta {
	const char *lang;    /* --lang: an ISO 639-1 code, over the file's own declaration */
	const char *charset; /* --charset: a WHATWG label, over every declaration and mark */
};
#define DROPDIR_XATTR_LANG "user.hark.lang"
#define DROPDIR_XATTR_CHARSET "user.hark.charset"

/*
 * dropdir_ingest() with meta's declarations set on the copy (NULL: none).
 * A file system that keeps no extended attributes is an error naming it.
 */
int dropdir_ingest_meta(const char *spool, const char *src, const struct dropdir_meta *meta,
                        char *final, size_t finalsz, char *err, size_t errsz);
/*
 * The declarations hark ingest set on the file dropdir_read() read (id
 * pins it): lang ("" when none) and charset (the canonical name, "" when
 * none). Returns 0, or -1 with why when one is no language code or charset
 * hark knows (the file is then not an article as it stands).
 */
int dropdir_meta_get(const struct dropdir_id *id, char lang[8], char charset[32], char *why,
                     size_t whysz);
/*
 * The same declarations of the file at path ("-": none), for hark match and
 * hark extract, which read a file in the spool as harkd does.
 */
int dropdir_meta_path(const char *path, char lang[8], char charset[32], char *why, size_t whysz);
/* The same of the file open at fd (hark match reads them as it opens a file: no second lookup). */
int dropdir_meta_fd(int fd, char lang[8], char charset[32], char *why, size_t whysz);
/*
 * hark ingest --name NAME -: len bytes of mem (standard input, read whole)
 * into incoming/NAME, as dropdir_ingest_meta() copies a file. NAME is a plain
 * file name (no '/', no leading '.'): an error otherwise.
 */
int dropdir_ingest_mem(const char *spool, const char *name, const char *mem, size_t len,
                       const struct dropdir_meta *meta, char *final, size_t finalsz, char *err,
                       size_t errsz);

/*
 * The files harkd could not read, waiting in spool/failed/ for someone to
 * look (each with NAME.error beside it, not counted). -1 when failed/
 * cannot be read (no spool yet: 0). hark status and /api/v1/status.
 */
long dropdir_failed_count(const char *spool);

#endif
