/*
 * conf.h: the configuration file of CLI.md and hark.conf(5). INI-style;
 * every key of every section is known, so a typo is an error naming
 * file:line rather than a silent default. Relative paths are made absolute
 * against the directory of the file that names them.
 */
#ifndef HARK_CONF_H
#define HARK_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct conf_feed {
	char *name;        /* owned; from "[feed NAME]" */
	char *url;         /* owned; required */
	unsigned interval; /* seconds; default 900, at least 60 */
	char lang[8];      /* ISO 639-1 hint, or "" */
	bool allow_private;
	bool fetch_article; /* fetch each new item's page and match its text */
	unsigned line;      /* where the section starts */
};

struct conf_webhook {
	char *name;        /* owned; from "[webhook NAME]" */
	char *url;         /* owned; http or https, from url or read from url_file; NULL
	                      when url_file was not read (conf_load without CONF_SECRETS) */
	char *url_file;    /* owned, absolute, or NULL: the url is a secret of its own */
	char *format;      /* owned; standard slack discord ntfy (default standard) */
	char *secret;      /* owned; "whsec_..." from secret or read from secret_file, or NULL
	                      (also when secret_file was not read: no CONF_SECRETS) */
	char *secret_file; /* owned, absolute, or NULL */
	char **rules;      /* owned; globs of rule ids (default "*") */
	size_t nrules;
	char *topic;             /* owned; ntfy topic, or NULL */
	unsigned max_per_minute; /* 0: no limit */
	char *digest;            /* owned; "no" (default) or a period of digest.h */
	unsigned line;
};

/* [email NAME]: alerts by mail through SMTP (hark.conf(5)). */
struct conf_email {
	char *name;          /* owned; from "[email NAME]" */
	char *smtp;          /* owned; required: smtp://host[:port] or smtps://host[:port] */
	bool tls_required;   /* smtps, or smtp to a host that is not loopback: STARTTLS */
	char *user;          /* owned, or NULL: no AUTH */
	char *password;      /* owned, secret: read from password_file, or NULL */
	char *password_file; /* owned, absolute, or NULL */
	char *ca_file;       /* owned, absolute, or NULL: the system's CAs */
	char *from;          /* owned; required, as written (one address) */
	char *to;            /* owned; required, as written (addresses separated by commas) */
	char **rules;        /* owned; globs of rule ids (default "*") */
	size_t nrules;
	char *digest; /* owned; "no" (default) or a period of digest.h */
	unsigned line;
};

/* One address of [http] listen: numeric, as given ("localhost" is 127.0.0.1). */
struct conf_listen {
	char host[64]; /* "127.0.0.1", "::1", "0.0.0.0", "::" (no brackets) */
	unsigned port; /* 0: any free port (tests) */
	bool loopback; /* 127.0.0.0/8, ::1, ::ffff:127.x */
};

/* [http] (HTTP.md): no section, no listening socket. */
struct conf_http {
	unsigned line;              /* of [http]; 0: no section */
	struct conf_listen *listen; /* owned; at least one when the section is there */
	size_t nlisten;
	unsigned listen_line, listen_col; /* where listen's value is */
	char *token;      /* owned, secret: the first line of token_file; NULL: none, or
	                     token_file not read (no CONF_SECRETS) */
	char *token_file; /* owned, absolute, or NULL */
	char *base_url;   /* owned, http(s) URL, or NULL */
};

struct conf {
	char *path;      /* owned; the file read */
	char *state_dir; /* owned, absolute; default /var/lib/hark */
	char *spool_dir; /* owned, absolute; default /var/spool/hark */
	char **rules;    /* owned; the rule files and directories, globs expanded, sorted */
	size_t nrules;
	bool keep_done; /* default yes */
	/*
	 * Retention (README "Retention and backup"), in seconds; 0: for ever.
	 * keep_done_for: how long a file stays in done/ (keep_done = 30d);
	 * keep_articles: an article's text (its row, hits and fingerprints
	 * stay); keep_hits: a hit; keep_failed: a file in failed/ (default 30d).
	 */
	int64_t keep_done_for, keep_articles, keep_hits, keep_failed;
	size_t max_document_size; /* bytes; default 16M; "16M", "512K", "1G", "100000" */
	int log_level;            /* log.h priority; default LOG_INFO */
	char *languages;          /* owned; the prior (lang.h): "en fr ar", lower-case, or NULL */
	struct conf_feed *feeds;  /* owned, in file order */
	size_t nfeeds;
	struct conf_webhook *webhooks; /* owned, in file order */
	size_t nwebhooks;
	struct conf_email *emails; /* owned, in file order */
	size_t nemails;
	struct conf_http http;
	bool secrets; /* the secret files were read and checked (CONF_SECRETS) */
	/*
	 * Secret files named but not read: all of them without CONF_SECRETS
	 * or CONF_SECRETS_TRY, those this user may not read with the latter.
	 */
	size_t secrets_unread;
};

/*
 * The configuration file to read: given (-c), else $HARK_CONFIG, else
 * ./hark.conf when it exists, else HARK_CONF_DEFAULT (hark_paths.h: the
 * installation's, SYSCONFDIR/hark/hark.conf) when it exists, else
 * NULL. The string is given, the environment's or static.
 */
const char *conf_find(const char *given);

/*
 * Read and check the file at path. Every problem is a diagnostic naming
 * path:line (unknown section or key, bad value, duplicate section, missing
 * required key). Returns 0 with *out (conf_free), or -1 with no *out when
 * any error was found.
 *
 * The files that hold secrets (a webhook's secret_file and url_file, [http]
 * token_file; [email] password_file) are opened only with CONF_SECRETS
 * (harkd and harkd -n read and check them) or CONF_SECRETS_TRY (hark
 * check, as far as its user may); the other hark commands never do, so
 * that a member of group hark, who may read hark.conf but not the secrets,
 * runs every command. Without them their paths are made absolute and kept,
 * the values they hold are NULL.
 */
#define CONF_SECRETS 1u
/*
 * CONF_RULES: the rules will be run (harkd, harkd -n, a reload, hark
 * check), so a rules glob that matches no file is an error, not a warning.
 */
#define CONF_RULES 2u
/*
 * CONF_NORULES: the caller has its rules from elsewhere or needs none
 * (hark match -r, hark extract: the configured languages only), so
 * 'rules' is neither required nor read: no glob is expanded or warned of.
 */
#define CONF_NORULES 4u
/*
 * CONF_SECRETS_TRY: hark check. The secret files are read and checked as
 * with CONF_SECRETS, by the same code and with the same diagnostics, where
 * this user may read them; one it may not (EACCES: harkd's files, out of
 * the reach of a member of group hark) is no error, only counted in
 * secrets_unread (conf_note_secrets says how many).
 */
#define CONF_SECRETS_TRY 8u
int conf_load_flags(const char *path, unsigned flags, struct conf **out, struct diags *d);
/* conf_load_flags(path, 0, ...): the tool's load, no secret file opened */
int conf_load(const char *path, struct conf **out, struct diags *d);
void conf_free(struct conf *c);
/* Whether s may name a [feed], [webhook] or [email]: letters, digits, - _ . (ASCII). */
int conf_name_ok(const char *s);

/*
 * hark check's word on what it did not check: a note naming how many
 * secret files the configuration names that were not read (secrets_unread).
 */
void conf_note_secrets(const struct conf *c, struct diags *d);

struct ruleset;
/*
 * Where alerts go, checked against the rules: a warning (at the rule's
 * line) for a notify name that is no [webhook NAME] nor [email NAME], and
 * one (at the section) for a destination whose rules globs select no rule. Either way
 * alerts would be dropped without a word, so say it at every load.
 */
void conf_check_routes(const struct conf *c, const struct ruleset *rs, struct diags *d);
/*
 * Its first half alone: a warning for each notify name that is no [webhook]
 * nor [email] of c. hark check RULES... with a configuration given (-c,
 * HARK_CONFIG) says only this, since those files need not be all of c's rules.
 */
void conf_check_notify(const struct conf *c, const struct ruleset *rs, struct diags *d);

/*
 * One [http] listen address: "host:port" or "[v6]:port", host numeric or
 * localhost. Returns 0 with *out, -1 with why.
 */
int conf_parse_listen(const char *s, struct conf_listen *out, char *why, size_t whysz);

/* "16M" → 16777216 etc.; returns 0, -1 when not a size. */
int conf_parse_size(const char *s, size_t *out);
/* "90s" "15m" "2h" "1d" "2w" or plain seconds → seconds; returns 0, -1 when bad. */
int conf_parse_duration(const char *s, unsigned long *out);
/*
 * A retention: "forever" → 0, else a duration of at least 1m and at most
 * 100 years → seconds. Returns 0, -1 when bad.
 */
int conf_parse_keep(const char *s, int64_t *out);

#endif
