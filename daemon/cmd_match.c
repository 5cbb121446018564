/*
 * cmd_match.c: hark match: articles in, hits out, like grep: "FILE: RULE:
 * snippet" or one JSON hit object per line; exit 0 hit, 1 none, 2 error.
 *
 * The files to read are listed first (the arguments in order, a directory
 * in sorted order, recursively); -j N threads then read and match them,
 * each file's output kept until every file before it is printed, so that
 * the output is the same, byte for byte, whatever N.
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
#include "extract.h"
#include "fileio.h"
#include "hark.h"
#include "hit.h"
#include "match.h"

#define MATCH_JOBS_MAX 256
/* Files this large are mapped rather than read: no copy, no buffer growth. */
#define MATCH_MMAP_MIN (1u << 20)
/* Files read ahead of the one being printed, per thread: bounds the output held. */
#define MATCH_AHEAD 64

/*
 * What one file prints, in order: records of a stream byte ('o' stdout,
 * 'e' stderr), a size_t length and the bytes.
 */
struct outbuf {
	char *p;
	size_t n, cap;
	int oom;
};

struct item {
	char *path;        /* owned; NULL: an item with only a message */
	struct outbuf out; /* what it prints */
	long hits;
	int errors;
	int done; /* under pool.mu */
};

/* What every thread reads and nothing writes once the threads run. */
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

/* Print what an item holds and free it; stdout is flushed after each file, as grep does. */
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
			fwrite(it->out.p + off, 1, len, stderr);
		}
		off += len;
	}
	if (it->out.oom) {
		fprintf(stderr, "hark: %s: out of memory\n", it->path ? it->path : "hark match");
		it->errors++;
	}
	fflush(stdout);
	free(it->out.p);
	memset(&it->out, 0, sizeof(it->out));
}

static int
print_hit(const struct hit *h, void *arg)
{
	struct match_run *mr = arg;
	const struct match_conf *c = mr->c;
	char *line = hark_hit_line(mr->doc, h, mr->name, c->now, c->json, c->color);

	mr->it->hits++;
	if (line == NULL) {
		mr->it->errors++;
		return 0;
	}
	out_add(&mr->it->out, 'o', line, strlen(line));
	free(line);
	return 0;
}

/*
 * Read a file: mapped when it is a regular file of MATCH_MMAP_MIN bytes or
 * more (*mapped set: munmap), else into memory. Returns 0, or -1 with errno
 * set (EFBIG when larger than max).
 */
static int
match_read(const char *path, size_t max, char **buf, size_t *len, int *mapped)
{
	struct stat st;
	int fd, e;
	void *p;

	*mapped = 0;
	if (strcmp(path, "-") == 0)
		return file_read(path, max, buf, len);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
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

static void
match_file(struct match_run *mr, struct item *it)
{
	const struct match_conf *c = mr->c;
	const char *path = it->path;
	const char *name = strcmp(path, "-") == 0 ? "(standard input)" : path;
	struct extract_opts o = {
	    .file = name,
	    .source = "drop",
	    .lang = c->lang,
	    .lang_prior = c->prior,
	    .charset_force = c->charset,
	    .charset_option = "--charset",
	};
	struct extraction x;
	char err[256];
	char *buf;
	size_t len;
	int mapped;

	mr->it = it;
	if (match_read(path, HARK_FILE_MAX, &buf, &len, &mapped) < 0) {
		item_err(it, "hark: %s: %s\n", name,
		         errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
		it->errors++;
		return;
	}
	if (extract_bytes(buf, len, &o, &x, err, sizeof(err)) < 0) {
		item_err(it, "hark: %s: %s\n", name, err);
		if (mapped)
			munmap(buf, len);
		else
			free(buf);
		it->errors++;
		return;
	}
	if (mapped)
		munmap(buf, len);
	else
		free(buf);
	if (x.warning[0] != '\0')
		item_err(it, "hark: %s: warning: %s\n", name, x.warning);
	mr->name = name;
	/* a feed file gives one article per entry */
	for (size_t i = 0; i < x.ndocs; i++) {
		mr->doc = &x.docs[i];
		const struct rule *r;

		if (matcher_run(mr->m, &x.docs[i], print_hit, mr) < 0) {
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
	extraction_free(&x);
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
		it->done = 1;
		return 0;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct stat st;

		if (lstat(names[i], &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = items_dir(iv, names[i], depth + 1);
		else if (S_ISREG(st.st_mode) && items_add(iv, names[i]) == NULL)
			rc = -1;
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

struct pool {
	const struct match_conf *c;
	struct itemv *iv;
	pthread_mutex_t mu;
	pthread_cond_t done; /* an item is done */
	pthread_cond_t room; /* an item was printed: the window moved */
	size_t next;         /* the next item to take */
	size_t printed;      /* items printed */
	size_t ahead;        /* how far past printed a thread may take */
	int oom;
};

static void *
pool_thread(void *arg)
{
	struct pool *p = arg;
	struct match_run mr = {.c = p->c, .m = match_new(p->c)};

	for (;;) {
		struct item *it;

		pthread_mutex_lock(&p->mu);
		while (p->next < p->iv->n && p->next >= p->printed + p->ahead)
			pthread_cond_wait(&p->room, &p->mu);
		if (p->next >= p->iv->n) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		it = &p->iv->v[p->next++];
		pthread_mutex_unlock(&p->mu);
		if (it->path != NULL && !it->done) {
			if (mr.m != NULL) {
				match_file(&mr, it);
			} else {
				item_err(it, "hark: out of memory\n");
				it->errors++;
			}
		}
		pthread_mutex_lock(&p->mu);
		it->done = 1;
		pthread_cond_broadcast(&p->done);
		pthread_mutex_unlock(&p->mu);
	}
	matcher_free(mr.m);
	return NULL;
}

/* Match every item with jobs threads, printing each in order as soon as it and those before are
 * done. */
static void
match_items(const struct match_conf *c, struct itemv *iv, int jobs, long *hits, int *errors)
{
	struct pool p = {.c = c, .iv = iv, .ahead = (size_t)jobs * MATCH_AHEAD};
	pthread_t th[MATCH_JOBS_MAX];
	int nth = 0;

	if ((size_t)jobs > iv->n)
		jobs = iv->n > 0 ? (int)iv->n : 1;
	if (jobs > 1) {
		pthread_mutex_init(&p.mu, NULL);
		pthread_cond_init(&p.done, NULL);
		pthread_cond_init(&p.room, NULL);
		for (nth = 0; nth < jobs; nth++)
			if (pthread_create(&th[nth], NULL, pool_thread, &p) != 0)
				break;
	}
	if (nth == 0) {
		/* one thread (or none could start): this one, printing as it goes */
		struct match_run mr = {.c = c, .m = match_new(c)};

		for (size_t i = 0; i < iv->n; i++) {
			struct item *it = &iv->v[i];

			if (it->path != NULL && mr.m != NULL) {
				match_file(&mr, it);
			} else if (it->path != NULL) {
				item_err(it, "hark: out of memory\n");
				it->errors++;
			}
			item_print(it);
			*hits += it->hits;
			*errors += it->errors;
		}
		matcher_free(mr.m);
		return;
	}
	for (size_t i = 0; i < iv->n; i++) {
		struct item *it = &iv->v[i];

		pthread_mutex_lock(&p.mu);
		while (!it->done)
			pthread_cond_wait(&p.done, &p.mu);
		pthread_mutex_unlock(&p.mu);
		item_print(it);
		*hits += it->hits;
		*errors += it->errors;
		pthread_mutex_lock(&p.mu);
		p.printed = i + 1;
		pthread_cond_broadcast(&p.room);
		pthread_mutex_unlock(&p.mu);
	}
	for (int t = 0; t < nth; t++)
		pthread_join(th[t], NULL);
	pthread_cond_destroy(&p.room);
	pthread_cond_destroy(&p.done);
	pthread_mutex_destroy(&p.mu);
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
	static const struct option opts[] = {{"rules", required_argument, NULL, 'r'},
	                                     {"json", no_argument, NULL, 'J'},
	                                     {"lang", required_argument, NULL, 'l'},
	                                     {"charset", required_argument, NULL, 'c'},
	                                     {"color", optional_argument, NULL, 'C'},
	                                     {"colour", optional_argument, NULL, 'C'},
	                                     {"jobs", required_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct match_conf c = {0};
	struct itemv iv = {0};
	struct diags d;
	struct ruleset *rs;
	struct conf *cf;
	char **rules = NULL, **conf = NULL;
	size_t nrules = 0, nconf = 0;
	int ch, rc, jobs = cpu_count(), errors = 0;
	long hits = 0;
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
		case 'j':
			if (jobs_parse(optarg, &jobs) < 0) {
				fprintf(stderr,
				        "hark: -j: '%s' is not a number of threads from 1 to %d\n",
				        optarg, MATCH_JOBS_MAX);
				free(rules);
				return 2;
			}
			break;
		case 'l':
			if (hark_lang_arg(optarg) < 0) {
				free(rules);
				return 2;
			}
			c.lang = optarg;
			break;
		case 'c':
			if (hark_charset_arg(optarg) < 0) {
				free(rules);
				return 2;
			}
			c.charset = optarg;
			break;
		case 'C':
			if (color_parse(optarg, &c.color) < 0) {
				fprintf(stderr,
				        "hark: --color: '%s' is not never, always or auto\n",
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
			hark_usage("match", stderr);
			free(rules);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "hark: match: no article given (use - for standard input)\n");
		hark_usage("match", stderr);
		free(rules);
		return 2;
	}
	diags_init(&d);
	/* the configured languages count even when the rules come from -r */
	if (nrules > 0) {
		rs = conf_languages_tool(&c.prior, &d) < 0 ? NULL : rules_load(rules, nrules, &d);
	} else if (conf_load_tool(&cf, &d) < 0) {
		rs = NULL;
	} else {
		/* the rule paths and languages change hands; the rest is not needed */
		conf = cf->rules;
		nconf = cf->nrules;
		c.prior = cf->languages;
		cf->rules = NULL;
		cf->nrules = 0;
		cf->languages = NULL;
		conf_free(cf);
		rs = rules_load(conf, nconf, &d);
	}
	diags_print(&d, stderr);
	diags_free(&d);
	if (rs == NULL) {
		rc = 2;
		goto out;
	}
	c.rs = rs;
	strftime(c.now, sizeof(c.now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	for (int i = optind; i < argc; i++) {
		struct stat st;
		int r;

		if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			r = items_dir(&iv, argv[i], 0);
		else
			r = items_add(&iv, argv[i]) == NULL ? -1 : 0;
		if (r < 0) {
			fprintf(stderr, "hark: out of memory\n");
			rc = 2;
			goto out;
		}
	}
	match_items(&c, &iv, jobs, &hits, &errors);
	rc = errors ? 2 : hits ? 0 : 1;
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
