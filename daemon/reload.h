/*
 * reload.h: load a configuration and compile its rules on a thread, so that
 * a SIGHUP with a million rules does not stop the loop for seconds. The
 * loop thread starts a load and hears of its outcome through an eventfd it
 * watches; the new configuration and rule set are then the loop's to swap in.
 */
#ifndef HARK_RELOAD_H
#define HARK_RELOAD_H

#include <event2/event.h>
#include <stdatomic.h>

#include "conf.h"
#include "diag.h"
#include "work.h"

/*
 * Load path and compile its rules (both on success, 0; else -1, nothing).
 * Diagnostics go to d; nothing is logged: the caller says them. cancel may
 * be NULL. What harkd does at start (on the loop) and a reload's thread.
 */
int reload_compile(const char *path, struct conf **confp, struct rules **rulesp, struct diags *d,
                   const atomic_int *cancel);

/*
 * Called on the loop thread when a load has finished: c and r (both NULL
 * when it failed) become the callee's; d holds the diagnostics to say.
 * more is 1 when another load follows at once (a SIGHUP came meanwhile).
 */
typedef void (*reload_done_fn)(struct conf *c, struct rules *r, const struct diags *d, int more,
                               void *arg);

struct reload;
struct reload *reload_new(struct event_base *base, reload_done_fn fn, void *arg, char *err,
                          size_t errsz);
/*
 * Load path on a thread. While a load runs, a new request is noted and
 * runs once after it (any number of SIGHUPs meanwhile make one): returns 1
 * then, 0 when a load started, -1 with err when no thread could start.
 */
int reload_start(struct reload *rl, const char *path, char *err, size_t errsz);
/*
 * Drop the loop's last reference to a rule set that was swapped out. When
 * no job holds it any more, it is freed on a thread (a million rules take
 * a tenth of a second) and the pages go back to the system (malloc_trim:
 * glibc would keep them, and a reload would leave harkd twice its size).
 * Otherwise the last job frees it. rl may be NULL: freed here then.
 */
void reload_dispose(struct reload *rl, struct rules *old);
/* 1 while a load is on its thread. */
int reload_busy(const struct reload *rl);
/* Stop a load in progress (it ends at its next rule), wait for its thread, and free all. */
void reload_free(struct reload *rl);

#endif
