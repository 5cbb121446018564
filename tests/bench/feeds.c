/*
 * feeds.c: harkd polling many feeds (bench_feeds).
 *
 *   bench_feeds HARKD FEEDSERVER [N]
 *
 * Starts the test feed server in bench mode with N feeds (default 2,000) and
 * the real harkd with N [feed bI] sections (interval 1h, allow_private yes)
 * on a fresh state in a temporary directory, and reads harkd's log from a
 * pipe. Three cycles, each printed as one line of key=value pairs for
 * tests/bench/run.sh:
 *
 *   first      start-up polls every feed: the time from harkd's "started"
 *              line to the last "feed bI: ..." line (its item committed, or
 *              its failure logged), and harkd's CPU time for it.
 *   unchanged  SIGUSR1: every feed polled again, each answered 304. The
 *              304s are counted in the feed server's request log (harkd
 *              says nothing of a 304 at log level info); the cycle ends with
 *              the Nth, and harkd's CPU time (utime + stime of
 *              /proc/PID/stat) is read once it has gone quiet.
 *   changed    the feed server's SIGUSR1 adds an item to every feed, then
 *              harkd's SIGUSR1: N polls with one new item each, until the
 *              Nth "feed bI: 1 new item" line.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[256];

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
	fprintf(stderr, "bench_feeds: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(1);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* harkd: its pid and the read end of its stderr. */
static pid_t hpid, fpid;
static int hfd = -1;
static char hbuf[1 << 16];
static size_t hlen;

/*
 * A line of harkd's log, waiting at most timeout_ms; NULL at the timeout or
 * the end. Valid until the next call.
 */
static char *
hline(int timeout_ms)
{
	static char line[8192];

	for (;;) {
		char *nl = memchr(hbuf, '\n', hlen);
		struct pollfd pfd = {hfd, POLLIN, 0};
		ssize_t n;

		if (nl != NULL) {
			size_t l = (size_t)(nl - hbuf);

			if (l >= sizeof(line))
				l = sizeof(line) - 1;
			memcpy(line, hbuf, l);
			line[l] = '\0';
			hlen -= (size_t)(nl + 1 - hbuf);
			memmove(hbuf, nl + 1, hlen);
			return line;
		}
		if (hlen == sizeof(hbuf))
			hlen = 0; /* a line longer than the buffer: dropped */
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return NULL;
		n = read(hfd, hbuf + hlen, sizeof(hbuf) - hlen);
		if (n <= 0)
			return NULL;
		hlen += (size_t)n;
	}
}

/* harkd's CPU time so far, in seconds (utime + stime). */
static double
cpu_s(void)
{
	char path[64], buf[2048], *p;
	unsigned long long ut = 0, st = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)hpid);
	if ((fd = open(path, O_RDONLY)) < 0)
		die(path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		die(path);
	buf[n] = '\0';
	/* after the command name (in parentheses, may hold blanks): field 3 on */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) {
		errno = 0;
		die("cannot read utime and stime");
	}
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Wait until harkd has used no CPU for 300 ms (at most 10 s); its CPU time. */
static double
cpu_quiet(void)
{
	double c = cpu_s(), c2;

	for (int i = 0; i < 100; i++) {
		sleep_ms(300);
		c2 = cpu_s();
		if (c2 == c)
			break;
		c = c2;
	}
	return c;
}

/*
 * The 304s in the feed server's request log from *off on: only whole lines
 * are read, *off moved past them.
 */
static long
count_304(const char *path, long *off)
{
	static char buf[1 << 20];
	long n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die(path);
	while ((r = pread(fd, buf, sizeof(buf) - 1, (off_t)*off)) > 0) {
		char *p = buf, *nl, st[8];

		buf[r] = '\0';
		/* "MS GET /bench/I 304 ...": the status is the fourth word */
		while ((nl = strchr(p, '\n')) != NULL) {
			*nl = '\0';
			if (sscanf(p, "%*s %*s %*s %7s", st) == 1 && strcmp(st, "304") == 0)
				n++;
			p = nl + 1;
		}
		if (p == buf)
			break; /* not one whole line yet */
		*off += (long)(p - buf);
	}
	close(fd);
	return n;
}

/*
 * "... feed bI: ..." with I a number, the end of a bench feed's poll: what
 * follows "bI: ", or NULL for another line.
 */
static const char *
feed_line(const char *l, int *failed, int *fresh)
{
	const char *f = strstr(l, " feed b"), *c;

	if (f == NULL)
		return NULL;
	f += 7;
	if (*f < '0' || *f > '9')
		return NULL;
	c = f + strspn(f, "0123456789");
	if (c[0] != ':' || c[1] != ' ')
		return NULL;
	*failed = strstr(c, "; next poll in ") != NULL;
	*fresh = strstr(c, " new item") != NULL;
	return *failed || *fresh ? c + 2 : NULL;
}

/* Read harkd's log until n feed lines with a new item (or a failure); the count of failures. */
static long
wait_feeds(long n, const char *what, long *fresh_items)
{
	long seen = 0, failed = 0;
	char *l;

	*fresh_items = 0;
	while (seen < n && (l = hline(300000)) != NULL) {
		int fl, fr;
		const char *rest = feed_line(l, &fl, &fr);

		if (rest == NULL)
			continue;
		seen++;
		failed += fl;
		if (fr)
			*fresh_items += strtol(rest, NULL, 10);
		if (fl && failed <= 3)
			fprintf(stderr, "bench_feeds: %s: %s\n", what, l);
	}
	if (seen < n) {
		fprintf(stderr,
		        "bench_feeds: %s: %ld of %ld feeds polled, then nothing for 300 s\n", what,
		        seen, n);
		exit(1);
	}
	return failed;
}

static void
cleanup(void)
{
	char cmd[300];

	if (hpid > 0) {
		kill(hpid, SIGKILL);
		waitpid(hpid, NULL, 0);
	}
	if (fpid > 0) {
		kill(fpid, SIGKILL);
		waitpid(fpid, NULL, 0);
	}
	if (dir[0] != '\0' && getenv("KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_feeds: cannot remove %s\n", dir);
	}
}

int
main(int argc, char **argv)
{
	char path[512], portfile[512], srvlog[512], srverr[512], feeds[32], *l;
	long n = 2000, port = 0, off = 0, fresh;
	double t0, t1, c0, c1, cyc;
	int fds[2];
	FILE *f;

	if (argc < 3 || argc > 4 || (argc == 4 && (n = strtol(argv[3], NULL, 10)) <= 0)) {
		fprintf(stderr, "usage: bench_feeds HARKD FEEDSERVER [N]\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/bench_feeds.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	atexit(cleanup);
	signal(SIGPIPE, SIG_IGN);

	/* the feed server, its request log in a file: read at our pace, never blocking it */
	snprintf(path, sizeof(path), "%s/root", dir);
	snprintf(portfile, sizeof(portfile), "%s/port", dir);
	snprintf(srvlog, sizeof(srvlog), "%s/srv.log", dir);
	snprintf(srverr, sizeof(srverr), "%s/srv.err", dir); /* its own messages */
	snprintf(feeds, sizeof(feeds), "%ld", n);
	if (mkdir(path, 0700) < 0)
		die(path);
	if ((fpid = fork()) < 0)
		die("fork");
	if (fpid == 0) {
		int fd = open(srvlog, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int efd = open(srverr, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || dup2(fd, 1) < 0 || efd < 0 || dup2(efd, 2) < 0)
			_exit(127);
		execl(argv[2], argv[2], portfile, path, "--feeds", feeds, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && port == 0; i++) {
		if ((f = fopen(portfile, "r")) != NULL) {
			if (fscanf(f, "%ld", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (port == 0)
			sleep_ms(50);
	}
	if (port == 0) {
		errno = 0;
		die("the feed server wrote no port");
	}

	/* the configuration: one rule, n feeds */
	snprintf(path, sizeof(path), "%s/w.rules", dir);
	if ((f = fopen(path, "w")) == NULL)
		die(path);
	fprintf(f, "[rule tice]\nquery = \"Austin Tice\"\n");
	fclose(f);
	snprintf(path, sizeof(path), "%s/hark.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		die(path);
	fprintf(f, "[hark]\nstate_dir = %s/state\nspool_dir = %s/spool\nrules = %s/w.rules\n", dir,
	        dir, dir);
	for (long i = 0; i < n; i++)
		fprintf(f,
		        "[feed b%ld]\nurl = http://127.0.0.1:%ld/bench/%ld\ninterval = 1h\n"
		        "allow_private = yes\n",
		        i, port, i);
	if (fclose(f) != 0)
		die(path);

	if (pipe(fds) < 0)
		die("pipe");
	if ((hpid = fork()) < 0)
		die("fork");
	if (hpid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execl(argv[1], argv[1], "-c", path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	hfd = fds[0];
	while ((l = hline(60000)) != NULL && strstr(l, " started: ") == NULL)
		fprintf(stderr, "%s\n", l);
	if (l == NULL) {
		errno = 0;
		die("harkd did not start");
	}

	/* 1. the first cycle, at start-up */
	t0 = now_s();
	{
		long failed = wait_feeds(n, "first", &fresh);

		t1 = now_s();
		c1 = cpu_quiet();
		printf("first feeds=%ld cycle_s=%.3f feeds_per_s=%.0f cpu_s=%.3f new_items=%ld "
		       "failed=%ld\n",
		       n, t1 - t0, (double)n / (t1 - t0), c1, fresh, failed);
		fflush(stdout);
	}

	/* 2. SIGUSR1: n unchanged polls */
	c0 = cpu_quiet();
	(void)count_304(srvlog, &off); /* past the first cycle's requests */
	t0 = now_s();
	kill(hpid, SIGUSR1);
	for (long seen = 0; seen < n;) {
		if (now_s() - t0 > 300) {
			fprintf(stderr, "bench_feeds: unchanged: %ld of %ld 304s, then 300 s\n",
			        seen, n);
			return 1;
		}
		sleep_ms(2);
		seen += count_304(srvlog, &off);
		if (seen >= n)
			break;
		/* harkd's log: drained, so that its pipe never fills */
		while (hline(0) != NULL)
			;
	}
	cyc = now_s() - t0;
	while (hline(0) != NULL)
		;
	c1 = cpu_quiet();
	printf("unchanged feeds=%ld cycle_s=%.3f polls_per_s=%.0f cpu_s=%.3f "
	       "cpu_ms_per_1000_polls=%.1f\n",
	       n, cyc, (double)n / cyc, c1 - c0, (c1 - c0) * 1000.0 * 1000.0 / (double)n);
	fflush(stdout);

	/* 3. a new item in every feed, then SIGUSR1 */
	kill(fpid, SIGUSR1);
	sleep_ms(1100); /* the server's Last-Modified moves a second on */
	while (hline(0) != NULL)
		;
	c0 = cpu_quiet();
	t0 = now_s();
	kill(hpid, SIGUSR1);
	{
		long failed = wait_feeds(n, "changed", &fresh);

		t1 = now_s();
		c1 = cpu_quiet();
		printf("changed feeds=%ld cycle_s=%.3f polls_per_s=%.0f cpu_s=%.3f "
		       "cpu_ms_per_1000_polls=%.1f new_items=%ld failed=%ld\n",
		       n, t1 - t0, (double)n / (t1 - t0), c1 - c0,
		       (c1 - c0) * 1000.0 * 1000.0 / (double)n, fresh, failed);
	}

	kill(hpid, SIGTERM);
	while (hline(30000) != NULL)
		;
	waitpid(hpid, NULL, 0);
	hpid = 0;
	return 0;
}
