/*
 * mediatype.c: a Content-Type value into the format it declares and its
 * charset (mediatype.h). A byte scan of RFC 9110's grammar: type "/"
 * subtype, then "; name=value" parameters, a value a token or a quoted
 * string.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "mediatype.h"

static const struct {
	const char *type;
	enum extract_declared as;
} known[] = {
    {"text/plain", EXTRACT_AS_TEXT},
    {"text/markdown", EXTRACT_AS_MARKDOWN},
    {"text/x-markdown", EXTRACT_AS_MARKDOWN},
    {"text/html", EXTRACT_AS_HTML},
    {"application/xhtml+xml", EXTRACT_AS_HTML},
    {"application/json", EXTRACT_AS_JSON},
    {"text/json", EXTRACT_AS_JSON},
    {"application/rss+xml", EXTRACT_AS_FEED},
    {"application/atom+xml", EXTRACT_AS_FEED},
    {"application/rdf+xml", EXTRACT_AS_FEED},
    {"application/feed+json", EXTRACT_AS_FEED},
    {"application/xml", EXTRACT_AS_FEED},
    {"text/xml", EXTRACT_AS_FEED},
    {"application/octet-stream", EXTRACT_SNIFF},
};

static int
is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static const char *
skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* What the client sent, for an error line: printable ASCII, at most 60 bytes. */
static const char *
shown(const char *s, size_t n, char out[64])
{
	size_t o = 0;

	for (size_t i = 0; i < n && o < 60; i++)
		out[o++] = s[i] > 0x20 && s[i] < 0x7f && s[i] != '\'' ? s[i] : '?';
	out[o] = '\0';
	return out;
}

int
mediatype_parse(const char *value, struct mediatype *m, char *err, size_t errsz)
{
	const char *p, *t;
	char buf[64];
	size_t n;

	memset(m, 0, sizeof(*m));
	m->as = EXTRACT_SNIFF;
	if (value == NULL)
		return 0;
	p = skip_ows(value);
	if (*p == '\0')
		return 0;
	/* type "/" subtype */
	for (t = p; is_tchar(*p); p++)
		;
	if (p == t || *p != '/') {
		snprintf(err, errsz, "Content-Type '%s' is not a media type (type/subtype)",
		         shown(value, strlen(value), buf));
		return -1;
	}
	for (p++; is_tchar(*p); p++)
		;
	n = (size_t)(p - t);
	if (p[-1] == '/') {
		snprintf(err, errsz, "Content-Type '%s' has no subtype",
		         shown(value, strlen(value), buf));
		return -1;
	}
	if (n >= sizeof(m->type)) {
		snprintf(err, errsz, "Content-Type '%s...' is too long", shown(t, n, buf));
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		m->type[i] = (char)(t[i] >= 'A' && t[i] <= 'Z' ? t[i] + 32 : t[i]);
	m->type[n] = '\0';
	/* parameters */
	for (;;) {
		const char *name;
		size_t nlen, vlen = 0;
		char val[sizeof(m->charset)];

		p = skip_ows(p);
		if (*p == '\0')
			break;
		if (*p != ';') {
			snprintf(err, errsz, "Content-Type '%s': '%c' where ';' was expected",
			         shown(value, strlen(value), buf),
			         *p > 0x20 && *p < 0x7f ? *p : '?');
			return -1;
		}
		p = skip_ows(p + 1);
		if (*p == '\0' || *p == ';')
			continue; /* an empty parameter, as browsers allow */
		for (name = p; is_tchar(*p); p++)
			;
		nlen = (size_t)(p - name);
		if (nlen == 0 || *p != '=') {
			snprintf(err, errsz, "Content-Type '%s': a parameter is not name=value",
			         shown(value, strlen(value), buf));
			return -1;
		}
		p++;
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				if (vlen + 1 < sizeof(val))
					val[vlen] = *p;
				vlen++;
			}
			if (*p != '"') {
				snprintf(err, errsz,
				         "Content-Type '%s': a quoted value is not closed",
				         shown(value, strlen(value), buf));
				return -1;
			}
			p++;
		} else {
			for (; is_tchar(*p); p++) {
				if (vlen + 1 < sizeof(val))
					val[vlen] = *p;
				vlen++;
			}
			if (vlen == 0) {
				snprintf(err, errsz, "Content-Type '%s': a parameter has no value",
				         shown(value, strlen(value), buf));
				return -1;
			}
		}
		if (nlen == 7 && strncasecmp(name, "charset", 7) == 0) {
			if (vlen >= sizeof(val)) {
				snprintf(err, errsz,
				         "Content-Type: the charset is too long (%zu bytes)", vlen);
				return -1;
			}
			memcpy(m->charset, val, vlen);
			m->charset[vlen] = '\0';
		}
	}
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(m->type, known[i].type) == 0) {
			m->as = known[i].as;
			/* a declaration hark cannot follow is refused, not guessed past */
			if (m->charset[0] != '\0' && !charset_known(m->charset)) {
				snprintf(err, errsz, "unsupported charset '%s' in the Content-Type",
				         shown(m->charset, strlen(m->charset), buf));
				return -2;
			}
			return 0;
		}
	snprintf(err, errsz,
	         "unsupported Content-Type '%s': send application/json (a JSON article), "
	         "text/plain, text/markdown, text/html, or an RSS, Atom or JSON feed",
	         shown(m->type, strlen(m->type), buf));
	return -2;
}
