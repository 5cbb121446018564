/*
 * url.c: canonical URLs (article identity) and relative references.
 *
 * libcurl's URL API parses: it checks the scheme, host and port, decodes a
 * percent-encoded host, normalizes IP addresses and the port number, removes
 * dot segments and resolves relative references. What curl leaves alone is
 * done here on the parts it returns: host case and trailing dot, percent
 * escapes, tracking parameters and AMP forms.
 *
 * The canonical form must be a fixed point (canonicalizing it again gives
 * it back), or two copies of an article could get two identities. Decoding
 * an escape may expose a dot segment and curl may read a host differently
 * once its trailing dot is gone, so url_canonical() applies one pass until
 * the result no longer changes.
 */
#include "url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <utf8proc.h>

#include "utf8.h"

/* Longer input is not an article's address; the bound keeps every pass linear. */
#define URL_MAX 32768

/* Passes of url_canonical() before a URL is declared unstable. */
#define URL_PASSES 4

/* Nested AMP cache URLs unwrapped in one pass. */
#define URL_UNWRAP_MAX 16

/*
 * Query parameters that say how a reader arrived, not what they read:
 * analytics campaigns, ad click ids, newsletter and social share tags, AMP
 * viewer state. Lower case, each between spaces; any "utm_" name is dropped
 * as well.
 */
static const char url_tracking[] =
    " __hsfp __hssc __hstc __tn__ __twitter_impression _ga _gl _hsenc "
    " _hsmi _openstat action_object_map action_ref_map action_type_map "
    " amp_ct amp_gsa amp_js_v amp_tf ampshare aoh at_campaign at_creation "
    " at_emplacement at_format at_link at_medium at_platform at_recipient_id "
    " at_recipient_list at_send_date at_type at_variant cmp cmpid dclid epik "
    " fb_action_ids fb_action_types fb_ref fb_source fbclid gad_source "
    " gbraid gclid gclsrc guccounter guce_referrer guce_referrer_sig icid "
    " igshid irclickid li_fat_id mc_cid mc_eid mkt_tok msclkid ncid "
    " ns_campaign ns_fee ns_linkname ns_mchannel ns_source ocid oly_anon_id "
    " oly_enc_id rb_clickid ref_src ref_url s_cid s_kwcid smid spm sr_share "
    " srsltid ttclid twclid usqp vero_conv vero_id wbraid wt.mc_id xtor "
    " yclid ";

/* The longest name in url_tracking, with room to spare. */
#define URL_TRACKING_NAME_MAX 32

/* The parts of a URL that its canonical form keeps; each malloc'd or NULL. */
struct uparts {
	char *scheme; /* "http" or "https" */
	char *host;   /* lower case, no trailing dot */
	char *port;   /* NULL for the scheme's default port */
	char *path;   /* escapes normalized, no dot segments, never empty */
	char *query;  /* escapes normalized; NULL when absent */
};

static void
uparts_free(struct uparts *u)
{
	free(u->scheme);
	free(u->host);
	free(u->port);
	free(u->path);
	free(u->query);
	memset(u, 0, sizeof(*u));
}

/*
 * A copy of s as browsers read an address attribute: without leading and
 * trailing spaces and control characters, without tabs and newlines inside,
 * and without its fragment unless keep_fragment. NULL when longer than URL_MAX.
 */
static char *
url_input(const char *s, int keep_fragment)
{
	const unsigned char *b = (const unsigned char *)s, *e;
	char *out;
	size_t n = 0;

	while (*b != '\0' && *b <= 0x20)
		b++;
	e = b + strlen((const char *)b);
	while (e > b && e[-1] <= 0x20)
		e--;
	if ((size_t)(e - b) > URL_MAX)
		return NULL;
	if ((out = malloc((size_t)(e - b) + 1)) == NULL)
		return NULL;
	for (; b < e; b++) {
		if (*b == '#' && !keep_fragment)
			break;
		if (*b != '\t' && *b != '\n' && *b != '\r')
			out[n++] = (char)*b;
	}
	out[n] = '\0';
	return out;
}

/* A malloc'd copy of a string curl allocated, which is freed. */
static char *
url_take(char *curl_str)
{
	char *s = curl_str != NULL ? strdup(curl_str) : NULL;

	curl_free(curl_str);
	return s;
}

int
url_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 3986 unreserved: A-Z a-z 0-9 - . _ ~ */
static int
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

/* May c stand unescaped in a path (pchar or '/'), or in a query (also '?')? */
static int
is_raw_ok(unsigned char c, int query)
{
	if (is_unreserved(c))
		return 1;
	if (c != '\0' && strchr("!$&'()*+,;=:@/", c) != NULL)
		return 1;
	return query && c == '?';
}

/*
 * s with its percent escapes normalized: an escaped unreserved character is
 * decoded, other escapes get upper-case hex, a '%' that starts no escape and
 * every byte that may not stand raw (space, quotes, non-ASCII...) are
 * escaped. Equivalent spellings of a path or query thus become one.
 */
static char *
url_escapes(const char *s, int query)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i, n = 0;
	char *out;
	int hi, lo;
	unsigned c;

	if ((out = malloc(3 * len + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		c = p[i];
		if (c == '%' && (hi = url_hexval(p[i + 1])) >= 0 &&
		    (lo = url_hexval(p[i + 2])) >= 0) {
			c = (unsigned)(hi << 4 | lo);
			i += 2;
			if (is_unreserved((unsigned char)c)) {
				out[n++] = (char)c;
				continue;
			}
		} else if (is_raw_ok((unsigned char)c, query)) {
			out[n++] = (char)c;
			continue;
		}
		out[n++] = '%';
		out[n++] = hex[c >> 4];
		out[n++] = hex[c & 15];
	}
	out[n] = '\0';
	return out;
}

/*
 * Remove the dot segments of path (RFC 3986 5.2.4) in place. curl has
 * removed those it saw; these are the ones that decoding %2E made.
 */
static void
path_remove_dots(char *p)
{
	size_t n = strlen(p), i = 0, o = 0, j, seg;

	while (i < n) {
		/* p[i] is the '/' before a segment */
		for (j = i + 1; j < n && p[j] != '/'; j++)
			;
		seg = j - i - 1;
		if (seg == 1 && p[i + 1] == '.') {
			if (j == n)
				p[o++] = '/';
		} else if (seg == 2 && p[i + 1] == '.' && p[i + 2] == '.') {
			while (o > 0 && p[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			if (j == n)
				p[o++] = '/';
		} else {
			memmove(p + o, p + i, j - i);
			o += j - i;
		}
		i = j;
	}
	if (o == 0)
		p[o++] = '/';
	p[o] = '\0';
}

/* Remove p[at..at+n) from the string p. */
static void
str_cut(char *p, size_t at, size_t n)
{
	memmove(p + at, p + at + n, strlen(p + at + n) + 1);
}

/*
 * One AMP rewrite of path in place; 1 when something changed. A leading
 * "/amp/" segment, a last "amp" segment, and ".amp" at the end of the last
 * segment or before its extension (story.amp.html, world-123.amp) name the
 * AMP edition of the page without them.
 */
static int
path_amp_once(char *p)
{
	size_t n = strlen(p), last, seg, dot, k;
	const char *e;

	if (strncmp(p, "/amp/", 5) == 0 || strcmp(p, "/amp") == 0) {
		str_cut(p, 1, n == 4 ? 3 : 4);
		return 1;
	}
	if (n >= 5 && strcmp(p + n - 5, "/amp/") == 0) {
		str_cut(p, n - 4, 4);
		return 1;
	}
	if (n >= 4 && strcmp(p + n - 4, "/amp") == 0) {
		str_cut(p, n - 4, 4);
		if (p[0] == '\0')
			strcpy(p, "/");
		return 1;
	}
	last = (size_t)(strrchr(p, '/') - p) + 1; /* the path starts with '/' */
	seg = n - last;
	/* stem.amp: the stem must stay a name, neither empty nor a dot segment */
	if (seg >= 5 && strcmp(p + n - 4, ".amp") == 0 && strcmp(p + last, "..amp") != 0 &&
	    strcmp(p + last, "...amp") != 0) {
		p[n - 4] = '\0';
		return 1;
	}
	/* stem.amp.ext, the extension 1 to 5 letters or digits */
	if ((e = strrchr(p + last, '.')) == NULL)
		return 0;
	dot = (size_t)(e - p);
	if (n - dot < 2 || n - dot > 6 || dot - last < 5 || strncmp(p + dot - 4, ".amp", 4) != 0)
		return 0;
	for (k = dot + 1; k < n; k++)
		if (!((p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z') ||
		      (p[k] >= '0' && p[k] <= '9')))
			return 0;
	str_cut(p, dot - 4, 4);
	return 1;
}

/* Is the query parameter p[0..n) (name or name=value) tracking or an AMP flag? */
static int
param_drop(const char *p, size_t n)
{
	const char *eq = memchr(p, '=', n);
	size_t nlen = eq != NULL ? (size_t)(eq - p) : n, vlen = eq != NULL ? n - nlen - 1 : 0;
	const char *v = eq != NULL ? eq + 1 : "";
	char key[URL_TRACKING_NAME_MAX + 3];
	size_t i;

	if (nlen >= 4 && strncasecmp(p, "utm_", 4) == 0)
		return 1;
	if (nlen > 0 && nlen <= URL_TRACKING_NAME_MAX) {
		key[0] = ' ';
		for (i = 0; i < nlen; i++)
			key[i + 1] = (p[i] >= 'A' && p[i] <= 'Z') ? (char)(p[i] - 'A' + 'a') : p[i];
		key[nlen + 1] = ' ';
		key[nlen + 2] = '\0';
		if (strstr(url_tracking, key) != NULL)
			return 1;
	}
	if (nlen == 3 && strncasecmp(p, "amp", 3) == 0)
		return vlen == 0 || (vlen == 1 && v[0] == '1') ||
		       (vlen == 4 && strncasecmp(v, "true", 4) == 0);
	return nlen == 10 && strncasecmp(p, "outputtype", 10) == 0 && vlen == 3 &&
	       strncasecmp(v, "amp", 3) == 0;
}

/* The query without tracking parameters and empty ones, in order; in place. */
static void
query_filter(char *q)
{
	size_t n = strlen(q), i = 0, o = 0, j;

	while (i <= n) {
		for (j = i; j < n && q[j] != '&'; j++)
			;
		if (j > i && !param_drop(q + i, j - i)) {
			if (o > 0)
				q[o++] = '&';
			memmove(q + o, q + i, j - i);
			o += j - i;
		}
		i = j + 1;
	}
	q[o] = '\0';
}

/*
 * The host in lower case without its trailing dots, malloc'd; NULL when
 * nothing is left or it is not text. curl has decoded its escapes once: a
 * '%' left (from %2541) would be decoded again by the next parse. A
 * non-ASCII (IDN) host stays in Unicode as curl gives it, in NFC; lower case
 * is the simple mapping, not case folding: IDNA 2008 tells straße from
 * strasse.
 */
static char *
host_normalize(const char *h)
{
	const unsigned char *p = (const unsigned char *)h;
	utf8proc_uint8_t *nfc = NULL;
	size_t n = strlen(h), i, o = 0;
	uint32_t cp;
	char *out;
	int ascii = 1;

	while (n > 0 && h[n - 1] == '.')
		n--;
	if (n == 0 || !utf8_valid(h, n))
		return NULL;
	/* a non-ASCII character takes 2 bytes or more, its lower case 4 at most */
	if ((out = malloc(2 * n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n;) {
		if (p[i] <= 0x20 || p[i] == 0x7F || p[i] == '%') {
			free(out);
			return NULL;
		}
		if (p[i] < 0x80) {
			out[o++] =
			    (p[i] >= 'A' && p[i] <= 'Z') ? (char)(p[i] - 'A' + 'a') : (char)p[i];
			i++;
			continue;
		}
		ascii = 0;
		i += utf8_decode(p + i, n - i, &cp);
		o += utf8_encode((uint32_t)utf8proc_tolower((utf8proc_int32_t)cp), out + o);
	}
	out[o] = '\0';
	if (ascii)
		return out;
	if (utf8proc_map((const utf8proc_uint8_t *)out, (utf8proc_ssize_t)o, &nfc,
	                 UTF8PROC_STABLE | UTF8PROC_COMPOSE) <= 0) {
		free(nfc);
		nfc = NULL;
	}
	free(out);
	return (char *)nfc;
}

/*
 * Parse s with curl into u: scheme, host and port checked, escapes of the
 * path and query normalized, dot segments removed. -1 when s is not an
 * absolute http(s) URL (or out of memory).
 */
static int
url_parse(const char *s, struct uparts *u)
{
	CURLU *h;
	char *v = NULL;
	int rc = -1;

	memset(u, 0, sizeof(*u));
	if ((h = curl_url()) == NULL)
		return -1;
	/* URLENCODE: spaces and raw non-ASCII bytes (IRIs) are escaped, not refused. */
	if (curl_url_set(h, CURLUPART_URL, s, CURLU_URLENCODE) != CURLUE_OK)
		goto out;
	if (curl_url_get(h, CURLUPART_SCHEME, &v, 0) != CURLUE_OK)
		goto out;
	if (strcmp(v, "http") != 0 && strcmp(v, "https") != 0) {
		curl_free(v);
		goto out;
	}
	if ((u->scheme = url_take(v)) == NULL)
		goto out;
	/*
	 * User name and password are not kept: the same article is the same
	 * with or without them, and a secret has no place in an identity that
	 * is logged and sent to webhooks.
	 */
	if (curl_url_get(h, CURLUPART_HOST, &v, 0) != CURLUE_OK)
		goto out;
	u->host = host_normalize(v);
	curl_free(v);
	v = NULL;
	if (u->host == NULL)
		goto out;
	switch (curl_url_get(h, CURLUPART_PORT, &v, CURLU_NO_DEFAULT_PORT)) {
	case CURLUE_OK:
		if ((u->port = url_take(v)) == NULL)
			goto out;
		break;
	case CURLUE_NO_PORT:
		break;
	default:
		goto out;
	}
	if (curl_url_get(h, CURLUPART_PATH, &v, 0) != CURLUE_OK)
		goto out;
	u->path = url_escapes(v, 0);
	curl_free(v);
	if (u->path == NULL)
		goto out;
	if (u->path[0] != '/') {
		/* curl returns "/" for an empty path; keep the invariant anyway */
		char *p = malloc(strlen(u->path) + 2);

		if (p == NULL)
			goto out;
		p[0] = '/';
		strcpy(p + 1, u->path);
		free(u->path);
		u->path = p;
	}
	path_remove_dots(u->path);
	v = NULL;
	switch (curl_url_get(h, CURLUPART_QUERY, &v, 0)) {
	case CURLUE_OK:
		u->query = url_escapes(v, 1);
		curl_free(v);
		if (u->query == NULL)
			goto out;
		break;
	case CURLUE_NO_QUERY:
		break;
	default:
		goto out;
	}
	rc = 0;
out:
	curl_url_cleanup(h);
	if (rc < 0)
		uparts_free(u);
	return rc;
}

/*
 * The page a Google AMP cache URL serves, as a malloc'd URL:
 * https://www-example-com.cdn.ampproject.org/c/s/www.example.com/path names
 * https://www.example.com/path ("/c/" without "s/": http). NULL when u is
 * not such a URL. *bad is set when it is one that names no page.
 */
static char *
amp_cache_target(const struct uparts *u, int *bad)
{
	static const char suffix[] = ".cdn.ampproject.org";
	static const struct {
		const char *prefix, *scheme;
	} forms[] = {
	    {"/c/s/", "https"},
	    {"/v/s/", "https"},
	    {"/c/", "http"},
	    {"/v/", "http"},
	};
	size_t hl = strlen(u->host), sl = sizeof(suffix) - 1, i, pl;
	const char *rest;
	char *t;

	*bad = 0;
	if (hl <= sl || strcmp(u->host + hl - sl, suffix) != 0)
		return NULL;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (strncmp(u->path, forms[i].prefix, strlen(forms[i].prefix)) == 0)
			break;
	if (i == sizeof(forms) / sizeof(forms[0]))
		return NULL;
	rest = u->path + strlen(forms[i].prefix);
	if (*rest == '\0') {
		*bad = 1;
		return NULL;
	}
	pl = strlen(forms[i].scheme) + 3 + strlen(rest) + (u->query ? strlen(u->query) + 1 : 0);
	if ((t = malloc(pl + 1)) == NULL) {
		*bad = 1;
		return NULL;
	}
	strcpy(t, forms[i].scheme);
	strcat(t, "://");
	strcat(t, rest);
	if (u->query != NULL) {
		strcat(t, "?");
		strcat(t, u->query);
	}
	return t;
}

/* One canonicalization pass over s; a malloc'd URL or NULL. */
static char *
canon_once(const char *s)
{
	struct uparts u;
	char *inner = NULL, *out, *h;
	size_t n, unwrap;
	int bad;

	for (unwrap = 0;; unwrap++) {
		if (url_parse(inner != NULL ? inner : s, &u) < 0) {
			free(inner);
			return NULL;
		}
		free(inner);
		inner = amp_cache_target(&u, &bad);
		if (inner == NULL && !bad)
			break;
		uparts_free(&u);
		/* An AMP cache URL that names no page identifies nothing. */
		if (inner == NULL || unwrap == URL_UNWRAP_MAX) {
			free(inner);
			return NULL;
		}
	}
	/* amp.example.com serves the AMP edition of example.com */
	h = u.host;
	while (strncmp(h, "amp.", 4) == 0 && strchr(h + 4, '.') != NULL)
		h += 4;
	while (path_amp_once(u.path))
		;
	if (u.query != NULL)
		query_filter(u.query);
	n = strlen(u.scheme) + 3 + strlen(h) + (u.port ? strlen(u.port) + 1 : 0) + strlen(u.path) +
	    (u.query ? strlen(u.query) + 1 : 0);
	if ((out = malloc(n + 1)) != NULL) {
		strcpy(out, u.scheme);
		strcat(out, "://");
		strcat(out, h);
		if (u.port != NULL) {
			strcat(out, ":");
			strcat(out, u.port);
		}
		strcat(out, u.path);
		if (u.query != NULL && u.query[0] != '\0') {
			strcat(out, "?");
			strcat(out, u.query);
		}
	}
	uparts_free(&u);
	return out;
}

char *
url_canonical(const char *url)
{
	char *cur, *next;
	int pass;

	if (url == NULL || (cur = url_input(url, 0)) == NULL)
		return NULL;
	for (pass = 0; pass < URL_PASSES; pass++) {
		next = canon_once(cur);
		if (next == NULL || strcmp(next, cur) == 0) {
			free(cur);
			return next;
		}
		free(cur);
		cur = next;
	}
	/* no fixed point: an address that changes each time identifies nothing */
	free(cur);
	return NULL;
}

char *
url_resolve(const char *base, const char *ref)
{
	CURLU *h;
	char *b = NULL, *r, *v = NULL, *out = NULL;
	int have_base = 0;
	CURLUcode rc;

	if (ref == NULL || (r = url_input(ref, 1)) == NULL)
		return NULL;
	if ((h = curl_url()) == NULL)
		goto out;
	if (base != NULL && (b = url_input(base, 1)) != NULL)
		have_base = curl_url_set(h, CURLUPART_URL, b, CURLU_URLENCODE) == CURLUE_OK;
	/*
	 * curl 7.88 resolves "#f" and "" against the base's directory; RFC 3986
	 * keeps the base's path and query: set the fragment alone instead.
	 */
	if (have_base && (r[0] == '\0' || r[0] == '#'))
		rc = curl_url_set(h, CURLUPART_FRAGMENT, r[0] ? r + 1 : NULL, CURLU_URLENCODE);
	else
		rc = curl_url_set(h, CURLUPART_URL, r, CURLU_URLENCODE);
	if (rc == CURLUE_OK && curl_url_get(h, CURLUPART_URL, &v, 0) == CURLUE_OK)
		out = url_take(v);
out:
	curl_url_cleanup(h);
	free(b);
	free(r);
	return out;
}

int
url_is_web(const char *u)
{
	while (*u == ' ' || *u == '\t' || *u == '\n' || *u == '\r')
		u++;
	if (strncasecmp(u, "http", 4) != 0)
		return 0;
	u += 4;
	if (*u == 's' || *u == 'S')
		u++;
	return strncmp(u, "://", 3) == 0 && u[3] != '\0';
}

char *
url_stored(const char *base_url, const char *article_id)
{
	size_t bl;
	char *u;

	if (base_url == NULL || article_id == NULL || *base_url == '\0' || *article_id == '\0')
		return NULL;
	for (const char *q = article_id; *q != '\0'; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		      (*q >= '0' && *q <= '9') || *q == '_' || *q == '-'))
			return NULL;
	bl = strlen(base_url);
	while (bl > 0 && base_url[bl - 1] == '/')
		bl--;
	if ((u = malloc(bl + strlen(article_id) + 12)) == NULL)
		return NULL;
	sprintf(u, "%.*s/articles/%s", (int)bl, base_url, article_id);
	return u;
}
