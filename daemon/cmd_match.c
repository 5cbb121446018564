/*
 * cmd_match.c: hark match: articles in, hits out, like grep: "FILE: RULE:
 * snippet" or one JSON hit object per line; exit 0 hit, 1 none, 2 error.
 *
 * The files to read are listed first (the arguments in order, a directory
 * in sorted order, recursively); -j N threads then read and match them,
 * each file's output kept until every file before it is printed, so that
 * the output is the same, byte for byte, whatever N. With N > 1, N - 1 of
 * them read and extract files while the rules compile (reading needs no
 * rules), up to MATCH_EARLY_BYTES of text.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "dropdir.h"
#include "extract.h"
#include "fileio.h"
#include "hark.h"
#include "usage.h"
#include "hit.h"
#include "match.h"

#define MATCH_JOBS_MAX 256
/* Files this large are mapped rather than read: no copy, no buffer growth. */
#define MATCH_MMAP_MIN (1u << 20)
/* Files read ahead of the one being printed, per thread: bounds the output held. */
#define MATCH_AHEAD 64
/*
 * Text extracted ahead while the rules compile, at most (then the threads
 * wait). More would pay only once the compile stops taking a TLB shootdown
 * (an IPI to the threads running) for each page of a calloc'd table it reads
 * before it writes: measured, 64 MiB then takes -j 2 from 114 to 131 MB/s
 * with 100,000 rules; today it costs CPU and gains nothing.
 */
#define MATCH_EARLY_BYTES ((size_t)8 << 20)

/*
 * What one file prints, in order: records of a stream byte ('o' stdout,
 * 'e' stderr), a size_t length and the bytes.
 */
struct outbuf {
	char *p;
	size_t n, cap;
	int oom;
};

/* Where an item is; under pool.mu. */
enum item_state {
	ITEM_NEW,   /* not taken yet */
	ITEM_TAKEN, /* a thread reads, extracts or matches it */
	ITEM_READ,  /* extracted before the rules were ready: x waits for a matcher */
	ITEM_DONE   /* its output is complete */
};

struct item {
	char *path;           /* owned; NULL: an item with only a message */
	struct outbuf out;    /* what it prints */
	struct extraction *x; /* owned, ITEM_READ only: the documents to match */
	size_t held;          /* the bytes x holds */
	long hits;
	int errors;
	unsigned char state;  /* enum item_state */
	unsigned char walked; /* found in a directory, not named: a binary file is skipped */
};

/*
 * What every thread reads and nothing writes once the threads run, but rs:
 * set under pool.mu when the rules are compiled, read by the threads after.
 */
struct match_conf {
	const struct ruleset *rs;
	int json;
	int color;
	const char *lang;
	const char *charset; /* --charset, or NULL */
	char *prior;         /* owned: the configured languages, or NULL */
	char now[32];
};

/* One thread's matcher and the file it is on. */
struct match_run {
	const struct match_conf *c;
	struct matcher *m;
	struct item *it;
	const struct document *doc;
	const char *name;
	struct hark_line line; /* the hit lines' memory, this thread's */
};

static void
out_add(struct outbuf *b, char stream, const char *s, size_t len)
{
	size_t need = b->n + 1 + sizeof(len) + len;

	if (b->oom)
		return;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < need)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	b->p[b->n++] = stream;
	memcpy(b->p + b->n, &len, sizeof(len));
	b->n += sizeof(len);
	memcpy(b->p + b->n, s, len);
	b->n += len;
}

static void __attribute__((format(printf, 2, 3))) item_err(struct item *it, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = (int)sizeof(line) - 1;
	if (n > 0)
		out_add(&it->out, 'e', line, (size_t)n);
}

/*
 * Print what an item holds and free it. Standard output is flushed before
 * each message to standard error (the two stay in order on one terminal or
 * file), else left to stdio as grep leaves it: on a terminal a line at a
 * time, into a file or a pipe a buffer at a time (a flush after each file
 * was a write(2) for each file with a hit: 3 % of a run with 100,000 rules).
 */
static void
item_print(struct item *it)
{
	size_t off = 0, len;

	while (off < it->out.n) {
		char stream = it->out.p[off++];

		memcpy(&len, it->out.p + off, sizeof(len));
		off += sizeof(len);
		if (stream == 'o') {
			fwrite(it->out.p + off, 1, len, stdout);
		} else {
			fflush(stdout);
			/* one message (item_err), a file's name in it: escaped */
			hark_errorf("%.*s", (int)len, it->out.p + off);
		}
		off += len;
	}
	if (it->out.oom) {
		fflush(stdout);
		hark_errorf("hark: %s: out of memory\n", it->path ? it->path : "hark match");
		it->errors++;
	}
	free(it->out.p);
	memset(&it->out, 0, sizeof(it->out));
}

static int
print_hit(const struct hit *h, void *arg)
{
	struct match_run *mr = arg;
	const struct match_conf *c = mr->c;

	mr->it->hits++;
	if (hark_hit_line_into(&mr->line, mr->doc, h, mr->name, c->now, c->json, c->color) < 0) {
		mr->it->errors++;
		return 0;
	}
	out_add(&mr->it->out, 'o', mr->line.s, mr->line.len);
	return 0;
}

/* hark ingest's --lang and --charset of a file, read as it is opened (dropdir_meta_fd) */
struct file_meta {
	char lang[8], charset[32];
	char why[200]; /* set when one is no code hark knows: match_read() fails, errno EINVAL */
};

/*
 * Read a file: mapped when it is a regular file of MATCH_MMAP_MIN bytes or
 * more (*mapped set: munmap), else into memory, and its declarations into
 * *fm from the same descriptor. Returns 0, or -1 with errno set (EFBIG
 * when larger than max; EINVAL with fm->why when a declaration is bad).
 */
static int
match_read(const char *path, size_t max, char **buf, size_t *len, int *mapped, struct file_meta *fm)
{
	struct stat st;
	int fd, e;
	void *p;

	*mapped = 0;
	fm->lang[0] = fm->charset[0] = fm->why[0] = '\0';
	if (strcmp(path, "-") == 0)
		return file_read(path, max, buf, len);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return -1;
	}
	if (dropdir_meta_fd(fd, fm->lang, fm->charset, fm->why, sizeof(fm->why)) < 0) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (S_ISREG(st.st_mode) && st.st_size >= (off_t)MATCH_MMAP_MIN) {
		if ((uint64_t)st.st_size > max) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			(void)madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
			close(fd);
			*buf = p;
			*len = (size_t)st.st_size;
			*mapped = 1;
			return 0;
		}
	}
	e = fd_read_all(fd, max, buf, len);
	{
		int saved = errno;

		close(fd);
		errno = saved;
	}
	return e;
}

/* The name hits and messages show for an item's path. */
static const char *
item_name(const struct item *it)
{
	return strcmp(it->path, "-") == 0 ? "(standard input)" : it->path;
}

/*
 * Read and extract an item's file into x (owned by the caller:
 * extraction_free()): needs no rules, so it may run while they compile.
 * Returns 0, or -1 with the reason in the item's output.
 */
static int
item_extract(const struct match_conf *c, struct item *it, struct extraction *x)
{
	const char *name = item_name(it);
	struct extract_opts o = {.file = name,
	                         .source = "drop",
	                         .lang = c->lang,
	                         .lang_prior = c->prior,
	                         .charset_force = c->charset,
	                         .charset_option = "--charset"};
	struct file_meta fm;
	char err[256];
	char *buf;
	size_t len;
	int mapped, rc;

	if (match_read(it->path, HARK_FILE_MAX, &buf, &len, &mapped, &fm) < 0) {
		item_err(it, "hark: %s: %s\n", name,
		         fm.why[0] != '\0' ? fm.why
		         : errno == EFBIG  ? "larger than 256 MiB"
		                           : strerror(errno));
		it->errors++;
		return -1;
	}
	/* hark ingest's --lang and --charset, beside the bytes, as harkd reads them */
	if (c->lang == NULL && fm.lang[0] != '\0')
		o.lang_declared = fm.lang;
	if (c->charset == NULL && fm.charset[0] != '\0')
		o.charset_force = fm.charset;
	rc = extract_bytes(buf, len, &o, x, err, sizeof(err));
	if (mapped)
		munmap(buf, len);
	else
		free(buf);
	/*
	 * As grep: an empty file (or one without text) has no match, and a
	 * binary file met in a directory is skipped without a word (the
	 * extractor's verdict: NUL bytes or binary data in the charset it
	 * found, so UTF-16 with its mark is read); one named is an error.
	 */
	if (rc < 0 && (x->empty || (x->not_text && it->walked)))
		return -1;
	if (rc < 0) {
		item_err(it, "hark: %s: %s\n", name, err);
		it->errors++;
		return -1;
	}
	if (x->warning[0] != '\0')
		item_err(it, "hark: %s: warning: %s\n", name, x->warning);
	return 0;
}

/* Match what item_extract() gave and free it. */
static void
item_match(struct match_run *mr, struct item *it, struct extraction *x)
{
	const char *name = item_name(it);

	mr->it = it;
	mr->name = name;
	if (mr->m == NULL) {
		item_err(it, "hark: out of memory\n");
		it->errors++;
		extraction_free(x);
		return;
	}
	/* a feed file gives one article per entry */
	for (size_t i = 0; i < x->ndocs; i++) {
		mr->doc = &x->docs[i];
		const struct rule *r;

		if (matcher_run(mr->m, &x->docs[i], print_hit, mr) < 0) {
			item_err(it, "hark: %s: out of memory while matching\n", name);
			it->errors++;
			break;
		}
		/* as harkd logs it: the rule's answer here may be wrong */
		for (size_t k = 0; k < matcher_limited(mr->m, k, &r); k++)
			item_err(it,
			         "hark: %s: warning: rule %s: its regular expression hit PCRE2's "
			         "match limit; a match there may be missed\n",
			         name, r->id);
	}
	extraction_free(x);
}

/* The list of files, in the order -j 1 reads them. */
struct itemv {
	struct item *v;
	size_t n, cap;
};

static struct item *
items_add(struct itemv *iv, const char *path)
{
	struct item *it;

	if (iv->n == iv->cap) {
		size_t cap = iv->cap ? iv->cap * 2 : 64;
		struct item *v = realloc(iv->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		iv->v = v;
		iv->cap = cap;
	}
	it = &iv->v[iv->n];
	memset(it, 0, sizeof(*it));
	if (path != NULL && (it->path = strdup(path)) == NULL)
		return NULL;
	iv->n++;
	return it;
}

/* A directory, recursively, in name order; links inside it are not followed. */
static int
items_dir(struct itemv *iv, const char *dir, int depth)
{
	char **names;
	size_t n;
	int rc = 0;

	if (depth > 64 || dir_list(dir, NULL, &names, &n) < 0) {
		struct item *it = items_add(iv, NULL);

		if (it == NULL)
			return -1;
		item_err(it, "hark: %s: %s\n", dir, depth > 64 ? "too deep" : strerror(errno));
		it->errors++;
		it->state = ITEM_DONE;
		return 0;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct stat st;
		struct item *it;

		if (lstat(names[i], &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = items_dir(iv, names[i], depth + 1);
		else if (S_ISREG(st.st_mode) && (it = items_add(iv, names[i])) == NULL)
			rc = -1;
		else if (S_ISREG(st.st_mode))
			it->walked = 1;
	}
	dir_list_free(names, n);
	return rc;
}

/* A thread's matcher: the text lines show no language, the JSON hits do. */
static struct matcher *
match_new(const struct match_conf *c)
{
	struct matcher *m = matcher_new(c->rs);

	if (m != NULL)
		matcher_set_hit_lang(m, c->json);
	return m;
}

/* ---- the threads ---- */

/*
 * The threads take the files in order, within a window past the last one
 * printed; whichever finishes the first file not yet printed prints it and
 * every finished one after it, so no thread sleeps or wakes per file.
 * Reading and extraction need no rules: the threads start before the rules
 * compile and extract ahead (up to MATCH_EARLY_BYTES of text held), and
 * match those files once the rules are ready. Nothing is printed before.
 */
struct pool {
	struct match_conf *c; /* c->rs: set by the main thread under mu, with ready */
	struct itemv *iv;
	pthread_mutex_t mu;
	pthread_cond_t room; /* the window moved, the rules are ready, or quit */
	size_t next;         /* the next item to take */
	size_t printed;      /* items printed */
	size_t ahead;        /* how far past printed a thread may take, the rules ready */
	size_t held;         /* bytes held by ITEM_READ items */
	size_t read_next;    /* no ITEM_READ item before this one */
	int ready;           /* the rules are compiled: c->rs is set */
	int quit;            /* the rules failed: stop */
	int printing;        /* a thread is printing: the others go on working */
	int waiting;         /* threads waiting on room */
	long hits;           /* of the items printed */
	int errors;
};

/* The bytes an extraction holds: its documents' text. */
static size_t
extraction_size(const struct extraction *x)
{
	size_t n = sizeof(*x);

	for (size_t i = 0; i < x->ndocs; i++) {
		n += sizeof(x->docs[i]);
		for (int f = 0; f < F_MAX; f++)
			n += x->docs[i].field_len[f];
	}
	return n;
}

/*
 * Mark it done; then, unless another thread is printing, print every done
 * item from the first not printed. Called with p->mu held; unlocks it while
 * printing.
 */
static void
pool_done(struct pool *p, struct item *it)
{
	if (it != NULL)
		it->state = ITEM_DONE;
	if (!p->ready || p->printing)
		return;
	p->printing = 1;
	while (p->printed < p->iv->n && p->iv->v[p->printed].state == ITEM_DONE) {
		struct item *pr = &p->iv->v[p->printed];

		pthread_mutex_unlock(&p->mu);
		item_print(pr);
		pthread_mutex_lock(&p->mu);
		p->hits += pr->hits;
		p->errors += pr->errors;
		p->printed++;
	}
	p->printing = 0;
	if (p->waiting > 0)
		pthread_cond_broadcast(&p->room);
}

/*
 * One thread's work until every item is taken (or quit). Called with p->mu
 * held, returns with it held; mr->m is made once the rules are ready.
 */
static void
pool_work(struct pool *p, struct match_run *mr)
{
	for (;;) {
		struct item *it = NULL;
		struct extraction x;

		if (p->quit)
			return;
		/* first the files extracted while the rules compiled, in order */
		if (p->ready) {
			while (p->read_next < p->next && p->iv->v[p->read_next].state != ITEM_READ)
				p->read_next++;
			if (p->read_next < p->next) {
				it = &p->iv->v[p->read_next++];
				it->state = ITEM_TAKEN;
				p->held -= it->held;
			}
		}
		if (it != NULL) {
			struct extraction *xp = it->x;

			it->x = NULL;
			pthread_mutex_unlock(&p->mu);
			if (mr->m == NULL)
				mr->m = match_new(p->c);
			item_match(mr, it, xp);
			free(xp);
			pthread_mutex_lock(&p->mu);
			pool_done(p, it);
			continue;
		}
		if (p->next >= p->iv->n && p->ready)
			return;
		/*
		 * Wait: for the window to move; before the rules are ready, when
		 * enough is held, at the end of the list, or at standard input
		 * (not read unless the rules compile).
		 */
		if (p->ready ? p->next >= p->printed + p->ahead
		             : p->next >= p->iv->n || p->held >= MATCH_EARLY_BYTES ||
		                   (p->iv->v[p->next].path != NULL &&
		                    strcmp(p->iv->v[p->next].path, "-") == 0)) {
			p->waiting++;
			pthread_cond_wait(&p->room, &p->mu);
			p->waiting--;
			continue;
		}
		it = &p->iv->v[p->next++];
		if (it->path == NULL || it->state == ITEM_DONE) {
			pool_done(p, it); /* a message alone */
			continue;
		}
		it->state = ITEM_TAKEN;
		pthread_mutex_unlock(&p->mu);
		if (item_extract(p->c, it, &x) < 0) {
			pthread_mutex_lock(&p->mu);
			pool_done(p, it);
			continue;
		}
		pthread_mutex_lock(&p->mu);
		if (!p->ready) {
			/* kept until the rules are ready; the extraction moves to the heap */
			if ((it->x = malloc(sizeof(*it->x))) != NULL) {
				extraction_trim(&x);
				*it->x = x;
				it->held = extraction_size(&x);
				p->held += it->held;
				it->state = ITEM_READ;
				continue;
			}
			/* out of memory: wait for the rules with it */
			while (!p->ready && !p->quit)
				pthread_cond_wait(&p->room, &p->mu);
			if (p->quit) {
				extraction_free(&x);
				return;
			}
		}
		pthread_mutex_unlock(&p->mu);
		if (mr->m == NULL)
			mr->m = match_new(p->c);
		item_match(mr, it, &x);
		pthread_mutex_lock(&p->mu);
		pool_done(p, it);
	}
}

static void *
pool_thread(void *arg)
{
	struct pool *p = arg;
	struct match_run mr = {.c = p->c};

	pthread_mutex_lock(&p->mu);
	pool_work(p, &mr);
	pthread_mutex_unlock(&p->mu);
	matcher_free(mr.m);
	free(mr.line.s);
	return NULL;
}

/* The threads besides the calling one: started early, then joined by pool_end(). */
struct pool_threads {
	pthread_t th[MATCH_JOBS_MAX];
	int n;
};

/* Set up the pool and start jobs - 1 threads, which extract until pool_end(). */
static void
pool_start(struct pool *p, struct pool_threads *pt, struct match_conf *c, struct itemv *iv,
           int jobs)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	p->iv = iv;
	p->ahead = (size_t)jobs * MATCH_AHEAD;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->room, NULL);
	pt->n = 0;
	if ((size_t)jobs > iv->n)
		jobs = iv->n > 0 ? (int)iv->n : 1;
	while (pt->n < jobs - 1 && pthread_create(&pt->th[pt->n], NULL, pool_thread, p) == 0)
		pt->n++;
}

/*
 * The rules are compiled (rs) or failed (NULL): this thread prints what is
 * done and matches with the others until every file is printed, or tells
 * them to stop. Then joins them and frees the pool.
 */
static void
pool_end(struct pool *p, struct pool_threads *pt, const struct ruleset *rs)
{
	struct match_run mr = {.c = p->c};

	pthread_mutex_lock(&p->mu);
	p->c->rs = rs;
	if (rs != NULL)
		p->ready = 1;
	else
		p->quit = 1;
	pthread_cond_broadcast(&p->room);
	if (rs != NULL) {
		pool_done(p, NULL);
		pool_work(p, &mr);
	}
	pthread_mutex_unlock(&p->mu);
	for (int t = 0; t < pt->n; t++)
		pthread_join(pt->th[t], NULL);
	/* the last item may have been done by a thread after this one left */
	pthread_mutex_lock(&p->mu);
	if (rs != NULL)
		pool_done(p, NULL);
	pthread_mutex_unlock(&p->mu);
	matcher_free(mr.m);
	free(mr.line.s);
	for (size_t i = 0; i < p->iv->n; i++)
		if (p->iv->v[i].x != NULL) {
			extraction_free(p->iv->v[i].x);
			free(p->iv->v[i].x);
			p->iv->v[i].x = NULL;
		}
	pthread_cond_destroy(&p->room);
	pthread_mutex_destroy(&p->mu);
}

/* The CPUs this process may run on. */
static int
cpu_count(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > MATCH_JOBS_MAX ? MATCH_JOBS_MAX : (int)n;
}

static int
jobs_parse(const char *s, int *jobs)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n < 1 || n > MATCH_JOBS_MAX)
		return -1;
	*jobs = (int)n;
	return 0;
}

static int
color_parse(const char *when, int *color)
{
	if (when == NULL || strcmp(when, "always") == 0 || strcmp(when, "yes") == 0)
		*color = 1;
	else if (strcmp(when, "never") == 0 || strcmp(when, "no") == 0)
		*color = 0;
	else if (strcmp(when, "auto") == 0)
		*color = isatty(1) && getenv("NO_COLOR") == NULL;
	else
		return -1;
	return 0;
}

int
cmd_match(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"rules", required_argument, NULL, 'r'}, {"json", no_argument, NULL, 'J'},
	    {"lang", required_argument, NULL, 'l'},  {"charset", required_argument, NULL, 'c'},
	    {"color", optional_argument, NULL, 'C'}, {"colour", optional_argument, NULL, 'C'},
	    {"jobs", required_argument, NULL, 'j'},  {"no-cache", no_argument, NULL, 'N'},
	    {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
	struct match_conf c = {0};
	struct itemv iv = {0};
	struct diags d;
	struct ruleset *rs = NULL;
	struct pool p;
	struct pool_threads pt;
	struct conf *cf;
	char **rules = NULL, **conf = NULL;
	size_t nrules = 0, nconf = 0;
	int ch, rc, jobs = cpu_count(), cache = 1;
	time_t now = time(NULL);

	c.color = isatty(1) && getenv("NO_COLOR") == NULL;
	rules = calloc((size_t)argc, sizeof(*rules));
	if (rules == NULL)
		return 2;
	while ((ch = getopt_long(argc, argv, "r:j:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			rules[nrules++] = optarg;
			break;
		case 'J':
			c.json = 1;
			break;
		case 'N':
			cache = 0;
			break;
		case 'j':
			if (jobs_parse(optarg, &jobs) < 0) {
				usage_error(argv[0],
				            "-j: '%s' is not a number of threads from 1 to %d",
				            optarg, MATCH_JOBS_MAX);
				free(rules);
				return 2;
			}
			break;
		case 'l':
			if (hark_lang_arg(argv[0], optarg) < 0) {
				free(rules);
				return 2;
			}
			c.lang = optarg;
			break;
		case 'c':
			if (hark_charset_arg(argv[0], optarg) < 0) {
				free(rules);
				return 2;
			}
			c.charset = optarg;
			break;
		case 'C':
			if (color_parse(optarg, &c.color) < 0) {
				usage_error(argv[0], "--color: '%s' is not never, always or auto",
				            optarg);
				free(rules);
				return 2;
			}
			break;
		case 'h':
			hark_usage("match", stdout);
			free(rules);
			return 0;
		default:
			usage_opt_error(argv[0], "r:j:h", opts, argv);
			free(rules);
			return 2;
		}
	}
	if (optind >= argc) {
		usage_error(argv[0], "no article given (use - for standard input)");
		free(rules);
		return 2;
	}
	diags_init(&d);
	/* the configured languages count even when the rules come from -r */
	if (nrules > 0) {
		rc = conf_languages_tool(&c.prior, &d);
	} else if ((rc = conf_load_tool(&cf, &d)) == 0) {
		/* the rule paths and languages change hands; the rest is not needed */
		conf = cf->rules;
		nconf = cf->nrules;
		c.prior = cf->languages;
		cf->rules = NULL;
		cf->nrules = 0;
		cf->languages = NULL;
		conf_free(cf);
	}
	if (rc < 0) {
		hark_diags_print(&d);
		diags_free(&d);
		rc = 2;
		goto out;
	}
	strftime(c.now, sizeof(c.now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	for (int i = optind; i < argc; i++) {
		struct stat st;
		int r;

		if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			r = items_dir(&iv, argv[i], 0);
		else
			r = items_add(&iv, argv[i]) == NULL ? -1 : 0;
		if (r < 0) {
			hark_diags_print(&d);
			diags_free(&d);
			hark_errorf("hark: out of memory\n");
			rc = 2;
			goto out;
		}
	}
	/* the threads read and extract while this one compiles the rules */
	pool_start(&p, &pt, &c, &iv, jobs);
	rs = nrules > 0 ? rules_load_cached(rules, nrules, &d, cache)
	                : rules_load_cached(conf, nconf, &d, cache);
	hark_diags_print(&d);
	diags_free(&d);
	pool_end(&p, &pt, rs);
	rc = rs == NULL ? 2 : p.errors ? 2 : p.hits ? 0 : 1;
out:
	for (size_t i = 0; i < iv.n; i++) {
		free(iv.v[i].path);
		free(iv.v[i].out.p);
	}
	free(iv.v);
	ruleset_free(rs);
	for (size_t i = 0; i < nconf; i++)
		free(conf[i]);
	free(conf);
	free(rules);
	free(c.prior);
	return rc;
}
