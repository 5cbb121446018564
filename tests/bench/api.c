/*
 * api.c: harkd's HTTP interface on a large archive, as a user meets it
 * (bench_api).
 *
 *   bench_api HARKD DATA_DIR [RATE]
 *
 * DATA_DIR is the bench data of tests/bench/run.sh: hits-1000000-200000.db
 * (written by bench_hitspage through store.h: 1,000,000 hits of 2,000 rules
 * r0000..r1999 over 200,000 articles, 51 sources, 8 languages, the 30 days
 * before 2026-11-22 01:51 UTC), rules-10000.rules and corpus/ (bench_gen).
 * The database is first opened as a writer here, which migrates the cached
 * file to this program's schema once; then it is copied into a fresh state
 * directory in a temporary directory and the real harkd started on it, its
 * [http] on 127.0.0.1 (port 0: the one taken is read from harkd.http), its
 * rules the 2,000 rules of the archive (tags t0..t19: rule rN has tag
 * t(N mod 20), as the stored hit objects say) and rules-10000.rules.
 *
 * The load client is this process: one thread, poll(), keep-alive
 * connections to harkd (a new one when every open one is busy), requests
 * sent at a fixed RATE a second (default 100) whatever the answers (an open
 * loop: a slow answer does not delay the next request, so it cannot hide
 * the queue behind it). A request's latency runs from the moment it was due
 * to the last byte of its answer; every answer must be a 200. One line a
 * case:
 *
 *   get NAME kind=K requests=N p50_ms=.. p99_ms=.. max_ms=.. bytes=.. (of the last answer)
 *
 * (K: single, no filter or one; combined; page, / and /metrics; mixed).
 *
 * The cases: GET /api/v1/hits without a filter, with each filter alone
 * (a frequent and a rare rule, a tag of 100 rules, a source, a language,
 * since= the last 24 h, until= 20 days ago), a few combined, and deep
 * paging: 200 pages one after the other, each from the next cursor of the
 * one before (a closed loop: each request waits for the answer before it,
 * its latency from its sending), from until= 15 days ago; the page / and
 * GET /metrics.
 *
 * Then ingest: N articles of the corpus (default 2000, or HARK_BENCH_API_INGEST) renamed into the
 * spool's incoming/ at once, articles a second from the first rename to
 * the last "article" line of harkd's log (written after the commit): alone,
 * then with the client sending RATE API requests a second beside it (the
 * single-filter cases in turn), twice each, alternating:
 *
 *   ingest load=none|api round=R articles=N articles_per_s=..
 *   get api_beside_ingest_round_R requests=N p50_ms=.. (the requests beside it)
 *   ingest_summary alone_per_s=.. busy_per_s=.. loss_pct=..
 *   harkd longest_stall_ms=.. (the longest its loop was late, as it says at exit)
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#define MAXCONN 64 /* below harkd's HTTPD_MAX_CONN */
#define ROUNDS 200
#define DAY_MS 86400000LL
/* the archive's now: bench_hitspage's, fixed so that a cached database is the same */
#define DATA_NOW_MS 1795312274000LL
#define NRULES 2000

static char dir[256];
static const char *harkd;
static int port;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pid_t harkd_pid; /* the harkd started here, 0 when none */

/* A failure: harkd stopped and the temporary directory removed, then exit 1. */
static void
die(const char *what, const char *why)
{
	fprintf(stderr, "bench_api: %s: %s\n", what, why);
	if (harkd_pid > 0) {
		kill(harkd_pid, SIGKILL);
		waitpid(harkd_pid, NULL, 0);
	}
	if (dir[0] != '\0') {
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_api: could not remove %s\n", dir);
	}
	exit(1);
}

/* ---- harkd, its log on a pipe ---- */

struct proc {
	pid_t pid;
	int fd; /* harkd's stderr */
	char buf[1 << 16];
	size_t len;
	size_t articles;     /* "article" lines seen */
	double stall_ms;     /* the longest stall of harkd's loop, which it logs at exit */
	double last_article; /* when the last one was read */
};

static void
proc_start(struct proc *p)
{
	int fds[2];
	char conf[512];

	snprintf(conf, sizeof(conf), "%s/hark.conf", dir);
	if (pipe(fds) < 0)
		die("pipe", strerror(errno));
	memset(p, 0, sizeof(*p));
	p->pid = fork();
	if (p->pid < 0)
		die("fork", strerror(errno));
	if (p->pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execl(harkd, harkd, "-c", conf, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	p->fd = fds[0];
	harkd_pid = p->pid;
}

/* Read what harkd logged (waiting at most timeout_ms); each line to fn. Returns -1 at EOF. */
static int
proc_read(struct proc *p, int timeout_ms, void (*fn)(struct proc *p, char *line))
{
	struct pollfd pfd = {p->fd, POLLIN, 0};
	ssize_t n;
	char *nl;

	if (timeout_ms >= 0 && poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	n = read(p->fd, p->buf + p->len, sizeof(p->buf) - 1 - p->len);
	if (n <= 0)
		return -1;
	p->len += (size_t)n;
	while ((nl = memchr(p->buf, '\n', p->len)) != NULL) {
		*nl = '\0';
		fn(p, p->buf);
		p->len -= (size_t)(nl + 1 - p->buf);
		memmove(p->buf, nl + 1, p->len);
	}
	if (p->len == sizeof(p->buf) - 1) /* a line longer than the buffer: dropped */
		p->len = 0;
	return 0;
}

static void
line_count(struct proc *p, char *l)
{
	const char *stall = strstr(l, "longest stall of the loop ");

	if (stall != NULL)
		p->stall_ms = strtod(stall + 26, NULL);
	if (strstr(l, " article a_") != NULL) {
		p->articles++;
		p->last_article = now_s();
	} else if (strstr(l, " harkd error: ") != NULL) {
		fprintf(stderr, "harkd: %s\n", l);
	}
}

static int started;

static void
line_started(struct proc *p, char *l)
{
	(void)p;
	if (strstr(l, " started: ") != NULL)
		started = 1;
	else if (strstr(l, " harkd warning: ") != NULL || strstr(l, " harkd error: ") != NULL)
		fprintf(stderr, "harkd: %s\n", l);
}

static void
proc_wait_started(struct proc *p)
{
	double t0 = now_s();

	while (!started && now_s() - t0 < 120)
		if (proc_read(p, 1000, line_started) < 0)
			break;
	if (!started)
		die("harkd", "did not start");
}

static void
proc_stop(struct proc *p)
{
	int st;

	kill(p->pid, SIGTERM);
	while (proc_read(p, 30000, line_count) == 0)
		;
	waitpid(p->pid, &st, 0);
	harkd_pid = 0;
	close(p->fd);
}

/* ---- the load client ---- */

struct conn {
	int fd; /* -1: closed */
	int busy;
	size_t req; /* the request it carries */
	double due; /* when that request was due (open loop) or sent (chain) */
	char *buf;  /* owned: the answer so far */
	size_t len, cap;
};

struct load {
	const char *name;
	const char *kind;         /* single (no filter or one), combined, page, mixed: for run.sh */
	const char *const *paths; /* sent in turn */
	size_t npaths;
	int chain;            /* each request from the next cursor of the answer before */
	char chain_path[512]; /* for chain: the next request's path */
	size_t n;             /* requests to send; 0: as long as harkd ingests */
	double rate;
	/* results */
	double *lat;
	size_t nlat, sent;
	int errors;
	char first_error[256];
	size_t bytes;
};

static struct conn conns[MAXCONN];

static int
dial(void)
{
	struct sockaddr_in sa = {0};
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect", strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->busy = 0;
	c->len = 0;
}

static void
load_error(struct load *L, const char *fmt, const char *what)
{
	if (L->errors++ == 0)
		snprintf(L->first_error, sizeof(L->first_error), fmt, what);
}

/* Send path on an idle connection (a new one when none is idle). */
static void
conn_send(struct load *L, const char *path, size_t req, double due)
{
	char r[1024];
	struct conn *c = NULL;
	int n;

	for (int i = 0; i < MAXCONN && c == NULL; i++)
		if (conns[i].fd >= 0 && !conns[i].busy)
			c = &conns[i];
	for (int i = 0; i < MAXCONN && c == NULL; i++)
		if (conns[i].fd < 0) {
			c = &conns[i];
			c->fd = dial();
		}
	n = snprintf(r, sizeof(r), "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", path, port);
	if (write(c->fd, r, (size_t)n) != n) {
		/* the server closed an idle connection: a new one */
		conn_close(c);
		c->fd = dial();
		if (write(c->fd, r, (size_t)n) != n)
			die("write", strerror(errno));
	}
	c->busy = 1;
	c->req = req;
	c->due = due;
	c->len = 0;
	L->sent++;
}

/* The answer in c complete: its body's offset, else 0 (not yet). */
static size_t
answer_done(struct conn *c, long *clen)
{
	char *end, *h;

	if (c->len < 4 || (end = memmem(c->buf, c->len, "\r\n\r\n", 4)) == NULL)
		return 0;
	*clen = -1;
	for (h = c->buf; h < end; h = memchr(h, '\n', (size_t)(end - h)) + 1) {
		if (strncasecmp(h, "Content-Length:", 15) == 0)
			*clen = strtol(h + 15, NULL, 10);
		if (memchr(h, '\n', (size_t)(end - h)) == NULL)
			break;
	}
	if (*clen < 0)
		return (size_t)(end + 4 - c->buf); /* no length: read until closed */
	if (c->len < (size_t)(end + 4 - c->buf) + (size_t)*clen)
		return 0;
	return (size_t)(end + 4 - c->buf);
}

/* The next page's path from a page of /api/v1/hits: base&before=NEXT, "" at the end. */
static void
chain_next(struct load *L, const char *body, size_t len)
{
	const char *k = memmem(body, len, "\"next\":\"", 8), *base = L->paths[0];
	size_t n;

	L->chain_path[0] = '\0';
	if (k == NULL)
		return;
	k += 8;
	n = strcspn(k, "\"");
	snprintf(L->chain_path, sizeof(L->chain_path), "%s%sbefore=%.*s", base,
	         strchr(base, '?') != NULL ? "&" : "?", (int)n, k);
}

static void
conn_read(struct load *L, struct conn *c)
{
	long clen;
	size_t body;
	ssize_t n;

	if (c->cap - c->len < 65536) {
		c->cap = c->cap * 2 + 65536;
		if ((c->buf = realloc(c->buf, c->cap)) == NULL)
			die("realloc", strerror(errno));
	}
	n = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (c->busy)
			load_error(L, "%s: connection closed before the answer's end", L->name);
		conn_close(c);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if (!c->busy || (body = answer_done(c, &clen)) == 0 || clen < 0)
		return;
	if (strncmp(c->buf, "HTTP/1.1 200 ", 13) != 0) {
		char line[128];

		snprintf(line, sizeof(line), "%.*s", (int)strcspn(c->buf, "\r\n"), c->buf);
		load_error(L, "answer %s", line);
	}
	L->lat[L->nlat++] = now_s() - c->due;
	L->bytes = (size_t)clen;
	if (L->chain)
		chain_next(L, c->buf + body, (size_t)clen);
	c->busy = 0;
	c->len = 0;
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Run L against harkd (p: its log is read meanwhile, so that it never
 * blocks on a full pipe) until L's requests are answered and, when
 * articles > 0, p has logged that many articles.
 */
static void
load_run(struct load *L, struct proc *p, size_t articles)
{
	size_t cap = L->n > 0 ? L->n : 100000;
	double t0 = now_s(), period = 1.0 / L->rate;
	int inflight;

	L->lat = calloc(cap, sizeof(double));
	L->nlat = L->sent = 0;
	L->errors = 0;
	if (L->chain)
		snprintf(L->chain_path, sizeof(L->chain_path), "%s", L->paths[0]);
	for (;;) {
		struct pollfd pfd[MAXCONN + 1];
		struct conn *pc[MAXCONN + 1];
		double now = now_s(), due = t0 + (double)L->sent * period;
		int more = L->n > 0 ? L->sent < L->n : p->articles < articles && L->sent < cap;
		int np = 0, timeout;

		inflight = 0;
		for (int i = 0; i < MAXCONN; i++)
			inflight += conns[i].busy;
		if (more && L->chain && L->chain_path[0] == '\0')
			more = 0; /* the last page */
		if (!more && inflight == 0 && p->articles >= articles &&
		    (L->n == 0 || L->sent >= L->n || L->chain))
			break;
		/* every connection busy: the request waits for one (its latency counts it) */
		if (more && inflight == MAXCONN)
			more = 0;
		if (more && now >= due && (!L->chain || inflight == 0)) {
			if (L->chain)
				conn_send(L, L->chain_path, L->sent, now);
			else
				conn_send(L, L->paths[L->sent % L->npaths], L->sent, due);
			continue;
		}
		for (int i = 0; i < MAXCONN; i++)
			if (conns[i].fd >= 0) {
				pfd[np] = (struct pollfd){conns[i].fd, POLLIN, 0};
				pc[np++] = &conns[i];
			}
		pfd[np] = (struct pollfd){p->fd, POLLIN, 0};
		pc[np] = NULL;
		timeout = more && (!L->chain || inflight == 0) ? (int)((due - now) * 1000) : 1000;
		if (timeout < 0)
			timeout = 0;
		if (poll(pfd, (nfds_t)np + 1, timeout) < 0 && errno != EINTR)
			die("poll", strerror(errno));
		for (int i = 0; i < np; i++)
			if (pfd[i].revents != 0)
				conn_read(L, pc[i]);
		if (pfd[np].revents != 0 && proc_read(p, -1, line_count) < 0)
			die("harkd", "exited");
	}
}

static void
load_print(const char *tag, struct load *L)
{
	qsort(L->lat, L->nlat, sizeof(double), cmp_dbl);
	if (L->nlat == 0) {
		printf("%s %s kind=%s requests=0\n", tag, L->name, L->kind);
		return;
	}
	printf("%s %s kind=%s requests=%zu p50_ms=%.2f p99_ms=%.2f max_ms=%.2f bytes=%zu", tag,
	       L->name, L->kind, L->nlat, L->lat[L->nlat / 2] * 1000,
	       L->lat[L->nlat * 99 / 100] * 1000, L->lat[L->nlat - 1] * 1000, L->bytes);
	if (L->errors > 0)
		printf(" errors=%d first_error=\"%s\"", L->errors, L->first_error);
	printf("\n");
	fflush(stdout);
	free(L->lat);
	L->lat = NULL;
}

/* ---- the state ---- */

static void
copy(const char *src, const char *dst)
{
	static char buf[1 << 20];
	int in = open(src, O_RDONLY), out;
	ssize_t n;

	if (in < 0)
		die(src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		die(dst, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			die(dst, strerror(errno));
	close(in);
	if (close(out) != 0)
		die(dst, strerror(errno));
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		die(path, strerror(errno));
}

/* The archive's 2,000 rules: words no article has, tags as in the stored hits. */
static void
write_rules(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		die(path, strerror(errno));
	for (int r = 0; r < NRULES; r++)
		fprintf(f, "[rule r%04d]\nname = Rule %d\nquery = zqxbench%04d\ntags = t%d\n\n", r,
		        r, r, r % 20);
	if (fclose(f) != 0)
		die(path, strerror(errno));
}

static char **corpus;
static size_t ncorpus;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
corpus_list(const char *cdir)
{
	DIR *d = opendir(cdir);
	struct dirent *e;

	if (d == NULL)
		die(cdir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		corpus = realloc(corpus, (ncorpus + 1) * sizeof(*corpus));
		if (asprintf(&corpus[ncorpus++], "%s/%s", cdir, e->d_name) < 0)
			die("asprintf", strerror(errno));
	}
	closedir(d);
	qsort(corpus, ncorpus, sizeof(*corpus), cmp_str);
	if (ncorpus == 0)
		die(cdir, "no articles");
}

/* Copy n articles of the corpus, from the from-th, into spool/tmp as PREFIX-NNNNN.txt. */
static void
stage(const char *prefix, size_t from, size_t n)
{
	char p[600];

	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/spool/tmp/%s-%05zu.txt", dir, prefix, i);
		copy(corpus[(from + i) % ncorpus], p);
	}
}

static void
drop_all(const char *prefix, size_t n)
{
	char a[600], b[600];

	for (size_t i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "%s/spool/tmp/%s-%05zu.txt", dir, prefix, i);
		snprintf(b, sizeof(b), "%s/spool/incoming/%s-%05zu.txt", dir, prefix, i);
		if (rename(a, b) < 0)
			die(a, strerror(errno));
	}
}

static void
iso(int64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
main(int argc, char **argv)
{
	char db[600], path[600], conf[2048], rules10k[600], cdir[600], err[512];
	char since24h[40], until20d[40], until15d[40];
	struct store *st;
	struct proc p;
	struct stat sb;
	double rate, t0;
	size_t ningest = 2000;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_api HARKD DATA_DIR [RATE]\n");
		return 2;
	}
	if ((harkd = realpath(argv[1], NULL)) == NULL)
		die(argv[1], strerror(errno));
	rate = argc > 3 ? atof(argv[3]) : 100;
	if (rate <= 0)
		die("RATE", "not a positive number");
	if (getenv("HARK_BENCH_API_INGEST") != NULL)
		ningest = strtoul(getenv("HARK_BENCH_API_INGEST"), NULL, 10);
	snprintf(db, sizeof(db), "%s/hits-1000000-200000.db", argv[2]);
	snprintf(rules10k, sizeof(rules10k), "%s/rules-10000.rules", argv[2]);
	snprintf(cdir, sizeof(cdir), "%s/corpus", argv[2]);
	if (stat(db, &sb) != 0)
		die(db, "missing: run bench_hitspage DATA_DIR first (tests/bench/run.sh does)");
	if (realpath(rules10k, path) == NULL)
		die(rules10k, strerror(errno));
	snprintf(rules10k, sizeof(rules10k), "%s", path);
	corpus_list(cdir);
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < MAXCONN; i++)
		conns[i].fd = -1;

	/* the cached archive brought to this program's schema, once */
	t0 = now_s();
	if (store_open(db, STORE_WRITE, 5000, &st, err, sizeof(err)) != 0)
		die(db, err);
	store_close(st);
	printf("setup migrate_s=%.1f", now_s() - t0);

	snprintf(dir, sizeof(dir), "%s", "/tmp/hark-bench-api.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		dir[0] = '\0'; /* nothing made: nothing to remove */
		die("mkdtemp", strerror(errno));
	}
	for (const char *const *d =
	         (const char *const[]){"state", "spool", "spool/tmp", "spool/incoming", NULL};
	     *d != NULL; d++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *d);
		if (mkdir(path, 0755) < 0)
			die(path, strerror(errno));
	}
	t0 = now_s();
	snprintf(path, sizeof(path), "%s/state/hark.db", dir);
	copy(db, path);
	stat(path, &sb);
	printf(" copy_s=%.1f db_mb=%.0f", now_s() - t0, (double)sb.st_size / 1e6);
	snprintf(path, sizeof(path), "%s/archive.rules", dir);
	write_rules(path);
	snprintf(conf, sizeof(conf),
	         "[hark]\nstate_dir = %s/state\nspool_dir = %s/spool\nrules = %s %s\n"
	         "keep_done = no\nlog_level = info\n\n[http]\nlisten = 127.0.0.1:0\n",
	         dir, dir, path, rules10k);
	snprintf(path, sizeof(path), "%s/hark.conf", dir);
	write_file(path, conf);
	stage("a", 0, ningest);
	stage("b", ningest, ningest);
	stage("c", 2 * ningest, ningest);
	stage("d", 3 * ningest, ningest);

	t0 = now_s();
	proc_start(&p);
	proc_wait_started(&p);
	printf(" harkd_start_s=%.1f\n", now_s() - t0);
	snprintf(path, sizeof(path), "%s/state/harkd.http", dir);
	if ((f = fopen(path, "r")) == NULL || fscanf(f, "http://127.0.0.1:%d", &port) != 1)
		die(path, "no port");
	fclose(f);

	iso(DATA_NOW_MS - DAY_MS, since24h, sizeof(since24h));
	iso(DATA_NOW_MS - 20 * DAY_MS, until20d, sizeof(until20d));
	iso(DATA_NOW_MS - 15 * DAY_MS, until15d, sizeof(until15d));
	char q_since[80], q_until[80], q_deep[80], q_tagsince[80];
	snprintf(q_since, sizeof(q_since), "/api/v1/hits?since=%s", since24h);
	snprintf(q_until, sizeof(q_until), "/api/v1/hits?until=%s", until20d);
	snprintf(q_deep, sizeof(q_deep), "/api/v1/hits?until=%s", until15d);
	snprintf(q_tagsince, sizeof(q_tagsince), "/api/v1/hits?tag=t3&since=%s", since24h);
	struct {
		const char *name, *path;
		int chain;
		const char *kind; /* single: no filter or one, the target's */
	} cases[] = {
	    {"api_none", "/api/v1/hits", 0, "single"},
	    {"api_rule_frequent", "/api/v1/hits?rule=r0000", 0, "single"},
	    {"api_rule_rare", "/api/v1/hits?rule=r1900", 0, "single"},
	    {"api_tag_100_rules", "/api/v1/hits?tag=t3", 0, "single"},
	    {"api_source", "/api/v1/hits?source=feed-17", 0, "single"},
	    {"api_lang", "/api/v1/hits?lang=fa", 0, "single"},
	    {"api_since_24h", q_since, 0, "single"},
	    {"api_until_20d_ago", q_until, 0, "single"},
	    {"api_until_15d_deep_200_pages", q_deep, 1, "single"},
	    {"api_rule_middle_deep_pages", "/api/v1/hits?rule=r0040", 1, "single"},
	    {"api_rule_frequent_lang", "/api/v1/hits?rule=r0000&lang=en", 0, "combined"},
	    {"api_rule_frequent_source_lang", "/api/v1/hits?rule=r0000&source=drop&lang=en", 0,
	     "combined"},
	    {"api_source_lang", "/api/v1/hits?source=feed-17&lang=fa", 0, "combined"},
	    {"api_tag_since_24h", q_tagsince, 0, "combined"},
	    {"page_hits", "/", 0, "page"},
	    {"metrics", "/metrics", 0, "page"},
	};
	size_t ncases = sizeof(cases) / sizeof(cases[0]);
	const char *mixed[sizeof(cases) / sizeof(cases[0])];
	size_t nmixed = 0;

	/* warm: each 10 times, as a user's first looks bring the pages of the copy in */
	for (size_t c = 0; c < ncases; c++) {
		struct load L = {.name = cases[c].name,
		                 .kind = cases[c].kind,
		                 .paths = &cases[c].path,
		                 .npaths = 1,
		                 .n = 10,
		                 .rate = rate};

		load_run(&L, &p, 0);
		if (L.errors > 0)
			die(cases[c].name, L.first_error);
		free(L.lat);
		if (strcmp(cases[c].kind, "single") == 0 && !cases[c].chain)
			mixed[nmixed++] = cases[c].path;
	}
	for (size_t c = 0; c < ncases; c++) {
		struct load L = {.name = cases[c].name,
		                 .kind = cases[c].kind,
		                 .paths = &cases[c].path,
		                 .npaths = 1,
		                 .chain = cases[c].chain,
		                 .n = ROUNDS,
		                 .rate = rate};

		load_run(&L, &p, 0);
		load_print("get", &L);
	}

	/* ingest alone and beside the API, alternating */
	double alone = 0, busy = 0;
	const char *prefix[] = {"a", "b", "c", "d"};
	for (int r = 0; r < 4; r++) {
		int with_api = r % 2 == 1;
		size_t base = p.articles;
		struct load L = {.name = "mixed",
		                 .kind = "mixed",
		                 .paths = mixed,
		                 .npaths = nmixed,
		                 .n = 0,
		                 .rate = rate};
		double start = now_s(), rps;

		drop_all(prefix[r], ningest);
		if (with_api) {
			load_run(&L, &p, base + ningest);
		} else {
			while (p.articles < base + ningest)
				if (proc_read(&p, 60000, line_count) != 0)
					die("harkd", "exited");
		}
		rps = (double)ningest / (p.last_article - start);
		printf("ingest load=%s round=%d articles=%zu articles_per_s=%.0f\n",
		       with_api ? "api" : "none", r / 2 + 1, ningest, rps);
		if (with_api) {
			busy += rps / 2;
			L.name = r == 1 ? "api_beside_ingest_round_1" : "api_beside_ingest_round_2";
			load_print("get", &L);
		} else {
			alone += rps / 2;
		}
		fflush(stdout);
	}
	printf("ingest_summary alone_per_s=%.0f busy_per_s=%.0f loss_pct=%.1f\n", alone, busy,
	       100.0 * (alone - busy) / alone);

	for (int i = 0; i < MAXCONN; i++) {
		conn_close(&conns[i]);
		free(conns[i].buf);
	}
	proc_stop(&p);
	printf("harkd longest_stall_ms=%.1f\n", p.stall_ms);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		fprintf(stderr, "bench_api: could not remove %s\n", dir);
	return 0;
}
