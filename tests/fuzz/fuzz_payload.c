/*
 * fuzz_payload.c: libFuzzer harness for payload.c. The input (up to a
 * NUL) is a hit object rendered in all four formats. Either every format
 * refuses it, with a one-line "hit object: " reason, or every one renders
 * a body that is one line of JSON holding an object; the standard body
 * is the input's value again, Discord's content is at most
 * PAYLOAD_DISCORD_MAX code points, ntfy's body has the topic. The input
 * as three hits of a digest: payload_render_digest() gives bodies of one
 * line of JSON each, within Discord's and ntfy's limits. Checked with
 * abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const enum payload_format fuzz_formats[] = {PAYLOAD_STANDARD, PAYLOAD_SLACK, PAYLOAD_DISCORD,
                                                   PAYLOAD_NTFY};

/* Code points of valid UTF-8 s. */
static size_t
fuzz_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void
fuzz_check(enum payload_format f, const char *out, json_t *in)
{
	json_error_t je;
	json_t *o, *v;

	if (strchr(out, '\n') != NULL)
		abort();
	o = json_loads(out, JSON_ALLOW_NUL, &je);
	if (o == NULL || !json_is_object(o))
		abort();
	switch (f) {
	case PAYLOAD_STANDARD:
		if (!json_equal(o, in))
			abort();
		break;
	case PAYLOAD_SLACK:
		if (!json_is_string(json_object_get(o, "text")))
			abort();
		break;
	case PAYLOAD_DISCORD:
		v = json_object_get(o, "content");
		if (!json_is_string(v) || fuzz_chars(json_string_value(v)) > PAYLOAD_DISCORD_MAX)
			abort();
		if (json_array_size(
		        json_object_get(json_object_get(o, "allowed_mentions"), "parse")) != 0)
			abort();
		break;
	case PAYLOAD_NTFY:
		v = json_object_get(o, "topic");
		if (!json_is_string(v) || strcmp(json_string_value(v), "alerts") != 0)
			abort();
		v = json_object_get(o, "message");
		if (!json_is_string(v) || json_string_length(v) == 0)
			abort();
		break;
	}
	json_decref(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *out, err[128];
	json_t *in;
	json_error_t je;
	int ok = -1;
	size_t i;

	s = malloc(size + 1);
	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	in = json_loads(s, JSON_ALLOW_NUL, &je);
	for (i = 0; i < sizeof(fuzz_formats) / sizeof(fuzz_formats[0]); i++) {
		memset(err, 'x', sizeof(err));
		/* with a base_url: the stored copy is linked too (a hostile article id) */
		out = payload_render(fuzz_formats[i], s, "alerts", "https://hark.example/", err,
		                     sizeof(err));
		if (ok == -1)
			ok = out != NULL;
		else if (ok != (out != NULL))
			abort();
		if (out == NULL) {
			if (memchr(err, '\0', sizeof(err)) == NULL || strchr(err, '\n') != NULL ||
			    strncmp(err, "hit object: ", 12) != 0)
				abort();
			continue;
		}
		if (in == NULL)
			abort();
		fuzz_check(fuzz_formats[i], out, in);
		free(out);
	}
	/* the input as three hits of a digest: every body one line of JSON, within the limits */
	for (i = 0; i < sizeof(fuzz_formats) / sizeof(fuzz_formats[0]); i++) {
		const char *hits[3] = {s, s, s};
		struct payload_digest g = {0, 3600, hits, 3, 4, "https://hark.example"};
		char **bodies;
		int n =
		    payload_render_digest(fuzz_formats[i], &g, "alerts", &bodies, err, sizeof(err));

		if (n < 1)
			abort();
		for (int k = 0; k < n; k++) {
			json_t *o = json_loads(bodies[k], JSON_ALLOW_NUL, &je), *v;

			if (o == NULL || strchr(bodies[k], '\n') != NULL)
				abort();
			v = json_object_get(o, "content");
			if (v != NULL && fuzz_chars(json_string_value(v)) > PAYLOAD_DISCORD_MAX)
				abort();
			v = json_object_get(o, "message");
			if (v != NULL && json_string_length(v) > 4096)
				abort();
			json_decref(o);
			free(bodies[k]);
		}
		free(bodies);
	}
	json_decref(in);
	free(s);
	return 0;
}
