/*
 * payload.h: the body a webhook receives for a hit, in its format (CLI.md):
 * standard (the hit object), slack ({"text": ...}), discord ({"content":
 * ...} within 2000 characters), ntfy (JSON publish: topic, title, message,
 * click). Pure functions of the stored hit object: golden-tested.
 */
#ifndef HARK_PAYLOAD_H
#define HARK_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

enum payload_format { PAYLOAD_STANDARD, PAYLOAD_SLACK, PAYLOAD_DISCORD, PAYLOAD_NTFY };

/* "standard" "slack" "discord" "ntfy" → 0 with *f; -1 when unknown. */
int payload_format_parse(const char *name, enum payload_format *f);
const char *payload_format_name(enum payload_format f);

#define PAYLOAD_DISCORD_MAX 2000 /* characters of "content" */

/*
 * Render the body for the hit object hit_json (one line, as stored; its
 * rule, article and snippet are read from it). topic: the ntfy topic
 * (required for PAYLOAD_NTFY, else ignored). base_url: [http] base_url, or
 * NULL: when set, the chat formats link the article's stored copy
 * (base_url/articles/ID) besides its address, or instead of it when it
 * has none (a dropped file). Returns a NUL-terminated compact JSON string
 * the caller frees, or NULL with a one-line reason in err (hit_json not a
 * hit object, out of memory).
 */
char *payload_render(enum payload_format f, const char *hit_json, const char *topic,
                     const char *base_url, char *err, size_t errsz);

/* The hits of one digest period, for payload_render_digest. Borrowed. */
struct payload_digest {
	int64_t start, end;      /* the period, Unix seconds */
	const char *const *hits; /* hit objects, newest first */
	size_t nhits;
	size_t total;         /* hits of the period: more than nhits when the list was cut */
	const char *base_url; /* NULL, or a hit without an address links its stored copy */
};

/*
 * The bodies of a digest for a webhook: standard, one body
 * {"type":"digest","period":{"start":T,"end":T},"total":N,"hits":[hit...]};
 * slack, discord, ntfy: one message listing the hits by rule (the rules
 * with the most hits first, newest first within each), split into
 * several only where the service's limit on one message forces it (Slack
 * 3500 characters of text, Discord 2000, ntfy 4096 bytes). Returns how
 * many bodies (at least 1) with *bodies (each and the array freed by the
 * caller), or -1 with err.
 */
int payload_render_digest(enum payload_format f, const struct payload_digest *g, const char *topic,
                          char ***bodies, char *err, size_t errsz);

#endif
