/*
 * reload.c: a configuration and its rules loaded on a thread. One thread
 * at most; the loop thread owns struct reload, and the thread touches only
 * the job's fields (path in, conf, rules and diagnostics out) between its
 * start and its write to the eventfd; the loop reads them after
 * pthread_join, which orders the two.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hark.h"
#include "reload.h"

struct reload {
	struct event_base *base;
	reload_done_fn fn;
	void *arg;
	int efd; /* eventfd: the thread has finished */
	struct event *ev;
	atomic_int cancel; /* set by reload_free: the thread stops at its next rule */
	int running;       /* a thread runs: join it */
	int again;         /* a request came while it ran */
	pthread_t thread;
	pthread_t reaper; /* frees a previous rule set (reload_dispose) */
	int reaping;      /* the reaper runs or has run: join it */
	/* the job: path is the loop's (set before the thread starts), the rest the thread's */
	char *path;
	char *next_path; /* the request noted while running */
	struct conf *conf;
	struct rules *rules;
	struct diags d;
};

int
reload_compile(const char *path, struct conf **confp, struct rules **rulesp, struct diags *d,
               const atomic_int *cancel)
{
	struct conf *c = NULL;
	struct ruleset *rs = NULL;

	*confp = NULL;
	*rulesp = NULL;
	/*
	 * harkd's load: the secret files are read and checked here, never by
	 * hark; a rules glob matching nothing fails the load (a reload keeps the
	 * rules in force)
	 */
	if (conf_load_flags(path, CONF_SECRETS | CONF_RULES, &c, d) < 0)
		goto out;
	rs = rules_load_cancel(c->rules, c->nrules, d, cancel);
	if (rs == NULL || (*rulesp = rules_new(rs)) == NULL) {
		if (rs != NULL)
			diags_add(d, path, 0, 0, DIAG_ERROR, "out of memory");
		else if (cancel == NULL || !atomic_load(cancel))
			/* as hark check: the notify names of rule files with errors too */
			conf_check_notify_files(c, c->rules, c->nrules, d);
		conf_free(c);
		c = NULL;
		goto out;
	}
	conf_check_routes(c, rs, d);
	*confp = c;
out:
	/*
	 * harkd logs them in the order of the files, as hark check prints them:
	 * a rule file's lang: warnings are found before its queries'
	 */
	diags_sort(d);
	return c != NULL ? 0 : -1;
}

static void *
reload_main(void *arg)
{
	struct reload *rl = arg;
	uint64_t one = 1;

	reload_compile(rl->path, &rl->conf, &rl->rules, &rl->d, &rl->cancel);
	/* an eventfd counter cannot overflow here: one write a thread */
	if (write(rl->efd, &one, sizeof(one)) < 0)
		return NULL;
	return NULL;
}

static int
reload_spawn(struct reload *rl, char *err, size_t errsz)
{
	sigset_t all, old;
	int e;

	diags_init(&rl->d);
	rl->conf = NULL;
	rl->rules = NULL;
	/* signals stay with the loop thread: libevent's handler must run there */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&rl->thread, NULL, reload_main, rl);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		snprintf(err, errsz, "cannot start a thread to load the rules: %s", strerror(e));
		return -1;
	}
	rl->running = 1;
	return 0;
}

static void
reload_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct reload *rl = arg;
	struct conf *c;
	struct rules *r;
	struct diags d;
	uint64_t n;
	int more;

	(void)what;
	if (read(fd, &n, sizeof(n)) < 0 || !rl->running)
		return;
	pthread_join(rl->thread, NULL);
	rl->running = 0;
	c = rl->conf;
	r = rl->rules;
	d = rl->d;
	rl->conf = NULL;
	rl->rules = NULL;
	diags_init(&rl->d);
	more = rl->again;
	if (more) {
		char err[256];

		rl->again = 0;
		free(rl->path);
		rl->path = rl->next_path;
		rl->next_path = NULL;
		if (reload_spawn(rl, err, sizeof(err)) < 0) {
			diags_add(&d, rl->path, 0, 0, DIAG_ERROR, "%s", err);
			more = 0;
		}
	}
	rl->fn(c, r, &d, more, rl->arg);
	diags_free(&d);
}

struct reload *
reload_new(struct event_base *base, reload_done_fn fn, void *arg, char *err, size_t errsz)
{
	struct reload *rl = calloc(1, sizeof(*rl));

	if (rl == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	rl->base = base;
	rl->fn = fn;
	rl->arg = arg;
	atomic_init(&rl->cancel, 0);
	rl->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (rl->efd < 0) {
		snprintf(err, errsz, "eventfd: %s", strerror(errno));
		free(rl);
		return NULL;
	}
	rl->ev = event_new(base, rl->efd, EV_READ | EV_PERSIST, reload_done_cb, rl);
	if (rl->ev == NULL || event_add(rl->ev, NULL) < 0) {
		snprintf(err, errsz, "cannot watch the eventfd");
		reload_free(rl);
		return NULL;
	}
	return rl;
}

int
reload_start(struct reload *rl, const char *path, char *err, size_t errsz)
{
	char *p = strdup(path);

	if (p == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (rl->running) {
		free(rl->next_path);
		rl->next_path = p;
		rl->again = 1;
		return 1;
	}
	free(rl->path);
	rl->path = p;
	return reload_spawn(rl, err, errsz);
}

/* The reaper: the set's last reference, then the freed pages back to the system. */
static void *
reload_reap_main(void *arg)
{
	rules_unref(arg);
	malloc_trim(0);
	return NULL;
}

void
reload_dispose(struct reload *rl, struct rules *old)
{
	sigset_t all, prev;

	if (old == NULL)
		return;
	if (rl == NULL || old->refs > 1) {
		rules_unref(old); /* jobs still use it: the last of them frees it */
		return;
	}
	if (rl->reaping) {
		pthread_join(rl->reaper, NULL);
		rl->reaping = 0;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &prev);
	if (pthread_create(&rl->reaper, NULL, reload_reap_main, old) == 0)
		rl->reaping = 1;
	else
		rules_unref(old);
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
}

int
reload_busy(const struct reload *rl)
{
	return rl != NULL && rl->running;
}

void
reload_free(struct reload *rl)
{
	if (rl == NULL)
		return;
	if (rl->reaping)
		pthread_join(rl->reaper, NULL);
	if (rl->running) {
		atomic_store(&rl->cancel, 1);
		pthread_join(rl->thread, NULL);
		conf_free(rl->conf);
		rules_unref(rl->rules);
	}
	diags_free(&rl->d);
	if (rl->ev != NULL)
		event_free(rl->ev);
	if (rl->efd >= 0)
		close(rl->efd);
	free(rl->path);
	free(rl->next_path);
	free(rl);
}
