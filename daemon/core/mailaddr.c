/*
 * mailaddr.c: RFC 5322 addresses for the [email] destinations (mailaddr.h).
 *
 * A strict subset: addr-spec with a dot-atom or quoted-string local part
 * and a host name (letters, digits, hyphens) or domain literal, optionally
 * after a display name of atoms and quoted strings. Comments, groups,
 * obsolete forms and folding whitespace are refused: an address that goes
 * unchanged into the envelope must mean one thing to every MTA.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailaddr.h"

/* atext of RFC 5322 §3.2.3 */
static int
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* Bytes of the valid UTF-8 sequence at s[0..n) that is not ASCII, or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;

	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	/* C1 controls: never in a header */
	if (cp >= 0x80 && cp <= 0x9F)
		return 0;
	return len;
}

struct cur {
	const unsigned char *s;
	size_t i, n;
	char *why;
	size_t whysz;
};

static int
fail(struct cur *c, const char *msg)
{
	snprintf(c->why, c->whysz, "%s", msg);
	return -1;
}

static void
skip_blanks(struct cur *c)
{
	while (c->i < c->n && is_blank(c->s[c->i]))
		c->i++;
}

/*
 * A quoted-string at c->i (on the '"'): its content unescaped into out
 * (outsz with the NUL), non-ASCII UTF-8 taken when utf8. The raw form,
 * quotes included, is s[start..c->i) afterwards.
 */
static int
quoted(struct cur *c, char *out, size_t outsz, size_t *outlen, int utf8)
{
	size_t o = 0;

	c->i++; /* the opening quote */
	for (;;) {
		unsigned char ch;
		size_t k = 1;

		if (c->i >= c->n)
			return fail(c, "has an unterminated quoted string");
		ch = c->s[c->i];
		if (ch == '"') {
			c->i++;
			break;
		}
		if (ch == '\\') {
			if (c->i + 1 >= c->n || c->s[c->i + 1] < 0x20 || c->s[c->i + 1] >= 0x7F)
				return fail(c, "has a bad escape in a quoted string");
			c->i++;
			ch = c->s[c->i];
		} else if (ch >= 0x80) {
			if (!utf8 || (k = utf8_seq(c->s + c->i, c->n - c->i)) == 0)
				return fail(c, utf8 ? "is not valid UTF-8"
				                    : "has a non-ASCII address (not supported)");
		} else if (ch < 0x20 && (ch != '\t' || !utf8)) {
			/* a tab: in a display name, not in an address (RFC 5321 qtextSMTP) */
			return fail(c, "has a control character");
		} else if (ch == 0x7F) {
			return fail(c, "has a control character");
		}
		/* an SMTP path is between < >: never inside one, escaped or not */
		if (!utf8 && (ch == '<' || ch == '>'))
			return fail(c, "has '<' or '>' in its local part");
		if (o + k >= outsz)
			return fail(c, "is too long");
		memcpy(out + o, c->s + c->i, k);
		o += k;
		c->i += k;
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

/* A host name label sequence or a domain literal, up to the end or '>'. */
static int
domain(struct cur *c, struct mailaddr *a, size_t *o)
{
	size_t start = c->i, label = 0;

	if (c->i < c->n && c->s[c->i] == '[') {
		/* [192.0.2.1] or [IPv6:2001:db8::1] */
		while (c->i < c->n && c->s[c->i] != ']') {
			unsigned char ch = c->s[c->i];

			if (c->i > start &&
			    !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
			      (ch >= 'A' && ch <= 'Z') || ch == '.' || ch == ':'))
				return fail(c, "has a bad domain literal");
			c->i++;
		}
		if (c->i >= c->n || c->i - start < 3)
			return fail(c, "has a bad domain literal");
		c->i++;
	} else {
		while (c->i < c->n) {
			unsigned char ch = c->s[c->i];

			if (ch == '.') {
				if (label == 0 || c->s[c->i - 1] == '-')
					return fail(c, "has an empty or bad label in its domain");
				label = 0;
			} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			           (ch >= '0' && ch <= '9') || ch == '-') {
				if (label == 0 && ch == '-')
					return fail(c, "has a domain label starting with '-'");
				if (++label > 63)
					return fail(c, "has a domain label longer than 63");
			} else {
				break;
			}
			c->i++;
		}
		if (c->i == start)
			return fail(c, "has no domain after '@'");
		if (label == 0 || c->s[c->i - 1] == '-')
			return fail(c, "has an empty or bad label in its domain");
	}
	if (*o + (c->i - start) > MAILADDR_SPEC_MAX)
		return fail(c, "is longer than 254 characters");
	a->domain = *o;
	memcpy(a->spec + *o, c->s + start, c->i - start);
	*o += c->i - start;
	a->spec[*o] = '\0';
	return 0;
}

/* local-part "@" domain at c->i, into a->spec. */
static int
addr_spec(struct cur *c, struct mailaddr *a)
{
	size_t start = c->i, o;

	if (c->i < c->n && c->s[c->i] == '"') {
		char tmp[MAILADDR_LOCAL_MAX + 1];
		size_t tl;

		if (quoted(c, tmp, sizeof(tmp), &tl, 0) < 0)
			return -1;
		if (tl == 0)
			return fail(c, "has an empty local part");
	} else {
		int dot = 1; /* no leading dot */

		while (c->i < c->n && (is_atext(c->s[c->i]) || c->s[c->i] == '.')) {
			if (c->s[c->i] == '.' && dot)
				return fail(c, "has a misplaced '.' in its local part");
			dot = c->s[c->i] == '.';
			c->i++;
		}
		if (c->i == start)
			return fail(c, c->i < c->n && c->s[c->i] == '@' ? "has an empty local part"
			                                                : "is not an address");
		if (dot)
			return fail(c, "has a misplaced '.' in its local part");
	}
	if (c->i - start > MAILADDR_LOCAL_MAX)
		return fail(c, "has a local part longer than 64");
	if (c->i >= c->n || c->s[c->i] != '@')
		return fail(c, c->i < c->n && c->s[c->i] >= 0x80
		                   ? "has a non-ASCII address (not supported)"
		                   : "has no '@' after its local part");
	memcpy(a->spec, c->s + start, c->i - start);
	o = c->i - start;
	a->spec[o++] = '@';
	c->i++;
	return domain(c, a, &o);
}

/* A display name's words up to '<', into a->display, blanks folded to one space. */
static int
phrase(struct cur *c, struct mailaddr *a)
{
	size_t o = 0;

	for (;;) {
		skip_blanks(c);
		if (c->i >= c->n)
			return fail(c, "has a display name but no <address>");
		if (c->s[c->i] == '<')
			break;
		if (o > 0) {
			if (o + 1 > MAILADDR_DISPLAY_MAX)
				return fail(c, "has a display name longer than 200 bytes");
			a->display[o++] = ' ';
		}
		if (c->s[c->i] == '"') {
			size_t ql;

			if (quoted(c, a->display + o, sizeof(a->display) - o, &ql, 1) < 0)
				return -1;
			o += ql;
			continue;
		}
		while (c->i < c->n) {
			unsigned char ch = c->s[c->i];
			size_t k = 1;

			if (is_blank(ch) || ch == '<' || ch == '"')
				break;
			if (ch >= 0x80) {
				if ((k = utf8_seq(c->s + c->i, c->n - c->i)) == 0)
					return fail(c, "is not valid UTF-8");
			} else if (ch < 0x20 || ch == 0x7F) {
				return fail(c, "has a control character");
			} else if (!is_atext(ch) && ch != '.') {
				return fail(c, "has a special character in its display name "
				               "(quote it)");
			}
			if (o + k > MAILADDR_DISPLAY_MAX)
				return fail(c, "has a display name longer than 200 bytes");
			memcpy(a->display + o, c->s + c->i, k);
			o += k;
			c->i += k;
		}
	}
	/* trailing blanks inside quotes stay; the space added before '<' does not exist */
	a->display[o] = '\0';
	return 0;
}

int
mailaddr_parse(const char *s, size_t n, struct mailaddr *out, char *why, size_t whysz)
{
	struct cur c = {(const unsigned char *)s, 0, n, why, whysz};
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' || s[i] == '\r' || s[i] == '\n')
			return fail(&c, "has a line break or NUL byte");
	skip_blanks(&c);
	if (c.i >= c.n)
		return fail(&c, "is empty");
	/* a bare addr-spec, or a display name and <addr-spec> */
	if (memchr(s, '<', n) == NULL) {
		if (addr_spec(&c, out) < 0)
			return -1;
		skip_blanks(&c);
		if (c.i != c.n)
			return fail(&c, c.s[c.i] == '>' ? "has a '>' without '<'"
			                                : "has text after its address");
		return 0;
	}
	if (c.s[c.i] != '<' && phrase(&c, out) < 0)
		return -1;
	c.i++; /* '<' */
	if (addr_spec(&c, out) < 0)
		return -1;
	if (c.i >= c.n || c.s[c.i] != '>')
		return fail(&c, "has no '>' after its address");
	c.i++;
	skip_blanks(&c);
	if (c.i != c.n)
		return fail(&c, "has text after its '>'");
	return 0;
}

int
mailaddr_list_parse(const char *s, struct mailaddr **out, char *why, size_t whysz)
{
	struct mailaddr *v = NULL;
	size_t n = 0, len = strlen(s), start = 0;
	int inq = 0;

	*out = NULL;
	for (size_t i = 0; i <= len; i++) {
		char one[160];
		struct mailaddr *nv;

		if (i < len && s[i] == '\\' && inq && i + 1 < len) {
			i++;
			continue;
		}
		if (i < len && s[i] == '"')
			inq = !inq;
		if (i < len && (s[i] != ',' || inq))
			continue;
		if (n >= MAILADDR_LIST_MAX) {
			snprintf(why, whysz, "more than %d addresses", MAILADDR_LIST_MAX);
			free(v);
			return -1;
		}
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			snprintf(why, whysz, "out of memory");
			free(v);
			return -1;
		}
		v = nv;
		if (mailaddr_parse(s + start, i - start, &v[n], one, sizeof(one)) < 0) {
			size_t b = start, e = i;

			while (b < e && (s[b] == ' ' || s[b] == '\t'))
				b++;
			while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
				e--;
			snprintf(why, whysz, "'%.*s' %s", (int)(e - b > 80 ? 80 : e - b), s + b,
			         one);
			free(v);
			return -1;
		}
		n++;
		start = i + 1;
	}
	*out = v;
	return (int)n;
}
