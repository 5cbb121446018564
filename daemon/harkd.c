/*
 * harkd.c: the daemon. Start-up order, signals, systemd, reload. One
 * libevent loop owns every descriptor and timer; the modules own their
 * resources: store.c the database, dropdir.c the spool and inotify,
 * intake.c the queue and the workers.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "answer.h"
#include "conf.h"
#include "confhost.h"
#include "dropdir.h"
#include "fileio.h"
#include "hark.h"
#include "hark_paths.h"
#include "http.h"
#include "httpd.h"
#include "intake.h"
#include "log.h"
#include "outbox.h"
#include "poller.h"
#include "prune.h"
#include "envnum.h"
#include "indexer.h"
#include "reindex.h"
#include "reload.h"
#include "store.h"
#include "token.h"
#include "usage.h"
#include "work.h"

struct harkd {
	struct event_base *base;
	struct conf *conf;   /* owned */
	struct rules *rules; /* a reference */
	struct store *st;
	struct reindex *reindex; /* the full-text index rebuilt for new folds, or NULL */
	struct indexer *ix;      /* the full-text index kept up with intake */
	struct dropdir *dd;
	struct intake *in;
	struct http *http;      /* the libcurl client of feeds and webhooks */
	struct httpd *httpd;    /* the server of [http]; NULL without one */
	struct httpd_info info; /* what the server shows, kept up to date here */
	char *http_path;        /* owned: state_dir/harkd.http, the bound URLs, while running */
	char *reload_path;      /* owned: state_dir/harkd.reload, while the last reload failed */
	struct outbox *ob;
	struct poller *poller;
	struct pruner *pruner; /* retention: a pass after the start, then hourly */
	struct reload *reload; /* owned; NULL until the first SIGHUP */
	struct event *ev_sig[5];
	struct event *ev_watchdog;
	struct event *ev_stall;
	struct event *ev_deadline; /* the stop's deadline, from the first SIGTERM */
	struct timeval watchdog_tv;
	int64_t stall_last_ns, stall_max_ns;
	int lock_fd; /* state_dir/harkd.lock, flocked while harkd runs */
	int locked;  /* lock_fd's lock is ours (a harkd that found it taken has it open too) */
	/* this start made state_dir, harkd.lock: a refused start removes them (harkd_unmake) */
	int made_state, made_lock;
	char *lock_path;
	int spool_fd;     /* spool_dir itself, flocked too: it cannot be deleted from under harkd */
	int stop_timeout; /* seconds the stop waits for the files in hand */
	int stopping;
	int fatal;    /* the database failed for good: exit 2 */
	int deadline; /* the stop's deadline passed */
	int verbose;
};

/* How long a stop waits for the files in hand, unless HARK_STOP_TIMEOUT says. */
#define STOP_TIMEOUT_DEFAULT 30

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: harkd [-c CONFIG] [-n] [-v]\n"
	        "The hark daemon: matches every article dropped into the spool and stores\n"
	        "articles and hits (see harkd(8)).\n\n"
	        "  -c CONFIG  the configuration (default: $HARK_CONFIG, ./hark.conf,\n"
	        "             " HARK_CONF_DEFAULT ")\n"
	        "  -n         check the configuration and the rules, then exit (0 good, 2 bad)\n"
	        "             (with the secret files, read as harkd reads them, and state_dir\n"
	        "             and spool_dir: directories harkd may write, or ones it can make;\n"
	        "             and the [http] listen addresses: this host's)\n"
	        "  -v         log debug lines too\n"
	        "  -h, --help this help; -V, --version the version\n\n"
	        "Environment: HARK_CONFIG, HARK_WORKERS (worker threads), HARK_STOP_TIMEOUT\n"
	        "(seconds SIGTERM waits for the files in hand; default %d),\n"
	        "HARK_HTTP_IDLE_TIMEOUT (seconds an idle HTTP connection is kept; default 30),\n"
	        "HARK_HTTP_WORK_TIMEOUT (seconds a search of q= or /try may run; default 5),\n"
	        "HARK_INDEX_DELAY_MS (how long after a commit the full-text index waits;\n"
	        "default 1000),\n"
	        "HARK_TEST_CLOCK_SKEW (seconds added to the clock of retention; for tests),\n"
	        "HARK_SWEEP_SECONDS (how long a file in incoming/ that no event brought\n"
	        "stays untouched before the sweep takes it; default 60; for tests),\n"
	        "TZ (the local time of the digests and of the times the pages show).\n",
	        STOP_TIMEOUT_DEFAULT);
}

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Log every diagnostic, one line each. A message quotes the rule file's
 * bytes (an unknown key, a query's word): log_quote()d, as hark check
 * escapes them, so that ESC or a C1 control never reaches the log raw.
 */
static void
log_diags(const struct diags *d)
{
	/* as hark check prints them: "file:line:col: error: ...", one a line */
	for (size_t i = 0; i < d->n; i++) {
		char line[1024];

		diag_format(&d->v[i], line, sizeof(line));
		log_msg(d->v[i].sev == DIAG_ERROR ? LOG_ERR : LOG_WARNING, "%s", log_quote(line));
	}
}

/*
 * Load the configuration and its rules beside whatever runs now. Returns 0
 * with both, -1 after logging every diagnostic.
 */
static int
harkd_load(const char *path, int plain, struct conf **confp, struct rules **rulesp)
{
	struct diags d = {0};
	int ret = reload_compile(path, confp, rulesp, &d, NULL);

	/* harkd -n: and the directories the start would make or open */
	if (ret == 0 && plain) {
		confhost_check(*confp, 0, &d);
		if (d.nerrors > 0) {
			conf_free(*confp);
			rules_unref(*rulesp);
			*confp = NULL;
			*rulesp = NULL;
			ret = -1;
		}
	}

	/* the compile's scratch is freed: give its pages back (a million rules leave 0.5 GB) */
	malloc_trim(0);

	if (plain)
		hark_diags_print(&d); /* harkd -n: as hark check prints them, escaped */
	else
		log_diags(&d);
	diags_free(&d);
	return ret;
}

static void
harkd_apply(struct harkd *h)
{
	struct intake_opts o = {.keep_done = h->conf->keep_done,
	                        .max_size = h->conf->max_document_size,
	                        .near_days = 7,
	                        .near_bits = 3};

	if (h->conf->languages != NULL)
		snprintf(o.lang_prior, sizeof(o.lang_prior), "%s", h->conf->languages);
	if (!h->verbose)
		log_set_level(h->conf->log_level);
	intake_set_opts(h->in, &o);
	intake_set_rules(h->in, h->rules);
	if (h->pruner != NULL)
		pruner_configure(h->pruner, h->conf);
}

/*
 * Whether two [http] sections are the same (a reload that changes one
 * says it takes effect at the restart: the sockets and the token stay).
 */
static int
conf_http_same(const struct conf_http *a, const struct conf_http *b)
{
	if ((a->line != 0) != (b->line != 0) || a->nlisten != b->nlisten)
		return 0;
	for (size_t i = 0; i < a->nlisten; i++)
		if (strcmp(a->listen[i].host, b->listen[i].host) != 0 ||
		    a->listen[i].port != b->listen[i].port)
			return 0;
	if ((a->token == NULL) != (b->token == NULL) ||
	    (a->token != NULL && strcmp(a->token, b->token) != 0))
		return 0;
	if ((a->base_url == NULL) != (b->base_url == NULL) ||
	    (a->base_url != NULL && strcmp(a->base_url, b->base_url) != 0))
		return 0;
	return 1;
}

/* The first error of d as one line: "file:line:col: error: msg", and how many more. */
static void
diags_cause(const struct diags *d, char *out, size_t outsz)
{
	char line[1024];
	size_t i;

	for (i = 0; i < d->n && d->v[i].sev != DIAG_ERROR; i++)
		;
	if (i == d->n) {
		snprintf(out, outsz, "the configuration or its rules do not load");
		return;
	}
	diag_format(&d->v[i], line, sizeof(line));
	if (d->nerrors > 1) {
		size_t n = strlen(line);

		snprintf(line + n, sizeof(line) - n, " (and %zu more error%s)", d->nerrors - 1,
		         d->nerrors == 2 ? "" : "s");
	}
	snprintf(out, outsz, "%s", line);
}

/*
 * A reload not taken: the old configuration and rules stay in force. Said
 * by /metrics (hark_last_reload_success 0), /api/v1/status, and hark status,
 * which reads state_dir/harkd.reload while harkd holds its lock: one line
 * "FAILED_AT RULES_AT" (Unix seconds: this failure, and when the rules in
 * force were loaded), then the cause, one line of text (answer_line: no
 * control character, valid UTF-8), replaced whole. A reload taken removes
 * it, and so do the start and the exit: it never outlives the harkd that
 * wrote it.
 */
static void
harkd_reload_failed(struct harkd *h, const char *cause)
{
	char *tmp = NULL;
	FILE *f;
	int ok;

	h->info.reload_at = (int64_t)time(NULL);
	h->info.reload_ok = false;
	answer_line(cause, strlen(cause), h->info.reload_error, sizeof(h->info.reload_error));
	if (h->reload_path == NULL || asprintf(&tmp, "%s.tmp", h->reload_path) < 0)
		return;
	f = fopen(tmp, "we");
	ok = f != NULL && fprintf(f, "%lld %lld\n%s\n", (long long)h->info.reload_at,
	                          (long long)h->info.rules_at, h->info.reload_error) > 0;
	if (f != NULL && fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, h->reload_path) < 0) {
		log_warnx("%s: %s: hark status will not say that the reload failed", h->reload_path,
		          strerror(errno));
		unlink(tmp);
	}
	free(tmp);
}

/*
 * A reload's outcome, on the loop thread: c and r are ours (NULL when the
 * load failed, its diagnostics in d). The new set was compiled on a
 * thread; here it is only swapped in.
 */
static void
harkd_reloaded(struct conf *c, struct rules *r, const struct diags *d, int more, void *arg)
{
	struct harkd *h = arg;
	struct rules *old;
	char err[512];

	if (h->stopping) {
		/* SIGTERM came while it compiled: nothing new starts now */
		conf_free(c);
		rules_unref(r);
		return;
	}
	log_diags(d);
	if (c == NULL) {
		diags_cause(d, err, sizeof(err));
		harkd_reload_failed(h, err);
		log_err("reload failed: keeping the previous configuration and rules");
		if (!more)
			sd_notify(0,
			          "READY=1\nSTATUS=reload failed; running with the previous rules");
		return;
	}
	if (outbox_configure(h->ob, c, err, sizeof(err)) < 0 ||
	    poller_configure(h->poller, c, err, sizeof(err)) < 0) {
		harkd_reload_failed(h, err);
		log_err("reload failed: %s; keeping the previous configuration and rules", err);
		conf_free(c);
		rules_unref(r);
		if (!more)
			sd_notify(0,
			          "READY=1\nSTATUS=reload failed; running with the previous rules");
		return;
	}
	if (strcmp(c->state_dir, h->conf->state_dir) != 0 ||
	    strcmp(c->spool_dir, h->conf->spool_dir) != 0)
		log_warnx("state_dir and spool_dir changes take effect when harkd restarts");
	if (!conf_http_same(&c->http, &h->conf->http))
		log_warnx("[http] changes take effect when harkd restarts");
	conf_free(h->conf);
	h->conf = c;
	old = h->rules;
	h->rules = r;
	harkd_apply(h); /* intake drops its reference to the old set */
	reload_dispose(h->reload, old);
	h->info.conf = h->conf;
	h->info.nrules = ruleset_nrules(h->rules->rs);
	h->info.rs = h->rules->rs;
	h->info.reload_at = h->info.rules_at = (int64_t)time(NULL);
	h->info.reload_ok = true;
	h->info.reload_error[0] = '\0';
	if (h->reload_path != NULL && unlink(h->reload_path) < 0 && errno != ENOENT)
		log_warnx("%s: %s: hark status will say the last reload failed", h->reload_path,
		          strerror(errno));
	log_info("reloaded: rules %zu, feeds %zu, webhooks %zu, emails %zu%s",
	         ruleset_nrules(h->rules->rs), h->conf->nfeeds, h->conf->nwebhooks,
	         h->conf->nemails, more ? "; reloading again" : "");
	if (!more)
		sd_notify(0, "READY=1\nSTATUS=running");
}

/*
 * SIGHUP: load the configuration and compile its rules on a thread (a
 * million rules take seconds); the loop goes on meanwhile, with the
 * previous rules, and swaps when harkd_reloaded() hears the outcome. A
 * SIGHUP while one compiles makes one more reload after it.
 */
static void
harkd_reload(struct harkd *h)
{
	char mono[64], err[512];
	int rc;

	if (h->reload == NULL &&
	    (h->reload = reload_new(h->base, harkd_reloaded, h, err, sizeof(err))) == NULL) {
		harkd_reload_failed(h, err);
		log_err("reload failed: %s; keeping the previous configuration and rules", err);
		return;
	}
	if (!reload_busy(h->reload)) {
		snprintf(mono, sizeof(mono), "RELOADING=1\nMONOTONIC_USEC=%lld",
		         (long long)(mono_ns() / 1000));
		sd_notify(0, mono);
	}
	rc = reload_start(h->reload, h->conf->path, err, sizeof(err));
	if (rc < 0) {
		harkd_reload_failed(h, err);
		log_err("reload failed: %s; keeping the previous configuration and rules", err);
		sd_notify(0, "READY=1\nSTATUS=reload failed; running with the previous rules");
	} else if (rc == 1) {
		log_info("reloading %s: a reload is in progress; one more follows it",
		         h->conf->path);
	} else {
		log_info("reloading %s (compiling the rules beside the running ones)",
		         h->conf->path);
	}
}

static void
harkd_idle_cb(void *arg)
{
	struct harkd *h = arg;

	event_base_loopexit(h->base, NULL);
}

/*
 * The one way out after a permanent database error (store.h), whoever
 * met it (intake, outbox, poller): called by the store from inside the
 * failing call, so it only logs and leaves the loop; nothing more is
 * written (the store refuses), and what was not committed stays in
 * incoming/ for the next start.
 */
static void
harkd_fatal_cb(void *arg, const char *why)
{
	struct harkd *h = arg;

	h->fatal = 1;
	log_err("database error: %s; stopping (exit 2)", why);
	sd_notifyf(0, "STOPPING=1\nSTATUS=stopped: database error: %s", why);
	if (h->base != NULL)
		event_base_loopexit(h->base, NULL);
}

/*
 * SQLite maps hark.db-shm into memory: when a write to it cannot be done
 * (the file made immutable while harkd runs, its file system full or gone)
 * the kernel sends SIGBUS, which no error code can replace. store_begin()
 * checks the file's attributes before each transaction, so this is the
 * rare case in between: say what happened, then exit 2 at once (only
 * async-signal-safe calls; the process cannot go on). Nothing is lost:
 * what was not committed stays in incoming/.
 */
static char sigbus_msg[PATH_MAX + 512];
static size_t sigbus_len;

static void
harkd_sigbus(int sig)
{
	ssize_t n;

	(void)sig;
	n = write(STDERR_FILENO, sigbus_msg, sigbus_len);
	(void)n;
	_exit(2);
}

static void
harkd_sigbus_setup(const char *state_dir)
{
	struct sigaction sa;
	int n;

	/* journald takes "<3>" as the error priority (log.c does the same) */
	n = snprintf(sigbus_msg, sizeof(sigbus_msg),
	             "%sharkd error: bus error (SIGBUS): a write to a file mapped into memory "
	             "failed, most likely %s/hark.db-shm (immutable? its file system full or "
	             "gone?); stopping (exit 2): the files not stored stay in incoming/\n",
	             getenv("JOURNAL_STREAM") != NULL ? "<3>" : "", state_dir);
	if (n < 0)
		n = 0;
	sigbus_len = (size_t)n < sizeof(sigbus_msg) ? (size_t)n : sizeof(sigbus_msg) - 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = harkd_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

/*
 * SIGHUP and SIGUSR1 held back (SIG_BLOCK) from the start until the loop's
 * handlers are set (harkd_start, SIG_UNBLOCK): their default action would
 * end a harkd compiling its rules or waiting for the database, which a
 * reload or a retry asked meanwhile must not. The threads made meanwhile
 * keep them blocked: they go to the loop's thread.
 */
static void
harkd_hold_signals(int how)
{
	sigset_t held;

	sigemptyset(&held);
	sigaddset(&held, SIGHUP);
	sigaddset(&held, SIGUSR1);
	pthread_sigmask(how, &held, NULL);
}

/*
 * store_open() for harkd, tried again every half second while another
 * writer's lock or a full disk keeps it from opening (said once, then once
 * a minute; systemd told to wait, its start timeout extended at each
 * try). A SIGTERM meanwhile ends harkd by its default action: nothing is
 * in hand yet. SIGHUP and SIGUSR1 wait, blocked, for the loop (harkd_start).
 */
static int
harkd_store_open(const char *dbpath, struct store **st, char *err, size_t errsz)
{
	struct timespec half = {0, 500000000};
	time_t since = 0, said = 0;
	int rc;

	while ((rc = store_open(dbpath, STORE_DAEMON, 100, st, err, errsz)) == STORE_BUSY) {
		time_t now = time(NULL);

		if (since == 0 || now - said >= 60) {
			log_warnx("cannot open the database yet (%s); trying again every 0.5 s, "
			          "the files staying in incoming/",
			          err);
			if (since == 0)
				since = now;
			said = now;
		}
		sd_notifyf(0, "EXTEND_TIMEOUT_USEC=%llu\nSTATUS=waiting for the database: %s",
		           10000000ULL, err);
		nanosleep(&half, NULL);
	}
	if (rc == 0 && since != 0)
		log_info("database open after %lld s of waiting", (long long)(time(NULL) - since));
	return rc;
}

/*
 * Before each write transaction: the lock file is still the one harkd holds.
 * Deleted or replaced (state_dir removed), another harkd could take the
 * state_dir; the spool's lock still keeps one from taking the spool.
 */
static int
harkd_guard(void *arg, char *err, size_t errsz)
{
	struct harkd *h = arg;
	struct stat a, b;

	if (fstat(h->lock_fd, &a) < 0 || stat(h->lock_path, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino) {
		snprintf(err, errsz, "%s is gone or replaced: the lock on state_dir is lost",
		         h->lock_path);
		return -1;
	}
	return 0;
}

static void
harkd_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct harkd *h = arg;

	(void)fd;
	(void)what;
	h->deadline = 1;
	event_base_loopexit(h->base, NULL);
}

static void
harkd_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct harkd *h = arg;

	(void)what;
	switch (sig) {
	case SIGHUP:
		if (!h->stopping)
			harkd_reload(h);
		break;
	case SIGTERM:
	case SIGINT:
		if (h->stopping)
			break;
		h->stopping = 1;
		h->info.stopping = true;
		sd_notify(0, "STOPPING=1");
		log_info("%s: finishing the documents in hand (at most %d s), then exiting",
		         sig == SIGTERM ? "SIGTERM" : "SIGINT", h->stop_timeout);
		/*
		 * A database that cannot be written (locked, full) would hold
		 * the stop for ever: past the deadline harkd exits, and what
		 * it held stays in incoming/, never committed, for the next start.
		 */
		{
			struct timeval tv = {h->stop_timeout, 0};

			h->ev_deadline = evtimer_new(h->base, harkd_deadline_cb, h);
			if (h->ev_deadline == NULL || evtimer_add(h->ev_deadline, &tv) < 0)
				log_warnx("cannot set the stop's deadline: waiting as long "
				          "as it takes");
		}
		intake_stop(h->in, harkd_idle_cb, h);
		break;
	case SIGUSR1:
		log_info("SIGUSR1: polling every feed and retrying every pending delivery now");
		outbox_retry_all(h->ob);
		poller_poll_all(h->poller);
		break;
	case SIGUSR2:
		/*
		 * hark redeliver changed the outbox: only what is due now goes,
		 * as at a commit; no feed is polled and no digest cut short.
		 */
		log_info("SIGUSR2: sending the deliveries due now");
		outbox_kick(h->ob);
		break;
	}
}

static void
harkd_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

/* How late the loop turns: the measure of work done on the loop thread. */
#define STALL_PERIOD_MS 20

static void
harkd_stall_cb(evutil_socket_t fd, short what, void *arg)
{
	struct harkd *h = arg;
	int64_t now = mono_ns(), late;

	(void)fd;
	(void)what;
	late = now - h->stall_last_ns - (int64_t)STALL_PERIOD_MS * 1000000;
	if (late > h->stall_max_ns)
		h->stall_max_ns = late;
	h->stall_last_ns = now;
}

static int
harkd_threads(void)
{
	const char *e = getenv("HARK_WORKERS");
	long n;

	/* HARK_WORKERS=0 runs extraction and matching on the loop (for measuring) */
	if (e != NULL && *e != '\0') {
		n = strtol(e, NULL, 10);
		return n < 0 ? 0 : n > WORK_MAX_THREADS ? WORK_MAX_THREADS : (int)n;
	}
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* state_dir made when missing: 1 when this call made it, 0 when it was there, -1. */
static int
harkd_mkdir(const char *dir)
{
	char err[512];

	if (mkdir(dir, 0750) == 0)
		return 1;
	if (errno == EEXIST)
		return 0;
	dir_mkdir_error(dir, errno, err, sizeof(err));
	log_err("state_dir %s", err);
	return -1;
}

/*
 * One harkd per state_dir: two would share a spool and a database and
 * process every file twice. The lock goes with the process, even on kill -9.
 */
static int
harkd_lock(struct harkd *h)
{
	char *path, pid[32];
	int n;

	if (asprintf(&path, "%s/harkd.lock", h->conf->state_dir) < 0)
		return -1;
	h->lock_path = path; /* owned, for harkd_guard */
	h->lock_fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (h->lock_fd >= 0)
		h->made_lock = 1;
	else if (errno == EEXIST)
		h->lock_fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (h->lock_fd < 0) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(h->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		n = (int)pread(h->lock_fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		log_err("another harkd (pid %s) runs on %s: not started", pid[0] ? pid : "?",
		        h->conf->state_dir);
		return -1;
	}
	h->locked = 1;
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(h->lock_fd, 0) < 0 || pwrite(h->lock_fd, pid, (size_t)n, 0) != n)
		log_warnx("%s: cannot write the pid: %s", path, strerror(errno));
	return 0;
}

/*
 * A start refused by another harkd leaves nothing behind: the lock file and
 * state_dir this start made go (a state_dir that holds anything else stays).
 */
static void
harkd_unmake(struct harkd *h)
{
	if (h->made_lock && h->lock_path != NULL) {
		unlink(h->lock_path);
		h->made_lock = 0;
	}
	if (h->made_state && rmdir(h->conf->state_dir) == 0)
		h->made_state = 0;
}

/*
 * One harkd per spool too: the lock file above goes with its state_dir,
 * which can be deleted from under a running harkd; then a second one would
 * start on the same spool and store and alert every file twice. The spool
 * directory itself is locked (flock on a directory descriptor), which no
 * path can take away. After dropdir_open(), which creates the spool.
 */
static int
harkd_lock_spool(struct harkd *h)
{
	h->spool_fd = open(h->conf->spool_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (h->spool_fd < 0) {
		log_err("%s: %s", h->conf->spool_dir, strerror(errno));
		return -1;
	}
	if (flock(h->spool_fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			log_err("another harkd runs on the spool %s: not started",
			        h->conf->spool_dir);
			harkd_unmake(h);
			return -1;
		}
		/* NFS turns flock into a write lock, which a directory cannot take */
		log_warnx("%s: cannot lock the spool (%s): only the lock in state_dir keeps a "
		          "second harkd away",
		          h->conf->spool_dir, strerror(errno));
	}
	return 0;
}

/*
 * POST /deliveries/ID/retry (httpd_info): on the loop, through the writer
 * connection the outbox uses, then the outbox looks at once (a webhook's
 * Retry-After still holds).
 */
static int
harkd_redeliver(void *arg, int64_t id, char *err, size_t errsz)
{
	struct harkd *h = arg;
	int64_t held;
	char dest[256];
	/* the form is offered for dead ones; the API sends a sent one again as asked */
	int rc = outbox_redeliver(h->st, h->conf, id, (int64_t)time(NULL), true, &held, dest,
	                          sizeof(dest), err, errsz);

	if (rc == 3) {
		/* its digest's period has not ended: it goes with its digest, the outbox not kicked
		 */
		outbox_held_say(h->conf, id, dest, held, err, errsz);
		log_info("%s (asked over HTTP)", err);
	}
	if (rc == 4)
		log_info("%s (asked over HTTP)", err);
	if (rc == 1) {
		log_info("delivery %lld: due now again (asked over HTTP)", (long long)id);
		outbox_kick(h->ob);
	}
	return rc;
}

/*
 * POST /api/v1/rules/ID/mute and /unmute (httpd_info): through the writer
 * connection, as hark mute writes it. The outbox reads the mutes at each
 * hit: nothing else to tell.
 */
static int
harkd_mute(void *arg, const char *rule_id, int64_t until, char *err, size_t errsz)
{
	struct harkd *h = arg;
	int64_t now = (int64_t)time(NULL);
	int rc;

	if (until == 0) {
		rc = store_mute_clear(h->st, rule_id, now, err, errsz);
		if (rc == 1)
			log_info("rule %s unmuted (asked over HTTP)", log_quote(rule_id));
		return rc;
	}
	if ((rc = store_mute_set(h->st, rule_id, until, now, err, errsz)) != 0)
		return rc;
	log_info("rule %s muted for %llds (asked over HTTP)", log_quote(rule_id),
	         (long long)(until - now));
	return 1;
}

/*
 * The server of [http]: after the store, whose database it reads. The
 * addresses it is bound to go to state_dir/harkd.http (one line of URLs,
 * replaced whole), which `hark status` reads while harkd holds its lock:
 * with port 0 only the bound address tells where it is.
 */
static int
harkd_httpd(struct harkd *h)
{
	char err[512], *dbpath, *tmp;
	FILE *f;

	if (asprintf(&dbpath, "%s/hark.db", h->conf->state_dir) < 0)
		return -1;
	h->httpd = httpd_new(h->base, &h->conf->http, h->conf->max_document_size, dbpath, &h->info,
	                     err, sizeof(err));
	free(dbpath);
	if (h->httpd == NULL) {
		log_err("%s; not started", err);
		return -1;
	}
	log_info("listening on %s%s", httpd_urls(h->httpd),
	         h->conf->http.token != NULL ? " (token required)" : "");
	if (asprintf(&h->http_path, "%s/harkd.http", h->conf->state_dir) < 0 ||
	    asprintf(&tmp, "%s/harkd.http.tmp", h->conf->state_dir) < 0)
		return -1;
	f = fopen(tmp, "we");
	if (f == NULL || fprintf(f, "%s\n", httpd_urls(h->httpd)) < 0 || fclose(f) != 0 ||
	    rename(tmp, h->http_path) < 0)
		log_warnx("%s: %s: hark status will not show the address", h->http_path,
		          strerror(errno));
	free(tmp);
	return 0;
}

static int
harkd_start(struct harkd *h)
{
	static const int sigs[] = {SIGHUP, SIGTERM, SIGINT, SIGUSR1, SIGUSR2};
	char err[512], *dbpath;
	uint64_t wd_usec;
	int threads = harkd_threads();

	/* seconds, 1 to a day */
	h->stop_timeout =
	    (int)envnum_get("HARK_STOP_TIMEOUT", 1, 86400, STOP_TIMEOUT_DEFAULT, "seconds");
	harkd_sigbus_setup(h->conf->state_dir);
	if ((h->made_state = harkd_mkdir(h->conf->state_dir)) < 0 || harkd_lock(h) < 0)
		return -1;
	/* the lock is ours: a note of a harkd killed after a failed reload is not */
	if (asprintf(&h->reload_path, "%s/harkd.reload", h->conf->state_dir) < 0) {
		h->reload_path = NULL;
		return -1;
	}
	unlink(h->reload_path);
	/* the spool before the database: a second harkd refused touches nothing */
	if (dropdir_open(h->conf->spool_dir, &h->dd, err, sizeof(err)) < 0) {
		log_err("%s", err);
		return -1;
	}
	if (harkd_lock_spool(h) < 0)
		return -1;
	if (asprintf(&dbpath, "%s/hark.db", h->conf->state_dir) < 0)
		return -1;
	/*
	 * store_open() reads every page (PRAGMA quick_check): 0.2 s for 100
	 * MB from the page cache, 1.2 s from a cold disk, here. A large
	 * database gets systemd to wait longer than its start timeout (90 s
	 * by default): a minute a GiB, and a minute more.
	 */
	{
		struct stat sb;

		if (stat(dbpath, &sb) == 0 && sb.st_size > (off_t)256 << 20) {
			unsigned long long mib = (unsigned long long)sb.st_size >> 20;

			log_info("checking the database (%llu MiB) before starting", mib);
			sd_notifyf(0, "EXTEND_TIMEOUT_USEC=%llu\nSTATUS=checking the database",
			           (60 + mib * 60 / 1024) * 1000000ULL);
		}
	}
	/*
	 * A short busy timeout: the loop must not sleep long on another
	 * writer's lock; intake retries on a timer instead. At the start too,
	 * another writer's lock (hark prune, a sqlite3 shell) or a full disk
	 * is waited out, as intake waits it out later, rather than stop harkd
	 * and leave the files in incoming/ until someone starts it again.
	 */
	if (harkd_store_open(dbpath, &h->st, err, sizeof(err)) < 0) {
		/* a permanent error (a busy one is waited out): said as harkd_fatal_cb says it */
		log_err("database error: %s", err);
		free(dbpath);
		return -1;
	}
	free(dbpath);
	store_on_fatal(h->st, harkd_fatal_cb, h);
	store_set_guard(h->st, harkd_guard, h);
	h->in = intake_new(h->base, h->dd, h->st, threads, err, sizeof(err));
	if (h->in == NULL) {
		log_err("%s", err);
		return -1;
	}
	h->http = http_new(h->base, "hark/" HARK_VERSION, err, sizeof(err));
	if (h->http == NULL ||
	    (h->ob = outbox_new(h->base, h->st, h->http, err, sizeof(err))) == NULL ||
	    outbox_configure(h->ob, h->conf, err, sizeof(err)) < 0) {
		log_err("%s", err);
		return -1;
	}
	intake_set_outbox(h->in, h->ob);
	if ((h->ix = indexer_new(h->base, h->st)) == NULL) {
		log_err("the full-text index: out of memory");
		return -1;
	}
	intake_set_indexer(h->in, h->ix);
	indexer_set_busy(h->ix, intake_busy, h->in);
	h->poller = poller_new(h->base, h->st, h->http, h->in, err, sizeof(err));
	if (h->poller == NULL) {
		log_err("%s", err);
		return -1;
	}
	if ((h->pruner = pruner_new(h->base, h->st, h->conf)) == NULL) {
		log_err("out of memory");
		return -1;
	}
	harkd_apply(h);
	h->info = (struct httpd_info){.conf = h->conf,
	                              .nrules = ruleset_nrules(h->rules->rs),
	                              .rs = h->rules->rs,
	                              .started_at = (int64_t)time(NULL),
	                              .reload_at = (int64_t)time(NULL),
	                              .rules_at = (int64_t)time(NULL),
	                              .reload_ok = true,
	                              .in = h->in,
	                              .ob = h->ob,
	                              .poller = h->poller,
	                              .redeliver = harkd_redeliver,
	                              .redeliver_arg = h,
	                              .mute = harkd_mute,
	                              .mute_arg = h};
	if (h->conf->http.line != 0 && harkd_httpd(h) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		h->ev_sig[i] = evsignal_new(h->base, sigs[i], harkd_signal_cb, h);
		if (h->ev_sig[i] == NULL || event_add(h->ev_sig[i], NULL) < 0) {
			log_err("cannot handle signal %d", sigs[i]);
			return -1;
		}
	}
	harkd_hold_signals(SIG_UNBLOCK); /* a SIGHUP or SIGUSR1 sent meanwhile comes now */
	if (sd_watchdog_enabled(0, &wd_usec) > 0) {
		/* twice in each period, as sd_watchdog_enabled(3) advises */
		h->watchdog_tv.tv_sec = (time_t)(wd_usec / 2 / 1000000);
		h->watchdog_tv.tv_usec = (suseconds_t)(wd_usec / 2 % 1000000);
		h->ev_watchdog = event_new(h->base, -1, EV_PERSIST, harkd_watchdog_cb, h);
		if (h->ev_watchdog == NULL || event_add(h->ev_watchdog, &h->watchdog_tv) < 0)
			return -1;
	}
	{
		struct timeval tv = {0, STALL_PERIOD_MS * 1000};

		h->stall_last_ns = mono_ns();
		h->ev_stall = event_new(h->base, -1, EV_PERSIST, harkd_stall_cb, h);
		if (h->ev_stall == NULL || event_add(h->ev_stall, &tv) < 0)
			return -1;
	}
	if (intake_start(h->in, err, sizeof(err)) < 0 ||
	    poller_configure(h->poller, h->conf, err, sizeof(err)) < 0) {
		log_err("%s", err);
		return -1;
	}
	/* after the rest: the first step runs once the loop does */
	if (reindex_start(h->base, h->st, &h->reindex, err, sizeof(err)) != 0) {
		log_err("%s", err);
		return -1;
	}
	log_info("started: rules %zu, feeds %zu, webhooks %zu, emails %zu, worker threads %d; "
	         "spool %s, database %s/hark.db",
	         ruleset_nrules(h->rules->rs), h->conf->nfeeds, h->conf->nwebhooks,
	         h->conf->nemails, threads, h->conf->spool_dir, h->conf->state_dir);
	sd_notify(0, "READY=1\nSTATUS=running");
	return 0;
}

static void
harkd_free(struct harkd *h)
{
	/*
	 * Stopping already: a second SIGTERM (systemd, an impatient user)
	 * must not kill the process mid-way with status 143. Freeing the
	 * signal events restores the default actions, so ignore them after.
	 */
	for (size_t i = 0; i < sizeof(h->ev_sig) / sizeof(h->ev_sig[0]); i++)
		if (h->ev_sig[i]) {
			event_free(h->ev_sig[i]);
			h->ev_sig[i] = NULL;
		}
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	reload_free(h->reload); /* stops a compile in progress and waits for its thread */
	/* the server first: its routes read the intake, the outbox and the poller */
	httpd_free(h->httpd);
	if (h->http_path != NULL)
		unlink(h->http_path);
	free(h->http_path);
	if (h->reload_path != NULL)
		unlink(h->reload_path);
	free(h->reload_path);
	pruner_free(h->pruner);
	intake_free(h->in);
	poller_free(h->poller); /* before http: they abandon their requests */
	outbox_free(h->ob);
	http_free(h->http);
	dropdir_close(h->dd);
	reindex_free(h->reindex);
	indexer_free(h->ix);
	store_close(h->st);
	if (h->ev_watchdog)
		event_free(h->ev_watchdog);
	if (h->ev_stall)
		event_free(h->ev_stall);
	if (h->ev_deadline)
		event_free(h->ev_deadline);
	rules_unref(h->rules);
	conf_free(h->conf);
	if (h->base)
		event_base_free(h->base);
	if (h->spool_fd >= 0)
		close(h->spool_fd); /* releases the spool's lock */
	/*
	 * The pid goes with a stop, while the lock is still held (no other
	 * harkd can have written its own): a pid left in harkd.lock that holds
	 * no lock is then a harkd that died, which hark status tells apart.
	 */
	if (h->locked && ftruncate(h->lock_fd, 0) < 0)
		log_warnx("%s: cannot clear the pid: %s", h->lock_path, strerror(errno));
	if (h->lock_fd >= 0)
		close(h->lock_fd); /* releases the lock */
	free(h->lock_path);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {"version", no_argument, NULL, 'V'},
	                                     {NULL, 0, NULL, 0}};
	struct harkd h = {0};
	const char *config = NULL, *path;
	int ch, check = 0, ret = 2;

	h.lock_fd = -1;
	h.spool_fd = -1;
	opterr = 0; /* a usage error is one line of ours (usage.h), named "harkd" */
	while ((ch = getopt_long(argc, argv, "c:hnvV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'n':
			check = 1;
			break;
		case 'v':
			h.verbose = 1;
			break;
		case 'V':
			printf("harkd %s\n", HARK_VERSION);
			return 0;
		default:
			return usage_opt_error("harkd", "c:hnvV", opts, argv);
		}
	}
	if (optind < argc)
		return usage_error("harkd", "unexpected argument '%s'", argv[optind]);
	log_init("harkd", h.verbose ? LOG_DEBUG : LOG_INFO);
	norm_init();
	harkd_hold_signals(SIG_BLOCK);
	path = conf_find(config);
	if (path == NULL) {
		fprintf(stderr, "harkd: no configuration: give -c CONFIG, set HARK_CONFIG, or "
		                "create ./hark.conf or " HARK_CONF_DEFAULT "\n");
		return 2;
	}
	if (harkd_load(path, check, &h.conf, &h.rules) < 0) {
		if (check)
			fprintf(stderr, "harkd: %s: configuration or rules have errors\n", path);
		else
			log_err("%s: not started", path);
		return 2;
	}
	if (check) {
		printf("%s: configuration and %zu rule%s OK\n", h.conf->path,
		       ruleset_nrules(h.rules->rs), ruleset_nrules(h.rules->rs) == 1 ? "" : "s");
		harkd_free(&h);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	/*
	 * A write past the file size limit (ulimit -f, LimitFSIZE=) fails with
	 * EFBIG rather than kill harkd without a word: the store says so and
	 * waits, the files staying in incoming/, until the limit is raised.
	 */
	signal(SIGXFSZ, SIG_IGN);
	/* hark redeliver may signal the lock's pid before the handler is set: not a kill */
	signal(SIGUSR2, SIG_IGN);
	h.base = event_base_new();
	/* the full-text index's batches wait for everything else (indexer.h) */
	if (h.base != NULL && event_base_priority_init(h.base, INDEXER_PRIORITIES) < 0) {
		event_base_free(h.base);
		h.base = NULL;
	}
	if (h.base == NULL) {
		log_err("cannot create the event loop");
	} else if (harkd_start(&h) == 0) {
		event_base_dispatch(h.base);
		ret = h.fatal ? 2 : 0;
	}
	if (h.in != NULL) {
		struct intake_stats s;

		intake_stats(h.in, &s);
		/* never committed, so never moved: nothing is lost */
		if (h.deadline)
			log_warnx("the stop's deadline (%d s) passed; documents not stored: %zu: "
			          "their files stay in incoming/ for the next start",
			          h.stop_timeout, s.queued + s.in_flight);
		else if (h.fatal)
			log_err("documents not stored: %zu: their files stay in incoming/ for the "
			        "next start",
			        s.queued + s.in_flight);
		log_info("stopped: articles %lu, duplicates %lu, hits %lu, failed %lu; longest "
		         "stall of the loop %.1f ms",
		         s.articles, s.duplicates, s.hits, s.failed, (double)h.stall_max_ns / 1e6);
	}
	harkd_free(&h);
	/* the store's last check, at its close, may find the database unusable */
	return h.fatal ? 2 : ret;
}
