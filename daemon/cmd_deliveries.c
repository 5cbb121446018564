/*
 * cmd_deliveries.c: hark deliveries [--failed] [--json], the webhook
 * outbox as harkd keeps it, and hark redeliver [--force] ID..., which
 * sends dead deliveries again (sent ones only with --force).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "conf.h"
#include "hark.h"
#include "usage.h"
#include "harkdlock.h"
#include "outbox.h"
#include "readjson.h"
#include "store.h"

struct dl_print {
	int json;
	long n;
	int oom;
};

/* The rule of a stored hit object, for the text listing. */
static const char *
hit_rule(json_t *hit)
{
	const char *id = json_string_value(json_object_get(json_object_get(hit, "rule"), "id"));

	return id ? id : "?";
}

static int
dl_print_cb(const struct store_delivery_row *r, void *arg)
{
	struct dl_print *p = arg;
	json_t *hit = r->hit_json ? json_loads(r->hit_json, 0, NULL) : NULL;
	char when[32];

	p->n++;
	if (p->json) {
		/* the object of GET /api/v1/deliveries too: one schema */
		json_t *o = readjson_delivery(r);
		char *s;

		s = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		if (s == NULL) {
			p->oom = 1;
			json_decref(hit);
			return 1;
		}
		hark_put_json(stdout, s);
		free(s);
	} else {
		hark_time_local(r->created_at, when, sizeof(when));
		printf("%-6lld %s %-7s %-12s %s %s attempts=%d", (long long)r->id, when, r->state,
		       r->webhook, r->hit_id, hit_rule(hit), r->attempts);
		if (strcmp(r->state, "pending") == 0 && r->attempts > 0) {
			hark_time_local(r->next_at, when, sizeof(when));
			printf(" next=%s", when);
		}
		if (r->last_error != NULL) {
			/* it may quote the receiver's answer */
			fputs(" last=\"", stdout);
			hark_put_line_text(r->last_error);
			putchar('"');
		}
		putchar('\n');
	}
	json_decref(hit);
	return 0;
}

int
cmd_deliveries(int argc, char **argv)
{
	static const struct option opts[] = {{"failed", no_argument, NULL, 'f'},
	                                     {"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct dl_print p = {0};
	struct store *st;
	char err[512];
	int ch, failed = 0, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			failed = 1;
			break;
		case 'j':
			p.json = 1;
			break;
		case 'h':
			hark_usage("deliveries", stdout);
			return 0;
		default:
			usage_opt_error(argv[0], "h", opts, argv);
			return 2;
		}
	}
	if (optind < argc) {
		usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (hark_store_open("deliveries", &st) < 0)
		return 2;
	rc = store_deliveries_each(st, failed, dl_print_cb, &p, err, sizeof(err));
	store_close(st);
	if (rc != 0 || p.oom) {
		hark_errorf("hark: deliveries: %s\n", p.oom ? "out of memory" : err);
		return 2;
	}
	if (fflush(stdout) != 0) {
		hark_errorf("hark: deliveries: standard output: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}

/*
 * Tell a running harkd (its pid is in state_dir/harkd.lock) to look at the
 * outbox now: SIGUSR2, the due deliveries only. Not SIGUSR1, which also
 * polls every feed and sends every pending digest before its period ends.
 */
static void
redeliver_wake(const char *state_dir)
{
	struct harkd_probe hp;

	/*
	 * Only a pid that holds the lock: a stale one may be another process
	 * now, which SIGUSR2's default action would end.
	 */
	harkdlock_probe(state_dir, &hp);
	if (hp.running == 0)
		return; /* harkd does not run: it sends them when it starts */
	if (hp.running == 1 && hp.pid > 1 && kill((pid_t)hp.pid, SIGUSR2) == 0)
		return;
	hark_errorf("hark: redeliver: harkd sends them at its next start, or on SIGUSR2\n");
}

int
cmd_redeliver(int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct conf *c = NULL;
	struct store *st = NULL;
	char err[512];
	int ch, rc = 2, bad = 0, done = 0, force = 0;

	while ((ch = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			force = 1;
			break;
		case 'h':
			hark_usage("redeliver", stdout);
			return 0;
		default:
			usage_opt_error(argv[0], "fh", opts, argv);
			return 2;
		}
	}
	if (optind >= argc) {
		usage_error(argv[0], "no delivery id given");
		return 2;
	}
	/* an id that is no number is a mistake of the command line: nothing is done */
	for (int i = optind; i < argc; i++) {
		char *end;

		errno = 0;
		if (strtoll(argv[i], &end, 10) <= 0 || errno != 0 || *end != '\0') {
			usage_error(argv[0], "'%s' is not a delivery id (a number)", argv[i]);
			return 2;
		}
	}
	/* a writer: the outbox changes (the user must be allowed to write hark.db) */
	if (hark_conf_store_open("redeliver", STORE_WRITE, &c, &st) < 0)
		goto out;
	for (int i = optind; i < argc; i++) {
		char *end;
		long long id;
		int64_t held;
		char dest[256], say[512];
		int r;

		/* a number > 0: checked above */
		id = strtoll(argv[i], &end, 10);
		r = outbox_redeliver(st, c, id, (int64_t)time(NULL), force, &held, dest,
		                     sizeof(dest), err, sizeof(err));
		if (r < 0) {
			hark_errorf("hark: redeliver: %lld: %s\n", id, err);
			bad++;
		} else if (r == 0) {
			hark_errorf("hark: redeliver: no delivery %lld\n", id);
			bad++;
		} else if (r == 2) {
			/* the receiver has it: a second copy only when asked for */
			hark_errorf(
			    "hark: redeliver: delivery %lld was sent already: give --force to send "
			    "it again\n",
			    id);
			bad++;
		} else if (r == 4) {
			/* its destination is gone from hark.conf: nothing would ever send it */
			hark_errorf("hark: redeliver: %s\n", err);
			bad++;
		} else if (r == 3) {
			/* its digest's period has not ended: not sent early, not split from it */
			outbox_held_say(c, id, dest, held, say, sizeof(say));
			printf("hark redeliver: %s\n", say);
		} else {
			printf("delivery %lld: pending again\n", id);
			done++;
		}
	}
	if (done > 0)
		redeliver_wake(c->state_dir);
	rc = bad ? 2 : 0;
out:
	store_close(st);
	conf_free(c);
	return rc;
}
