/*
 * dblock.c: hold a write lock on a hark database, as another writer would,
 * for the daemon tests. Usage: dblock DB SECONDS [write]. Prints "locked"
 * once BEGIN EXCLUSIVE holds (the test waits for that line), sleeps, commits,
 * and prints "released". With "write" the transaction also writes (the
 * header's user_version, unchanged): its commit makes every other connection
 * drop its page cache and read the file again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

int
main(int argc, char **argv)
{
	sqlite3 *db;
	char *err = NULL;
	int secs;

	if (argc < 3 || argc > 4 || (secs = atoi(argv[2])) <= 0 ||
	    (argc == 4 && strcmp(argv[3], "write") != 0)) {
		fprintf(stderr, "usage: dblock DB SECONDS [write]\n");
		return 2;
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "dblock: %s: %s\n", argv[1], sqlite3_errmsg(db));
		sqlite3_close(db);
		return 2;
	}
	/* harkd may be writing right now: wait for it rather than fail */
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "dblock: BEGIN EXCLUSIVE: %s\n", err);
		sqlite3_free(err);
		sqlite3_close(db);
		return 2;
	}
	if (argc == 4) {
		sqlite3_stmt *q;
		char sql[64];
		int v = -1;

		if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			v = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
		if (v < 0 || sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
			fprintf(stderr, "dblock: writing: %s\n", err ? err : sqlite3_errmsg(db));
			sqlite3_free(err);
			sqlite3_close(db);
			return 2;
		}
	}
	printf("locked\n");
	fflush(stdout);
	sleep((unsigned)secs);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "dblock: COMMIT: %s\n", err);
		sqlite3_free(err);
		sqlite3_close(db);
		return 2;
	}
	printf("released\n");
	sqlite3_close(db);
	return 0;
}
