/*
 * payload.h: the body a webhook receives for a hit, in its format (CLI.md):
 * standard (the hit object), slack ({"text": ...}), discord ({"content":
 * ...} within 2000 characters), ntfy (JSON publish: topic, title, message,
 * click). Pure functions of the stored hit object: golden-tested.
 */
#ifndef HARK_PAYLOAD_H
#define HARK_PAYLOAD_H

#include <stddef.h>

enum payload_format { PAYLOAD_STANDARD, PAYLOAD_SLACK, PAYLOAD_DISCORD, PAYLOAD_NTFY };

/* "standard" "slack" "discord" "ntfy" → 0 with *f; -1 when unknown. */
int payload_format_parse(const char *name, enum payload_format *f);
const char *payload_format_name(enum payload_format f);

#define PAYLOAD_DISCORD_MAX 2000 /* characters of "content" */

/*
 * Render the body for the hit object hit_json (one line, as stored; its
 * rule, article and snippet are read from it). topic: the ntfy topic
 * (required for PAYLOAD_NTFY, else ignored). Returns a NUL-terminated
 * compact JSON string the caller frees, or NULL with a one-line reason in
 * err (hit_json not a hit object, out of memory).
 */
char *payload_render(enum payload_format f, const char *hit_json, const char *topic, char *err,
                     size_t errsz);

#endif
