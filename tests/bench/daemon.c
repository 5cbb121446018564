/*
 * daemon.c: harkd from drop to stored hits (bench_daemon).
 *
 *   bench_daemon HARKD RULES CORPUS_DIR [N]
 *
 * Starts the real harkd on a fresh state and spool in a temporary directory
 * and reads its log from a pipe. Three runs, each printed as one line of
 * key=value pairs for tests/bench/run.sh:
 *
 *   throughput  N articles renamed into incoming/ at once; articles a second
 *               from the first rename to the last "article" log line (logged
 *               after the commit, so the articles and hits are stored); and
 *               to the full-text index caught up with them (indexer.h: it
 *               follows intake), read in the database behind harkd's back.
 *   latency     articles renamed in one every 20 ms (50 a second); for each,
 *               the time from its rename to its "article" line: p50, p99, max.
 *   stall       one large article (the corpus joined, 8 MiB) among small ones:
 *               the longest the event loop waited (harkd says it at exit),
 *               with the worker threads and with HARK_WORKERS=0 (one document
 *               a turn on the loop thread), and the throughput of the latter.
 *
 * HARK_BENCH_DAEMON_RUNS="throughput latency" (any of throughput, workers0,
 * latency, stall) runs only those: a before/after comparison in turn.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static char dir[256];
static const char *harkd, *rules;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench_daemon: %s: %s\n", what, strerror(errno));
	exit(1);
}

struct proc {
	pid_t pid;
	int fd; /* harkd's stderr */
	char buf[1 << 16];
	size_t len;
	double stall_ms;
};

static void
write_conf(const char *state)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/hark.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		die(path);
	fprintf(f,
	        "[hark]\nstate_dir = %s/%s\nspool_dir = %s/%s-spool\nrules = %s\n"
	        "keep_done = yes\nmax_document_size = 64M\nlog_level = info\n",
	        dir, state, dir, state, rules);
	fclose(f);
}

static void
proc_start(struct proc *p, const char *workers)
{
	int fds[2];
	char conf[512];

	snprintf(conf, sizeof(conf), "%s/hark.conf", dir);
	if (pipe(fds) < 0)
		die("pipe");
	p->pid = fork();
	if (p->pid < 0)
		die("fork");
	if (p->pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		if (workers)
			setenv("HARK_WORKERS", workers, 1);
		else
			unsetenv("HARK_WORKERS");
		execl(harkd, harkd, "-c", conf, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	p->fd = fds[0];
	p->len = 0;
	p->stall_ms = -1;
}

/*
 * Read a line of harkd's log, waiting at most timeout_ms (-1: forever).
 * Returns the line (in p->buf, valid until the next call) or NULL.
 */
static char *
proc_line(struct proc *p, int timeout_ms)
{
	static char line[8192];

	for (;;) {
		char *nl = memchr(p->buf, '\n', p->len);
		struct pollfd pfd = {p->fd, POLLIN, 0};
		ssize_t n;

		if (nl != NULL) {
			size_t l = (size_t)(nl - p->buf);

			if (l >= sizeof(line))
				l = sizeof(line) - 1;
			memcpy(line, p->buf, l);
			line[l] = '\0';
			p->len -= (size_t)(nl + 1 - p->buf);
			memmove(p->buf, nl + 1, p->len);
			return line;
		}
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return NULL;
		n = read(p->fd, p->buf + p->len, sizeof(p->buf) - p->len);
		if (n <= 0)
			return NULL;
		p->len += (size_t)n;
	}
}

static void
proc_wait_started(struct proc *p)
{
	char *l;

	while ((l = proc_line(p, 30000)) != NULL) {
		if (strstr(l, " started: ") != NULL)
			return;
		fprintf(stderr, "%s\n", l);
	}
	fprintf(stderr, "bench_daemon: harkd did not start\n");
	exit(1);
}

static void
proc_stop(struct proc *p)
{
	char *l, *s;
	int st;

	kill(p->pid, SIGTERM);
	while ((l = proc_line(p, 30000)) != NULL)
		if ((s = strstr(l, "longest stall of the loop ")) != NULL)
			p->stall_ms = strtod(s + 26, NULL);
	waitpid(p->pid, &st, 0);
	close(p->fd);
}

/* The file name of an "article ... file=NAME" or "duplicate file=NAME" line. */
static const char *
line_file(char *l)
{
	char *f;

	if ((strstr(l, " article a_") == NULL && strstr(l, " duplicate file=") == NULL) ||
	    (f = strstr(l, "file=")) == NULL)
		return NULL;
	f += 5;
	f[strcspn(f, " ")] = '\0';
	return f;
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
		die(cdir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		corpus = realloc(corpus, (ncorpus + 1) * sizeof(*corpus));
		if (asprintf(&corpus[ncorpus++], "%s/%s", cdir, e->d_name) < 0)
			die("asprintf");
	}
	closedir(d);
	qsort(corpus, ncorpus, sizeof(*corpus), cmp_str);
}

static void
copy(const char *src, const char *dst)
{
	char buf[1 << 16];
	int in = open(src, O_RDONLY), out;
	ssize_t n;

	if (in < 0)
		die(src);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		die(dst);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			die(dst);
	close(in);
	close(out);
}

/* Copy articles from..to of the corpus into SPOOL/tmp as a-NNNNN.txt. */
static void
stage(const char *spool, size_t from, size_t to)
{
	char p[512];

	snprintf(p, sizeof(p), "%s", spool);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/tmp", spool);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/incoming", spool);
	mkdir(p, 0755);
	for (size_t i = from; i < to; i++) {
		snprintf(p, sizeof(p), "%s/tmp/a-%05zu.txt", spool, i);
		copy(corpus[i % ncorpus], p);
	}
}

static void
drop(const char *spool, const char *name)
{
	char a[512], b[512];

	snprintf(a, sizeof(a), "%s/tmp/%s", spool, name);
	snprintf(b, sizeof(b), "%s/incoming/%s", spool, name);
	if (rename(a, b) < 0)
		die(a);
}

/* 1 when the full-text index of the database at path has every article (store_meta fts_through). */
static int
indexed_all(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int all = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return 0;
	}
	sqlite3_busy_timeout(db, 1000);
	if (sqlite3_prepare_v2(db,
	                       "SELECT (SELECT value FROM store_meta WHERE key = 'fts_through') >= "
	                       "(SELECT max(seq) FROM articles)",
	                       -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			all = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	return all;
}

static double
run_throughput(const char *state, size_t n, const char *workers, double *stall, double *indexed)
{
	char spool[512], name[64], db[600];
	struct proc p;
	double t0, t1;
	size_t seen = 0;
	char *l;

	write_conf(state);
	snprintf(spool, sizeof(spool), "%s/%s-spool", dir, state);
	stage(spool, 0, n);
	proc_start(&p, workers);
	proc_wait_started(&p);
	t0 = now_s();
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "a-%05zu.txt", i);
		drop(spool, name);
	}
	t1 = t0;
	while (seen < n && (l = proc_line(&p, 60000)) != NULL)
		if (line_file(l) != NULL) {
			seen++;
			t1 = now_s();
		}
	/* then until the index has them all (harkd keeps running: its log is read as it comes) */
	snprintf(db, sizeof(db), "%s/%s/hark.db", dir, state);
	*indexed = 0;
	while (seen == n && now_s() - t0 < 120) {
		if (indexed_all(db)) {
			*indexed = (double)n / (now_s() - t0);
			break;
		}
		while (proc_line(&p, 5) != NULL)
			;
	}
	proc_stop(&p);
	*stall = p.stall_ms;
	if (seen < n) {
		fprintf(stderr, "bench_daemon: only %zu of %zu articles stored\n", seen, n);
		exit(1);
	}
	return (double)n / (t1 - t0);
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
run_latency(const char *state, size_t n, double rate)
{
	char spool[512], name[64];
	struct proc p;
	double *sent = calloc(n, sizeof(double)), *lat = calloc(n, sizeof(double));
	double t0, period = 1.0 / rate;
	size_t next = 0, seen = 0;

	write_conf(state);
	snprintf(spool, sizeof(spool), "%s/%s-spool", dir, state);
	stage(spool, 0, n);
	proc_start(&p, NULL);
	proc_wait_started(&p);
	t0 = now_s();
	while (seen < n) {
		double now = now_s(), due = t0 + (double)next * period;
		int wait_ms = next < n ? (int)((due - now) * 1000) : 10000;
		const char *f;
		char *l;

		if (next < n && now >= due) {
			snprintf(name, sizeof(name), "a-%05zu.txt", next);
			sent[next] = now_s();
			drop(spool, name);
			next++;
			continue;
		}
		l = proc_line(&p, wait_ms < 0 ? 0 : wait_ms);
		if (l == NULL) {
			if (next >= n)
				break;
			continue;
		}
		if ((f = line_file(l)) != NULL && strncmp(f, "a-", 2) == 0) {
			size_t i = (size_t)strtoul(f + 2, NULL, 10);

			if (i < n && lat[i] == 0) {
				lat[i] = now_s() - sent[i];
				seen++;
			}
		}
	}
	proc_stop(&p);
	for (size_t i = 0, k = 0; i < n; i++)
		if (lat[i] > 0)
			lat[k++] = lat[i];
	qsort(lat, seen, sizeof(double), cmp_dbl);
	if (seen == 0)
		seen = 1;
	printf("latency rate=%.0f articles=%zu p50_ms=%.1f p99_ms=%.1f max_ms=%.1f\n", rate, n,
	       lat[seen / 2] * 1000, lat[seen * 99 / 100] * 1000, lat[seen - 1] * 1000);
	free(sent);
	free(lat);
}

/* A large article (about 8 MiB of the corpus joined) and n small ones. */
static void
run_stall(const char *state, size_t n, const char *workers)
{
	char spool[512], big[600], name[64];
	struct proc p;
	size_t seen = 0, total = 0;
	double t0, t1, stall;
	FILE *out;
	char *l;

	write_conf(state);
	snprintf(spool, sizeof(spool), "%s/%s-spool", dir, state);
	stage(spool, 0, n);
	snprintf(big, sizeof(big), "%s/tmp/big.txt", spool);
	if ((out = fopen(big, "w")) == NULL)
		die(big);
	for (size_t i = 0; total < (8u << 20); i++) {
		FILE *in = fopen(corpus[(i + n) % ncorpus], "r");
		char buf[1 << 16];
		size_t k;

		if (in == NULL)
			die(corpus[i % ncorpus]);
		while ((k = fread(buf, 1, sizeof(buf), in)) > 0)
			total += fwrite(buf, 1, k, out);
		fclose(in);
	}
	fclose(out);
	proc_start(&p, workers);
	proc_wait_started(&p);
	t0 = now_s();
	drop(spool, "big.txt");
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "a-%05zu.txt", i);
		drop(spool, name);
	}
	t1 = t0;
	while (seen < n + 1 && (l = proc_line(&p, 120000)) != NULL)
		if (line_file(l) != NULL) {
			seen++;
			t1 = now_s();
		}
	proc_stop(&p);
	stall = p.stall_ms;
	printf("stall workers=%s big_mb=%.1f small=%zu articles_per_s=%.0f longest_stall_ms=%.1f\n",
	       workers ? workers : "default", (double)total / (1 << 20), n,
	       (double)(seen) / (t1 - t0), stall);
}

/* Whether the run named is wanted (HARK_BENCH_DAEMON_RUNS, unset: all). */
static int
want(const char *run)
{
	const char *e = getenv("HARK_BENCH_DAEMON_RUNS");

	return e == NULL || *e == '\0' || strstr(e, run) != NULL;
}

int
main(int argc, char **argv)
{
	size_t n;
	double rate, stall, indexed;
	char cmd[600];

	if (argc < 4) {
		fprintf(stderr, "usage: bench_daemon HARKD RULES CORPUS_DIR [N]\n");
		return 2;
	}
	/* the configuration lives elsewhere: its paths must be absolute */
	harkd = realpath(argv[1], NULL);
	rules = realpath(argv[2], NULL);
	if (harkd == NULL || rules == NULL)
		die(harkd == NULL ? argv[1] : argv[2]);
	n = argc > 4 ? strtoul(argv[4], NULL, 10) : 5000;
	corpus_list(argv[3]);
	if (ncorpus == 0) {
		fprintf(stderr, "bench_daemon: no articles in %s\n", argv[3]);
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s", "/tmp/hark-bench-daemon.XXXXXX");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	signal(SIGPIPE, SIG_IGN);

	if (want("throughput")) {
		rate = run_throughput("t1", n, NULL, &stall, &indexed);
		printf("throughput workers=default articles=%zu articles_per_s=%.0f "
		       "longest_stall_ms=%.1f indexed_per_s=%.0f\n",
		       n, rate, stall, indexed);
		fflush(stdout);
	}
	if (want("workers0")) {
		rate = run_throughput("t0", n, "0", &stall, &indexed);
		printf("throughput workers=0 articles=%zu articles_per_s=%.0f "
		       "longest_stall_ms=%.1f indexed_per_s=%.0f\n",
		       n, rate, stall, indexed);
		fflush(stdout);
	}
	if (want("latency")) {
		run_latency("lat", 1000, 50);
		fflush(stdout);
	}
	if (want("stall")) {
		run_stall("s1", 200, NULL);
		run_stall("s0", 200, "0");
	}

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_daemon: could not remove %s\n", dir);
	return 0;
}
