/*
 * harkdlock.c: whether harkd runs on a state_dir, from the lock it holds
 * (harkd.c takes it at start). Read by hark status and hark prune --vacuum.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "answer.h"
#include "harkdlock.h"

/*
 * harkd holds an flock on state_dir/harkd.lock, which holds its pid. The
 * lock is not tried here (a shared lock held even an instant would make a
 * harkd starting then refuse to start): /proc/locks says whether that pid
 * holds a lock on that very file; without /proc, whether the pid lives.
 * harkd clears the pid as it stops, so a pid that holds no lock is stale:
 * that harkd died without stopping.
 */
void
harkdlock_probe(const char *state_dir, struct harkd_probe *dm)
{
	char *path = NULL, buf[64], line[256], want[64];
	struct stat sb;
	FILE *f;
	ssize_t n;
	int fd;

	memset(dm, 0, sizeof(*dm));
	if (asprintf(&path, "%s/harkd.lock", state_dir) < 0)
		path = NULL;
	fd = path != NULL ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
	if (fd < 0) {
		if (path == NULL || errno != ENOENT) {
			dm->running = -1;
			snprintf(dm->err, sizeof(dm->err), "%s: %s",
			         path != NULL ? path : "harkd.lock", strerror(errno));
		} else {
			snprintf(dm->why, sizeof(dm->why),
			         "no %s: harkd has not run on this state_dir", path);
		}
		free(path);
		return;
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	dm->pid = strtol(buf, NULL, 10);
	if (dm->pid <= 0 || fstat(fd, &sb) < 0) {
		snprintf(dm->why, sizeof(dm->why), "no pid in %s: harkd stopped", path);
		dm->pid = 0;
		free(path);
		close(fd);
		return;
	}
	dm->since = (int64_t)sb.st_mtime;
	close(fd);
	if ((f = fopen("/proc/locks", "re")) != NULL) {
		/* "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" */
		snprintf(want, sizeof(want), ":%llu ", (unsigned long long)sb.st_ino);
		while (fgets(line, sizeof(line), f) != NULL) {
			long pid = 0;
			char kind[16];

			if (sscanf(line, "%*s %15s %*s %*s %ld", kind, &pid) == 2 &&
			    strcmp(kind, "FLOCK") == 0 && pid == dm->pid &&
			    strstr(line, want) != NULL)
				dm->running = 1;
		}
		fclose(f);
	} else {
		dm->running = kill((pid_t)dm->pid, 0) == 0 || errno == EPERM;
	}
	if (dm->running != 1) {
		snprintf(dm->why, sizeof(dm->why),
		         "stale %s: pid %ld holds no lock on it: harkd died without stopping "
		         "(killed or crashed)",
		         path, dm->pid);
		free(path);
		return;
	}
	free(path);
	if (asprintf(&path, "%s/harkd.http", state_dir) >= 0) {
		if ((f = fopen(path, "re")) != NULL) {
			if (fgets(dm->urls, sizeof(dm->urls), f) == NULL)
				dm->urls[0] = '\0';
			dm->urls[strcspn(dm->urls, "\n")] = '\0';
			fclose(f);
		}
		free(path);
	}
	if (asprintf(&path, "%s/harkd.reload", state_dir) >= 0) {
		/* "FAILED_AT RULES_AT\nCAUSE\n", as harkd_reload_failed() writes it */
		if ((f = fopen(path, "re")) != NULL) {
			long long failed = 0, at = 0;

			/* the cause cleaned again: shown on a terminal and put in JSON */
			if (fgets(line, sizeof(line), f) != NULL &&
			    sscanf(line, "%lld %lld", &failed, &at) == 2 && failed > 0 &&
			    fgets(line, sizeof(line), f) != NULL) {
				answer_line(line, strlen(line), dm->reload_error,
				            sizeof(dm->reload_error));
				dm->reload_failed = failed;
				dm->rules_at = at;
			}
			fclose(f);
		}
		free(path);
	}
}
