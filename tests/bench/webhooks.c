/*
 * webhooks.c: harkd sending webhooks to a local receiver (bench_webhooks).
 *
 *   bench_webhooks HARKD [N]
 *
 * Writes a database with N (default 100,000) pending deliveries straight
 * through store.h (one article, N hits with distinct ids and rules, a
 * delivery each for the webhook "bench"), starts a receiver on evhttp in a
 * thread of this process (200 to everything, no signature check: its cost
 * is not harkd's), then the real harkd with [webhook bench] pointing at
 * it, signed, format standard. Prints one line of key=value pairs for
 * tests/bench/run.sh:
 *
 *   deliveries_per_s   N over the time from starting harkd to the receiver's
 *                      N-th request (start-up and reading the outbox count)
 *   connections        TCP connections the receiver saw (peer ports)
 *   peak_rss_mb        harkd's VmHWM just before SIGTERM: its peak, which
 *                      includes the start with N pending deliveries
 *   pending_rss_mb     harkd's VmRSS when the first request arrives, all N
 *                      still pending
 *   harkd's "delivered" lines and pending afterwards (from the database)
 *   are checked: a figure from a run that lost deliveries is not printed.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "store.h"

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static char dir[256];

static void
die(const char *what)
{
	fprintf(stderr, "bench_webhooks: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
die_store(const char *what, const char *err)
{
	fprintf(stderr, "bench_webhooks: %s: %s\n", what, err);
	exit(1);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the receiver: its own event base, touched by its thread only ---- */

struct recv {
	struct event_base *base;
	struct evhttp *http;
	unsigned port;
	atomic_long requests;
	atomic_long connections;
	atomic_int stop; /* set by main: no evthread locking, so the thread polls it */
	struct event *tick;
	unsigned char seen_port[65536 / 8]; /* the receiver thread's */
};

static void
recv_request(struct evhttp_request *req, void *arg)
{
	struct recv *r = arg;
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	char *addr = NULL;
	ev_uint16_t peer = 0;

	if (c != NULL) {
		evhttp_connection_get_peer(c, &addr, &peer);
		if (!(r->seen_port[peer / 8] & (1u << (peer % 8)))) {
			r->seen_port[peer / 8] |= (unsigned char)(1u << (peer % 8));
			atomic_fetch_add(&r->connections, 1);
		}
	}
	evhttp_send_reply(req, 200, "OK", NULL);
	atomic_fetch_add(&r->requests, 1);
}

static void
recv_tick(evutil_socket_t fd, short what, void *arg)
{
	struct recv *r = arg;

	(void)fd;
	(void)what;
	if (atomic_load(&r->stop))
		event_base_loopbreak(r->base);
}

static void *
recv_main(void *arg)
{
	struct recv *r = arg;

	event_base_dispatch(r->base);
	return NULL;
}

static void
recv_start(struct recv *r, pthread_t *t)
{
	struct evhttp_bound_socket *b;
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if ((r->base = event_base_new()) == NULL || (r->http = evhttp_new(r->base)) == NULL)
		die("libevent");
	evhttp_set_gencb(r->http, recv_request, r);
	if ((b = evhttp_bind_socket_with_handle(r->http, "127.0.0.1", 0)) == NULL ||
	    getsockname(evhttp_bound_socket_get_fd(b), (struct sockaddr *)&sa, &len) != 0)
		die("listening on 127.0.0.1");
	r->port = ntohs(sa.sin_port);
	if ((r->tick = event_new(r->base, -1, EV_PERSIST, recv_tick, r)) == NULL ||
	    event_add(r->tick, &(struct timeval){0, 50000}) != 0)
		die("a timer");
	if (pthread_create(t, NULL, recv_main, r) != 0)
		die("pthread_create");
}

/* ---- the database and the configuration ---- */

static void
db_fill(long n)
{
	char path[512], err[512], hid[32], rid[32], json[1024];
	struct store *st;
	int64_t now = (int64_t)time(NULL);
	const char *aid = "a_00000000000000b1";
	struct store_article a = {
	    .id = aid,
	    .content_hash = "0000000000000000000000000000000000000000000000000000000000000001",
	    .title = "Bench",
	    .body = "A body that names every rule of the bench.",
	    .lang = "en",
	    .source = "drop",
	    .file = "bench.txt",
	    .seen_at = now,
	};

	snprintf(path, sizeof(path), "%s/state", dir);
	if (mkdir(path, 0700) != 0)
		die(path);
	snprintf(path, sizeof(path), "%s/state/hark.db", dir);
	if (store_open(path, STORE_WRITE, 5000, &st, err, sizeof(err)) != 0)
		die_store(path, err);
	if (store_begin(st, err, sizeof(err)) != 0 ||
	    store_article_add(st, &a, err, sizeof(err)) != 0)
		die_store("the article", err);
	for (long i = 0; i < n; i++) {
		struct store_hit h = {0};

		snprintf(hid, sizeof(hid), "h_%016lx", 0xbe0c000000000000ul + (unsigned long)i);
		snprintf(rid, sizeof(rid), "r%06ld", i);
		/* a hit object of the usual size, as harkd would have stored it */
		snprintf(
		    json, sizeof(json),
		    "{\"id\":\"%s\",\"rule\":{\"id\":\"%s\",\"name\":\"Name %ld\",\"tags\":[]},"
		    "\"article\":{\"id\":\"%s\",\"title\":\"Bench\",\"source\":\"drop\","
		    "\"file\":\"bench.txt\",\"lang\":\"en\"},\"matches\":[{\"atom\":\"Name "
		    "%ld\",\"field\":\"body\",\"start\":7,\"end\":15,\"text\":\"Name %ld\"}],"
		    "\"snippet\":\"A body «Name %ld» that names every rule of the bench.\","
		    "\"detected_at\":\"2026-01-01T00:00:00Z\"}",
		    hid, rid, i, aid, i, i, i);
		h.id = hid;
		h.article_id = aid;
		h.rule_id = rid;
		h.json = json;
		h.detected_at = now * 1000;
		h.alert = true;
		if (store_hit_add(st, &h, err, sizeof(err)) != 1 ||
		    store_delivery_add(st, hid, "bench", now, err, sizeof(err)) != 1)
			die_store("a hit", err);
	}
	if (store_commit(st, err, sizeof(err)) != 0)
		die_store("commit", err);
	store_close(st);
}

static void
conf_write(unsigned port)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/hark.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		die(path);
	fprintf(f,
	        "[hark]\nstate_dir = %s/state\nspool_dir = %s/spool\nrules = %s/w.rules\n"
	        "[webhook bench]\nurl = http://127.0.0.1:%u/hook\nformat = standard\n"
	        "secret = %s\n",
	        dir, dir, dir, port, SECRET);
	if (fclose(f) != 0)
		die(path);
	snprintf(path, sizeof(path), "%s/w.rules", dir);
	if ((f = fopen(path, "w")) == NULL)
		die(path);
	fprintf(f, "[rule bench]\nquery = \"Name 1\"\n");
	if (fclose(f) != 0)
		die(path);
}

/* A field of /proc/PID/status in MB, -1 when unreadable. */
static double
proc_mb(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t kl = strlen(key);
	double mb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			mb = strtod(line + kl + 1, NULL) / 1024.0;
			break;
		}
	fclose(f);
	return mb;
}

static long
count_lines(const char *path, const char *pat)
{
	char line[4096];
	long n = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, pat) != NULL)
			n++;
	fclose(f);
	return n;
}

int
main(int argc, char **argv)
{
	struct recv *r;
	pthread_t thr;
	const char *harkd;
	char conf[512], log[512], db[512], err[512], cmd[1200];
	long n = 100000;
	double t0, t1 = 0, pending_rss = -1, peak_rss, dt;
	pid_t pid;
	int st;
	struct store *s;
	struct store_status ss;

	if (argc < 2 || argc > 3 || (argc == 3 && (n = strtol(argv[2], NULL, 10)) <= 0)) {
		fprintf(stderr, "usage: bench_webhooks HARKD [N]\n");
		return 2;
	}
	harkd = argv[1];
	if ((r = calloc(1, sizeof(*r))) == NULL)
		die("calloc");
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "%s/hark-bench-webhooks.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	db_fill(n);
	recv_start(r, &thr);
	conf_write(r->port);
	snprintf(conf, sizeof(conf), "%s/hark.conf", dir);
	snprintf(log, sizeof(log), "%s/log", dir);

	t0 = now_s();
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		if (freopen(log, "w", stderr) == NULL)
			_exit(127);
		execl(harkd, harkd, "-c", conf, (char *)NULL);
		_exit(127);
	}
	/* 10 minutes at most: 166 deliveries a second */
	while (atomic_load(&r->requests) < n && now_s() - t0 < 600) {
		if (pending_rss < 0 && atomic_load(&r->requests) > 0)
			pending_rss = proc_mb(pid, "VmRSS");
		if (waitpid(pid, &st, WNOHANG) == pid) {
			fprintf(stderr, "bench_webhooks: harkd exited (status %d); its log: %s\n",
			        st, log);
			return 1;
		}
		usleep(2000);
	}
	t1 = now_s();
	/* the outcomes are written a batch a turn: give the last ones a moment */
	usleep(300000);
	peak_rss = proc_mb(pid, "VmHWM");
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	atomic_store(&r->stop, 1);
	pthread_join(thr, NULL);

	snprintf(db, sizeof(db), "%s/state/hark.db", dir);
	if (store_open(db, STORE_READ, 5000, &s, err, sizeof(err)) != 0 ||
	    store_status_get(s, &ss, err, sizeof(err)) != 0)
		die_store(db, err);
	store_close(s);
	if (atomic_load(&r->requests) < n) {
		fprintf(stderr, "bench_webhooks: %ld of %ld deliveries in 600 s; log: %s\n",
		        atomic_load(&r->requests), n, log);
		return 1;
	}
	dt = t1 - t0;
	printf("webhooks deliveries=%ld seconds=%.2f deliveries_per_s=%.0f connections=%ld "
	       "peak_rss_mb=%.1f pending_rss_mb=%.1f delivered_lines=%ld requests=%ld "
	       "pending_after=%lld exit=%d\n",
	       n, dt, (double)n / dt, atomic_load(&r->connections), peak_rss, pending_rss,
	       count_lines(log, " delivered hit="), atomic_load(&r->requests),
	       (long long)ss.deliveries_pending, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (getenv("HARK_BENCH_KEEP") == NULL && system(cmd) != 0)
		fprintf(stderr, "bench_webhooks: cannot remove %s\n", dir);
	event_free(r->tick);
	evhttp_free(r->http);
	event_base_free(r->base);
	free(r);
	return 0;
}
