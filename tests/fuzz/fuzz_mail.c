/*
 * fuzz_mail.c: libFuzzer harness for mail.c. The input is a hit object
 * (the seeds: corpus/mail/) rendered by mail_render_hit(), and the whole
 * input as a subject by mail_header_text(), and as the hits of a digest by
 * mail_render_digest(). Every line of the output must
 * end in CRLF, be at most 78 characters and not be "." alone; the header
 * block must hold only hark's own fields. Violations abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_lines(const char *m, int headers)
{
	static const char *const known[] = {
	    "From:",           "To:",      "Subject:",      "Date:",         "Message-ID:",
	    "Auto-Submitted:", "List-Id:", "MIME-Version:", "Content-Type:", "X-Hark-Rule:",
	    "X-Hark-Hit:",     NULL};
	const char *p = m;

	while (*p != '\0') {
		const char *e = strstr(p, "\r\n");

		if (e == NULL || e - p > 78 || (e - p == 1 && *p == '.'))
			abort();
		for (const char *q = p; q < e; q++)
			if (*q == '\r' || *q == '\n' || *q == '\0')
				abort();
		if (headers && e == p)
			headers = 0; /* the end of the header block */
		if (headers && *p != ' ') {
			size_t i;

			for (i = 0; known[i] != NULL; i++)
				if (strncmp(p, known[i], strlen(known[i])) == 0)
					break;
			if (known[i] == NULL)
				abort();
		}
		p = e + 2;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mailaddr from, to;
	struct mail_dest d = {"desk", &from, &to, 1, "https://hark.example.org/"};
	char err[128], *s, *m;

	if (from.spec[0] == '\0') {
		mailaddr_parse("hark <hark@example.org>", 23, &from, err, sizeof(err));
		mailaddr_parse("desk@example.org", 16, &to, err, sizeof(err));
	}
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((m = mail_render_hit(&d, s, 1796000000, err, sizeof(err))) != NULL) {
		check_lines(m, 1);
		free(m);
	}
	{
		/* the input as the hits of a digest */
		const char *hits[2] = {s, s};
		const struct mail_digest_rule rules[] = {{"r", "R", 2}, {"x-y", NULL, 1}};
		struct mail_digest g = {0, 3600, hits, 2, rules, 2, 3, "digest.3600.1"};

		if ((m = mail_render_digest(&d, &g, 3600, err, sizeof(err))) == NULL)
			abort();
		check_lines(m, 1);
		free(m);
	}
	if ((m = mail_header_text("Subject", s)) != NULL) {
		check_lines(m, 1);
		free(m);
	}
	free(s);
	return 0;
}
