/*
 * charset.c: which encoding a document's bytes are in (a simplified form of
 * the WHATWG Encoding Standard's sniffing and its label table), and their
 * conversion to UTF-8 with glibc iconv.
 *
 * iconv is told the converter that decodes like browsers (CP1252 for
 * "iso-8859-1", CP932 for Shift_JIS, CP949 for EUC-KR...). Where glibc
 * refuses a byte that WHATWG maps (the C1 holes of the windows-* code pages,
 * 0x80 in GBK), the byte is decoded here; every other error becomes U+FFFD
 * and conversion goes on after it.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <uchardet/uchardet.h>
#include <utf8proc.h>

#include "charset.h"
#include "mem.h"
#include "utf8.h"

/* How far the <meta> prescan and the XML declaration are looked for. */
#define PRESCAN_MAX 1024

/* How a converter's errors are repaired. */
enum cs_kind {
	CS_UTF8,    /* utf8_clean(), no iconv */
	CS_BYTE,    /* single byte: an undefined byte is U+FFFD */
	CS_WINDOWS, /* single byte, WHATWG maps the C1 holes to C1 controls */
	CS_MULTI,   /* multi-byte: skip the first byte of a bad sequence */
	CS_SJIS,    /* Shift_JIS: WHATWG decodes 0x80 as U+0080 */
	CS_GB,      /* GBK and gb18030: WHATWG decodes a lone 0x80 as U+20AC */
	CS_UTF16,   /* a bad code unit is two bytes */
	CS_UTF32    /* a bad code unit is four bytes */
};

struct cs_encoding {
	const char *name;  /* WHATWG name, lower case */
	const char *iconv; /* glibc converter that decodes like browsers */
	enum cs_kind kind;
};

static const struct cs_encoding cs_encodings[] = {
    {"utf-8", NULL, CS_UTF8},
    {"ibm866", "IBM866", CS_BYTE},
    {"iso-8859-2", "ISO-8859-2", CS_BYTE},
    {"iso-8859-3", "ISO-8859-3", CS_BYTE},
    {"iso-8859-4", "ISO-8859-4", CS_BYTE},
    {"iso-8859-5", "ISO-8859-5", CS_BYTE},
    {"iso-8859-6", "ISO-8859-6", CS_BYTE},
    {"iso-8859-7", "ISO-8859-7", CS_BYTE},
    {"iso-8859-8", "ISO-8859-8", CS_BYTE},
    {"iso-8859-8-i", "ISO-8859-8", CS_BYTE},
    {"iso-8859-10", "ISO-8859-10", CS_BYTE},
    {"iso-8859-13", "ISO-8859-13", CS_BYTE},
    {"iso-8859-14", "ISO-8859-14", CS_BYTE},
    {"iso-8859-15", "ISO-8859-15", CS_BYTE},
    {"iso-8859-16", "ISO-8859-16", CS_BYTE},
    {"koi8-r", "KOI8-R", CS_BYTE},
    {"koi8-u", "KOI8-U", CS_BYTE},
    {"macintosh", "MACINTOSH", CS_BYTE},
    {"x-mac-cyrillic", "MAC-CYRILLIC", CS_BYTE},
    {"windows-874", "CP874", CS_WINDOWS},
    {"windows-1250", "CP1250", CS_WINDOWS},
    {"windows-1251", "CP1251", CS_WINDOWS},
    {"windows-1252", "CP1252", CS_WINDOWS},
    {"windows-1253", "CP1253", CS_WINDOWS},
    {"windows-1254", "CP1254", CS_WINDOWS},
    {"windows-1255", "CP1255", CS_WINDOWS},
    {"windows-1256", "CP1256", CS_WINDOWS},
    {"windows-1257", "CP1257", CS_WINDOWS},
    {"windows-1258", "CP1258", CS_WINDOWS},
    {"gbk", "GB18030", CS_GB},
    {"gb18030", "GB18030", CS_GB},
    {"big5", "BIG5-HKSCS", CS_MULTI},
    /* EUC-JP-MS has the NEC and IBM rows, as CP932 has for Shift_JIS */
    {"euc-jp", "EUC-JP-MS", CS_MULTI},
    {"iso-2022-jp", "ISO-2022-JP", CS_MULTI},
    {"shift_jis", "CP932", CS_SJIS},
    {"euc-kr", "CP949", CS_MULTI},
    {"utf-16be", "UTF-16BE", CS_UTF16},
    {"utf-16le", "UTF-16LE", CS_UTF16},
    /* not WHATWG encodings: only a byte order mark names them */
    {"utf-32be", "UTF-32BE", CS_UTF32},
    {"utf-32le", "UTF-32LE", CS_UTF32},
};

struct cs_label {
	const char *label;
	const char *name; /* a cs_encodings name */
};

/* The WHATWG labels of the encodings above, and cp949 (IE's name for euc-kr). */
static const struct cs_label cs_labels[] = {
    {"unicode-1-1-utf-8", "utf-8"},
    {"unicode11utf8", "utf-8"},
    {"unicode20utf8", "utf-8"},
    {"utf-8", "utf-8"},
    {"utf8", "utf-8"},
    {"x-unicode20utf8", "utf-8"},
    {"866", "ibm866"},
    {"cp866", "ibm866"},
    {"csibm866", "ibm866"},
    {"ibm866", "ibm866"},
    {"csisolatin2", "iso-8859-2"},
    {"iso-8859-2", "iso-8859-2"},
    {"iso-ir-101", "iso-8859-2"},
    {"iso8859-2", "iso-8859-2"},
    {"iso88592", "iso-8859-2"},
    {"iso_8859-2", "iso-8859-2"},
    {"iso_8859-2:1987", "iso-8859-2"},
    {"l2", "iso-8859-2"},
    {"latin2", "iso-8859-2"},
    {"csisolatin3", "iso-8859-3"},
    {"iso-8859-3", "iso-8859-3"},
    {"iso-ir-109", "iso-8859-3"},
    {"iso8859-3", "iso-8859-3"},
    {"iso88593", "iso-8859-3"},
    {"iso_8859-3", "iso-8859-3"},
    {"iso_8859-3:1988", "iso-8859-3"},
    {"l3", "iso-8859-3"},
    {"latin3", "iso-8859-3"},
    {"csisolatin4", "iso-8859-4"},
    {"iso-8859-4", "iso-8859-4"},
    {"iso-ir-110", "iso-8859-4"},
    {"iso8859-4", "iso-8859-4"},
    {"iso88594", "iso-8859-4"},
    {"iso_8859-4", "iso-8859-4"},
    {"iso_8859-4:1988", "iso-8859-4"},
    {"l4", "iso-8859-4"},
    {"latin4", "iso-8859-4"},
    {"csisolatincyrillic", "iso-8859-5"},
    {"cyrillic", "iso-8859-5"},
    {"iso-8859-5", "iso-8859-5"},
    {"iso-ir-144", "iso-8859-5"},
    {"iso8859-5", "iso-8859-5"},
    {"iso88595", "iso-8859-5"},
    {"iso_8859-5", "iso-8859-5"},
    {"iso_8859-5:1988", "iso-8859-5"},
    {"arabic", "iso-8859-6"},
    {"asmo-708", "iso-8859-6"},
    {"csiso88596e", "iso-8859-6"},
    {"csiso88596i", "iso-8859-6"},
    {"csisolatinarabic", "iso-8859-6"},
    {"ecma-114", "iso-8859-6"},
    {"iso-8859-6", "iso-8859-6"},
    {"iso-8859-6-e", "iso-8859-6"},
    {"iso-8859-6-i", "iso-8859-6"},
    {"iso-ir-127", "iso-8859-6"},
    {"iso8859-6", "iso-8859-6"},
    {"iso88596", "iso-8859-6"},
    {"iso_8859-6", "iso-8859-6"},
    {"iso_8859-6:1987", "iso-8859-6"},
    {"csisolatingreek", "iso-8859-7"},
    {"ecma-118", "iso-8859-7"},
    {"elot_928", "iso-8859-7"},
    {"greek", "iso-8859-7"},
    {"greek8", "iso-8859-7"},
    {"iso-8859-7", "iso-8859-7"},
    {"iso-ir-126", "iso-8859-7"},
    {"iso8859-7", "iso-8859-7"},
    {"iso88597", "iso-8859-7"},
    {"iso_8859-7", "iso-8859-7"},
    {"iso_8859-7:1987", "iso-8859-7"},
    {"sun_eu_greek", "iso-8859-7"},
    {"csiso88598e", "iso-8859-8"},
    {"csisolatinhebrew", "iso-8859-8"},
    {"hebrew", "iso-8859-8"},
    {"iso-8859-8", "iso-8859-8"},
    {"iso-8859-8-e", "iso-8859-8"},
    {"iso-ir-138", "iso-8859-8"},
    {"iso8859-8", "iso-8859-8"},
    {"iso88598", "iso-8859-8"},
    {"iso_8859-8", "iso-8859-8"},
    {"iso_8859-8:1988", "iso-8859-8"},
    {"visual", "iso-8859-8"},
    {"csiso88598i", "iso-8859-8-i"},
    {"iso-8859-8-i", "iso-8859-8-i"},
    {"logical", "iso-8859-8-i"},
    {"csisolatin6", "iso-8859-10"},
    {"iso-8859-10", "iso-8859-10"},
    {"iso-ir-157", "iso-8859-10"},
    {"iso8859-10", "iso-8859-10"},
    {"iso885910", "iso-8859-10"},
    {"l6", "iso-8859-10"},
    {"latin6", "iso-8859-10"},
    {"iso-8859-13", "iso-8859-13"},
    {"iso8859-13", "iso-8859-13"},
    {"iso885913", "iso-8859-13"},
    {"iso-8859-14", "iso-8859-14"},
    {"iso8859-14", "iso-8859-14"},
    {"iso885914", "iso-8859-14"},
    {"csisolatin9", "iso-8859-15"},
    {"iso-8859-15", "iso-8859-15"},
    {"iso8859-15", "iso-8859-15"},
    {"iso885915", "iso-8859-15"},
    {"iso_8859-15", "iso-8859-15"},
    {"l9", "iso-8859-15"},
    {"iso-8859-16", "iso-8859-16"},
    {"cskoi8r", "koi8-r"},
    {"koi", "koi8-r"},
    {"koi8", "koi8-r"},
    {"koi8-r", "koi8-r"},
    {"koi8_r", "koi8-r"},
    {"koi8-ru", "koi8-u"},
    {"koi8-u", "koi8-u"},
    {"csmacintosh", "macintosh"},
    {"mac", "macintosh"},
    {"macintosh", "macintosh"},
    {"x-mac-roman", "macintosh"},
    {"dos-874", "windows-874"},
    {"iso-8859-11", "windows-874"},
    {"iso8859-11", "windows-874"},
    {"iso885911", "windows-874"},
    {"tis-620", "windows-874"},
    {"windows-874", "windows-874"},
    {"cp1250", "windows-1250"},
    {"windows-1250", "windows-1250"},
    {"x-cp1250", "windows-1250"},
    {"cp1251", "windows-1251"},
    {"windows-1251", "windows-1251"},
    {"x-cp1251", "windows-1251"},
    {"ansi_x3.4-1968", "windows-1252"},
    {"ascii", "windows-1252"},
    {"cp1252", "windows-1252"},
    {"cp819", "windows-1252"},
    {"csisolatin1", "windows-1252"},
    {"ibm819", "windows-1252"},
    {"iso-8859-1", "windows-1252"},
    {"iso-ir-100", "windows-1252"},
    {"iso8859-1", "windows-1252"},
    {"iso88591", "windows-1252"},
    {"iso_8859-1", "windows-1252"},
    {"iso_8859-1:1987", "windows-1252"},
    {"l1", "windows-1252"},
    {"latin1", "windows-1252"},
    {"us-ascii", "windows-1252"},
    {"windows-1252", "windows-1252"},
    {"x-cp1252", "windows-1252"},
    {"cp1253", "windows-1253"},
    {"windows-1253", "windows-1253"},
    {"x-cp1253", "windows-1253"},
    {"cp1254", "windows-1254"},
    {"csisolatin5", "windows-1254"},
    {"iso-8859-9", "windows-1254"},
    {"iso-ir-148", "windows-1254"},
    {"iso8859-9", "windows-1254"},
    {"iso88599", "windows-1254"},
    {"iso_8859-9", "windows-1254"},
    {"iso_8859-9:1989", "windows-1254"},
    {"l5", "windows-1254"},
    {"latin5", "windows-1254"},
    {"windows-1254", "windows-1254"},
    {"x-cp1254", "windows-1254"},
    {"cp1255", "windows-1255"},
    {"windows-1255", "windows-1255"},
    {"x-cp1255", "windows-1255"},
    {"cp1256", "windows-1256"},
    {"windows-1256", "windows-1256"},
    {"x-cp1256", "windows-1256"},
    {"cp1257", "windows-1257"},
    {"windows-1257", "windows-1257"},
    {"x-cp1257", "windows-1257"},
    {"cp1258", "windows-1258"},
    {"windows-1258", "windows-1258"},
    {"x-cp1258", "windows-1258"},
    {"x-mac-cyrillic", "x-mac-cyrillic"},
    {"x-mac-ukrainian", "x-mac-cyrillic"},
    {"chinese", "gbk"},
    {"csgb2312", "gbk"},
    {"csiso58gb231280", "gbk"},
    {"gb2312", "gbk"},
    {"gb_2312", "gbk"},
    {"gb_2312-80", "gbk"},
    {"gbk", "gbk"},
    {"iso-ir-58", "gbk"},
    {"x-gbk", "gbk"},
    {"gb18030", "gb18030"},
    {"big5", "big5"},
    {"big5-hkscs", "big5"},
    {"cn-big5", "big5"},
    {"csbig5", "big5"},
    {"x-x-big5", "big5"},
    {"cseucpkdfmtjapanese", "euc-jp"},
    {"euc-jp", "euc-jp"},
    {"x-euc-jp", "euc-jp"},
    {"csiso2022jp", "iso-2022-jp"},
    {"iso-2022-jp", "iso-2022-jp"},
    {"csshiftjis", "shift_jis"},
    {"ms932", "shift_jis"},
    {"ms_kanji", "shift_jis"},
    {"shift-jis", "shift_jis"},
    {"shift_jis", "shift_jis"},
    {"sjis", "shift_jis"},
    {"windows-31j", "shift_jis"},
    {"x-sjis", "shift_jis"},
    {"cp949", "euc-kr"},
    {"cseuckr", "euc-kr"},
    {"csksc56011987", "euc-kr"},
    {"euc-kr", "euc-kr"},
    {"iso-ir-149", "euc-kr"},
    {"korean", "euc-kr"},
    {"ks_c_5601-1987", "euc-kr"},
    {"ks_c_5601-1989", "euc-kr"},
    {"ksc5601", "euc-kr"},
    {"ksc_5601", "euc-kr"},
    {"windows-949", "euc-kr"},
    {"unicodefffe", "utf-16be"},
    {"utf-16be", "utf-16be"},
    {"csunicode", "utf-16le"},
    {"iso-10646-ucs-2", "utf-16le"},
    {"ucs-2", "utf-16le"},
    {"unicode", "utf-16le"},
    {"unicodefeff", "utf-16le"},
    {"utf-16", "utf-16le"},
    {"utf-16le", "utf-16le"},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
cs_isspace(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static unsigned char
cs_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 'a' - 'A') : c;
}

static int
cs_isalpha(unsigned char c)
{
	c = cs_lower(c);
	return c >= 'a' && c <= 'z';
}

static const struct cs_encoding *
cs_byname(const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(cs_encodings); i++)
		if (strcmp(cs_encodings[i].name, name) == 0)
			return &cs_encodings[i];
	return NULL;
}

/*
 * The encoding a label names: surrounding ASCII white space is dropped and
 * case ignored, as WHATWG "get an encoding" does. NULL when unknown.
 */
static const struct cs_encoding *
cs_label(const char *s, size_t len)
{
	char key[32];
	size_t i, n = 0;

	while (len > 0 && cs_isspace((unsigned char)*s))
		s++, len--;
	while (len > 0 && cs_isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0 || len >= sizeof(key))
		return NULL;
	for (i = 0; i < len; i++)
		key[n++] = (char)cs_lower((unsigned char)s[i]);
	key[n] = '\0';
	for (i = 0; i < NELEM(cs_labels); i++)
		if (strcmp(cs_labels[i].label, key) == 0)
			return cs_byname(cs_labels[i].name);
	return NULL;
}

/* Case-insensitive search for the lower-case word w in s[0..len); offset or len. */
static size_t
cs_find(const char *s, size_t len, const char *w)
{
	size_t wl = strlen(w), i, k;

	for (i = 0; i + wl <= len; i++) {
		for (k = 0; k < wl; k++)
			if (cs_lower((unsigned char)s[i + k]) != (unsigned char)w[k])
				break;
		if (k == wl)
			return i;
	}
	return len;
}

/*
 * WHATWG "extracting a character encoding from a meta element": the label
 * after "charset=" in a content attribute or a Content-Type value. Sets
 * *lab and *lablen and returns 1, or returns 0 when there is none.
 */
static int
cs_content_charset(const char *s, size_t len, const char **lab, size_t *lablen)
{
	size_t pos = 0, at, end;
	char q;

	for (;;) {
		at = cs_find(s + pos, len - pos, "charset");
		if (at == len - pos)
			return 0;
		pos += at + 7;
		while (pos < len && cs_isspace((unsigned char)s[pos]))
			pos++;
		if (pos < len && s[pos] == '=')
			break;
	}
	pos++;
	while (pos < len && cs_isspace((unsigned char)s[pos]))
		pos++;
	if (pos == len)
		return 0;
	if (s[pos] == '"' || s[pos] == '\'') {
		q = s[pos++];
		for (end = pos; end < len && s[end] != q; end++)
			;
		if (end == len)
			return 0; /* an unmatched quote */
	} else {
		for (end = pos; end < len && !cs_isspace((unsigned char)s[end]) && s[end] != ';';
		     end++)
			;
	}
	*lab = s + pos;
	*lablen = end - pos;
	return 1;
}

/* ---- the <meta> prescan ------------------------------------------------ */

/* One attribute of a tag; long names and values are only marked too long. */
struct cs_attr {
	char name[16];
	char value[256];
	size_t nlen, vlen; /* may exceed the buffers: then not usable */
};

static void
cs_attr_add(char *buf, size_t cap, size_t *n, unsigned char c)
{
	if (*n + 1 < cap)
		buf[*n] = (char)cs_lower(c);
	(*n)++;
	buf[*n < cap ? *n : cap - 1] = '\0';
}

/*
 * WHATWG "get an attribute" on s[0..len) from *pos. Returns 1 with an
 * attribute in *a, 0 at the '>' that ends the tag, -1 at the end of the
 * bytes (the prescan stops: the tag is not complete in the first 1024).
 */
static int
cs_get_attr(const unsigned char *s, size_t len, size_t *pos, struct cs_attr *a)
{
	size_t p = *pos;
	unsigned char q;
	int rc = 1;

	a->nlen = a->vlen = 0;
	a->name[0] = a->value[0] = '\0';
	while (p < len && (cs_isspace(s[p]) || s[p] == '/'))
		p++;
	if (p == len)
		return -1;
	if (s[p] == '>') {
		*pos = p;
		return 0;
	}
	/* the name */
	for (;; p++) {
		if (p == len) {
			rc = -1;
			goto done;
		}
		if (s[p] == '=' && a->nlen > 0) {
			p++;
			break;
		}
		if (cs_isspace(s[p])) {
			while (p < len && cs_isspace(s[p]))
				p++;
			if (p == len) {
				rc = -1;
				goto done;
			}
			if (s[p] != '=')
				goto done; /* a name without a value */
			p++;
			break;
		}
		if (s[p] == '/' || s[p] == '>')
			goto done;
		cs_attr_add(a->name, sizeof(a->name), &a->nlen, s[p]);
	}
	/* the value */
	while (p < len && cs_isspace(s[p]))
		p++;
	if (p == len) {
		rc = -1;
		goto done;
	}
	if (s[p] == '"' || s[p] == '\'') {
		q = s[p++];
		while (p < len && s[p] != q)
			cs_attr_add(a->value, sizeof(a->value), &a->vlen, s[p++]);
		if (p == len)
			rc = -1;
		else
			p++;
		goto done;
	}
	if (s[p] == '>')
		goto done;
	while (p < len && !cs_isspace(s[p]) && s[p] != '>')
		cs_attr_add(a->value, sizeof(a->value), &a->vlen, s[p++]);
	if (p == len)
		rc = -1;
done:
	*pos = p;
	return rc;
}

/*
 * The attributes of a <meta> tag from *pos: the encoding it declares, or
 * NULL. *end is set when the bytes ran out.
 */
static const struct cs_encoding *
cs_meta(const unsigned char *s, size_t len, size_t *pos, int *end)
{
	const struct cs_encoding *enc = NULL;
	struct cs_attr a;
	const char *lab;
	size_t lablen;
	int rc, got_pragma = 0, need_pragma = -1, failed = 0;
	int seen_he = 0, seen_content = 0, seen_charset = 0;

	while ((rc = cs_get_attr(s, len, pos, &a)) == 1) {
		/* the first of duplicate attributes counts */
		if (strcmp(a.name, "http-equiv") == 0 && a.nlen == 10) {
			if (seen_he++)
				continue;
			if (a.vlen == 12 && strcmp(a.value, "content-type") == 0)
				got_pragma = 1;
		} else if (strcmp(a.name, "content") == 0 && a.nlen == 7) {
			if (seen_content++ || enc != NULL || failed || a.vlen >= sizeof(a.value))
				continue;
			if (cs_content_charset(a.value, a.vlen, &lab, &lablen) &&
			    (enc = cs_label(lab, lablen)) != NULL)
				need_pragma = 1;
		} else if (strcmp(a.name, "charset") == 0 && a.nlen == 7) {
			if (seen_charset++)
				continue;
			enc = a.vlen < sizeof(a.value) ? cs_label(a.value, a.vlen) : NULL;
			failed = enc == NULL;
			need_pragma = 0;
		}
	}
	if (rc < 0) {
		*end = 1;
		return NULL;
	}
	if (need_pragma < 0 || (need_pragma == 1 && !got_pragma) || enc == NULL)
		return NULL;
	/* bytes decoded far enough to read their <meta> are not UTF-16 */
	if (enc->kind == CS_UTF16)
		enc = cs_byname("utf-8");
	return enc;
}

/* Does s[pos..len) start with the lower-case w, case ignored? */
static int
cs_at(const unsigned char *s, size_t len, size_t pos, const char *w)
{
	size_t n = strlen(w);

	return len - pos >= n && cs_find((const char *)s + pos, n, w) == 0;
}

/* A simplified WHATWG prescan of s[0..len) for a <meta> that names the encoding. */
static const struct cs_encoding *
cs_prescan(const unsigned char *s, size_t len)
{
	const struct cs_encoding *enc;
	const unsigned char *e;
	struct cs_attr a;
	size_t pos = 0;
	int end = 0, rc;

	while (pos < len) {
		/* only a '<' starts anything: plain text is skipped at memchr's speed */
		if (s[pos] != '<') {
			e = memchr(s + pos, '<', len - pos);
			if (e == NULL)
				return NULL;
			pos = (size_t)(e - s);
		}
		if (cs_at(s, len, pos, "<!--")) {
			/* "<!-->" ends where it starts, as in browsers */
			e = memmem(s + pos + 2, len - pos - 2, "-->", 3);
			if (e == NULL)
				return NULL;
			pos = (size_t)(e - s) + 3;
			continue;
		}
		if (cs_at(s, len, pos, "<meta") && len - pos > 5 &&
		    (cs_isspace(s[pos + 5]) || s[pos + 5] == '/')) {
			pos += 5;
			if ((enc = cs_meta(s, len, &pos, &end)) != NULL)
				return enc;
			if (end)
				return NULL;
		} else if (s[pos] == '<' && len - pos > 2 &&
		           (cs_isalpha(s[pos + 1]) ||
		            (s[pos + 1] == '/' && cs_isalpha(s[pos + 2])))) {
			/* another tag: its attributes are skipped, quotes and all */
			while (pos < len && !cs_isspace(s[pos]) && s[pos] != '>')
				pos++;
			while ((rc = cs_get_attr(s, len, &pos, &a)) == 1)
				;
			if (rc < 0)
				return NULL;
		} else if (s[pos] == '<' && len - pos > 1 &&
		           (s[pos + 1] == '!' || s[pos + 1] == '/' || s[pos + 1] == '?')) {
			e = memchr(s + pos, '>', len - pos);
			if (e == NULL)
				return NULL;
			pos = (size_t)(e - s);
		}
		pos++;
	}
	return NULL;
}

/* The encoding of an XML declaration at the start of s[0..len), or NULL. */
static const struct cs_encoding *
cs_xmldecl(const unsigned char *s, size_t len)
{
	const struct cs_encoding *enc;
	const unsigned char *e;
	size_t pos, end;
	unsigned char q;

	if (len < 6 || memcmp(s, "<?xml", 5) != 0 || !cs_isspace(s[5]))
		return NULL;
	if ((e = memmem(s, len, "?>", 2)) == NULL)
		return NULL;
	end = (size_t)(e - s);
	pos = cs_find((const char *)s, end, "encoding");
	if (pos == end)
		return NULL;
	pos += 8;
	while (pos < end && cs_isspace(s[pos]))
		pos++;
	if (pos == end || s[pos] != '=')
		return NULL;
	pos++;
	while (pos < end && cs_isspace(s[pos]))
		pos++;
	if (pos == end || (s[pos] != '"' && s[pos] != '\''))
		return NULL;
	q = s[pos++];
	e = memchr(s + pos, q, end - pos);
	if (e == NULL)
		return NULL;
	enc = cs_label((const char *)s + pos, (size_t)(e - s) - pos);
	if (enc != NULL && enc->kind == CS_UTF16)
		enc = cs_byname("utf-8"); /* read as ASCII: not UTF-16 */
	return enc;
}

/* The transport's charset: a bare label, or a Content-Type with charset=. */
static const struct cs_encoding *
cs_hint(const char *hint)
{
	const char *lab;
	size_t len, lablen;

	if (hint == NULL)
		return NULL;
	len = strlen(hint);
	if (cs_find(hint, len, "charset") < len)
		return cs_content_charset(hint, len, &lab, &lablen) ? cs_label(lab, lablen) : NULL;
	return cs_label(hint, len);
}

static size_t
cs_result(char name[32], const char *s, size_t skip)
{
	size_t n = strlen(s);

	memcpy(name, s, n + 1);
	return skip;
}

/*
 * UTF-8 with a few damaged bytes (a scraper's truncation, a stray Latin-1
 * byte pasted in) is still UTF-8: read as windows-1252 every accented letter
 * of it would turn into two wrong ones and stop matching. It is taken as
 * UTF-8 when its valid multi-byte sequences outnumber the invalid bytes
 * (windows-1252 text almost never forms a valid sequence: an accented
 * letter is followed by ASCII); text without any falls through to
 * windows-1252 as the WHATWG default says.
 */
static int
cs_mostly_utf8(const unsigned char *s, size_t len)
{
	size_t good = 0, bad = 0, i = 0;

	while (i < len) {
		uint32_t cp;
		size_t k;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_decode(s + i, len - i, &cp);
		if (k > 1) {
			good++;
			i += k;
		} else {
			bad++;
			i++;
		}
	}
	return good > bad;
}

/* How much of a document uchardet reads, and how many non-ASCII bytes it needs. */
#define DETECT_MAX (256 * 1024)
#define DETECT_MIN_HIGH 4

/*
 * uchardet's guess for bytes that are neither UTF-8 nor declared, or NULL.
 * A guess from a handful of accented letters is noise ("Café" alone comes
 * out as ISO-8859-2): below DETECT_MIN_HIGH non-ASCII bytes the WHATWG
 * default stands. uchardet names what WHATWG does not: "UHC" is the
 * euc-kr of browsers (CP949), "MAC-CYRILLIC" x-mac-cyrillic; anything
 * Unicode without a mark, or unknown here, is no guess.
 */
static const struct cs_encoding *
cs_detect(const unsigned char *s, size_t len)
{
	static const struct cs_label extra[] = {
	    {"uhc", "euc-kr"}, {"mac-cyrillic", "x-mac-cyrillic"}, {"cp949", "euc-kr"}};
	const struct cs_encoding *enc = NULL;
	const char *guess;
	size_t i, high = 0;
	uchardet_t ud;

	if (len > DETECT_MAX)
		len = DETECT_MAX;
	for (i = 0; i < len && high < DETECT_MIN_HIGH; i++)
		high += s[i] >= 0x80;
	if (high < DETECT_MIN_HIGH || (ud = uchardet_new()) == NULL)
		return NULL;
	if (uchardet_handle_data(ud, (const char *)s, len) == 0) {
		uchardet_data_end(ud);
		guess = uchardet_get_charset(ud);
		if (guess != NULL && *guess != '\0') {
			enc = cs_label(guess, strlen(guess));
			for (i = 0; enc == NULL && i < NELEM(extra); i++)
				if (strcasecmp(guess, extra[i].label) == 0)
					enc = cs_byname(extra[i].name);
		}
	}
	uchardet_delete(ud);
	if (enc != NULL && (enc->kind == CS_UTF8 || enc->kind == CS_UTF16 || enc->kind == CS_UTF32))
		return NULL;
	return enc;
}

/* ---- UTF-8 with runs of a single-byte charset ------------------------- */

/*
 * The length of the valid UTF-8 sequence at s[0..len) that starts with a
 * byte >= 0x80, or 0 when the byte is invalid there.
 */
static size_t
cs_seq(const unsigned char *s, size_t len)
{
	uint32_t cp;
	size_t k = utf8_decode(s, len, &cp);

	return k > 1 ? k : 0;
}

/*
 * Whether the invalid byte at s[0..len) starts a UTF-8 sequence that is cut
 * short (a lead byte and one or two of its continuation bytes) or overlong
 * (C0 or C1 and a continuation byte, "\xC0\xAF" for "/"): how many bytes
 * that part holds, else 0. Such a part is damaged UTF-8, U+FFFD as WHATWG
 * decodes it, not a legacy character.
 */
static size_t
cs_cut(const unsigned char *s, size_t len)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, n;

	if ((s[0] == 0xC0 || s[0] == 0xC1) && len > 1 && (s[1] & 0xC0) == 0x80)
		return 2;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		need = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		need = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		need = 4;
	else
		return 0;
	if (s[0] == 0xE0)
		lo = 0xA0;
	else if (s[0] == 0xED)
		hi = 0x9F;
	else if (s[0] == 0xF0)
		lo = 0x90;
	else if (s[0] == 0xF4)
		hi = 0x8F;
	if (len < 2 || s[1] < lo || s[1] > hi)
		return 0;
	for (n = 2; n < need && n < len && (s[n] & 0xC0) == 0x80; n++)
		;
	return n < need ? n : 0;
}

/*
 * The evidence for UTF-8 in bytes that are not valid UTF-8: the valid
 * multi-byte sequences that stand clear of invalid bytes (no invalid byte
 * right before or after), and the invalid bytes. Text in a legacy charset
 * forms a valid sequence only by chance, where two of its high bytes meet:
 * inside its words of high bytes (Cyrillic, Greek, Arabic, CJK), whose other
 * bytes are invalid, so those sequences are not clear. Measured on the 264
 * paragraphs of tests/lang (11 languages) in 10 legacy charsets: no clear
 * sequence in the Latin scripts, at most 1 for 150 invalid bytes in the
 * others (Russian in IBM866); UTF-8 with a sentence of Latin-1 pasted in
 * has about as many clear sequences as invalid bytes.
 */
struct cs_evidence {
	size_t clear, bad;
};

static void
cs_evidence(const unsigned char *s, size_t len, struct cs_evidence *ev)
{
	size_t i = 0, k;
	int after_bad = 0;

	ev->clear = ev->bad = 0;
	while (i < len) {
		if (s[i] < 0x80) {
			after_bad = 0;
			i++;
		} else if ((k = cs_seq(s + i, len - i)) > 0) {
			if (!after_bad &&
			    (i + k == len || s[i + k] < 0x80 || cs_seq(s + i + k, len - i - k) > 0))
				ev->clear++;
			after_bad = 0;
			i += k;
		} else {
			ev->bad++;
			after_bad = 1;
			i++;
		}
	}
}

/*
 * The single-byte encoding of the invalid bytes in UTF-8 text: uchardet's
 * guess on the text with every valid multi-byte sequence blanked out,
 * windows-1252 (the WHATWG default) when it has none. NULL when it names a
 * multi-byte encoding: those bytes are no single-byte runs in UTF-8.
 */
static const struct cs_encoding *
cs_mixed_legacy(const unsigned char *s, size_t len)
{
	const struct cs_encoding *enc;
	unsigned char *t;
	size_t i = 0, k;

	if (len > DETECT_MAX)
		len = DETECT_MAX;
	if ((t = malloc(len > 0 ? len : 1)) == NULL)
		return cs_byname("windows-1252");
	while (i < len) {
		if (s[i] >= 0x80 && (k = cs_seq(s + i, len - i)) > 0) {
			memset(t + i, ' ', k);
			i += k;
		} else {
			t[i] = s[i];
			i++;
		}
	}
	enc = cs_detect(t, len);
	free(t);
	if (enc == NULL)
		return cs_byname("windows-1252");
	return enc->kind == CS_BYTE || enc->kind == CS_WINDOWS ? enc : NULL;
}

/*
 * The encoding of the runs when bytes that are not valid UTF-8 are UTF-8
 * with runs of a single-byte charset pasted in, else NULL. The evidence
 * must be real: at least one clear sequence for every 8 invalid bytes, a
 * margin of 20 over the most that legacy text was seen to form by chance
 * (cs_evidence()), while a stray byte or a pasted sentence stays far inside.
 */
static const struct cs_encoding *
cs_mixed(const unsigned char *s, size_t len)
{
	struct cs_evidence ev;

	cs_evidence(s, len, &ev);
	if (ev.bad == 0 || ev.clear == 0 || ev.clear < (ev.bad + 7) / 8)
		return NULL;
	return cs_mixed_legacy(s, len);
}

/*
 * A declared encoding, unless it is single-byte and the bytes say UTF-8:
 * a feed declared ISO-8859-1 by its server but written in UTF-8 would turn
 * every accented letter into two. Nor UTF-8 declared inside the document
 * (indoc: a <meta>, the XML declaration; a template's boilerplate) of bytes
 * that are not UTF-8, nor mostly (cs_mostly_utf8): every accented letter
 * would be U+FFFD ("Ren\xE9" read "Ren\uFFFD"), and the bytes are read as
 * if nothing were declared, uchardet's guess else windows-1252, as
 * feedparser tries the declaration, then chardet, then windows-1252. The
 * transport's UTF-8 stands, its errors replaced (feedparser's test of it).
 */
static size_t
cs_declared(char name[32], const struct cs_encoding *enc, const unsigned char *s, size_t len,
            int indoc, enum charset_by *by)
{
	if ((enc->kind == CS_BYTE || enc->kind == CS_WINDOWS) && cs_mostly_utf8(s, len)) {
		*by = CHARSET_BY_UTF8;
		return cs_result(name, "utf-8", 0);
	}
	if (enc->kind == CS_UTF8 && indoc && !utf8_valid((const char *)s, len) &&
	    !cs_mostly_utf8(s, len)) {
		const struct cs_encoding *guess = cs_detect(s, len);

		*by = guess != NULL ? CHARSET_BY_DETECTED : CHARSET_BY_FALLBACK;
		return cs_result(name, guess != NULL ? guess->name : "windows-1252", 0);
	}
	*by = CHARSET_BY_DECLARED;
	return cs_result(name, enc->name, 0);
}

const char *
charset_by_name(enum charset_by by)
{
	static const char *const names[] = {"bom",      "declared", "utf8",
	                                    "detected", "fallback", "mixed"};

	return (unsigned)by < NELEM(names) ? names[by] : "fallback";
}

int
charset_lookup(const char *label, char name[32])
{
	const struct cs_encoding *enc = cs_label(label, strlen(label));

	if (enc == NULL)
		return -1;
	cs_result(name, enc->name, 0);
	return 0;
}

int
charset_xml_declared(const char *bytes, size_t len, char name[32])
{
	size_t n = len < PRESCAN_MAX ? len : PRESCAN_MAX;
	const struct cs_encoding *enc = cs_xmldecl((const unsigned char *)bytes, n);

	if (enc == NULL)
		return -1;
	cs_result(name, enc->name, 0);
	return 0;
}

size_t
charset_sniff(const char *bytes, size_t len, const char *hint, char name[32], enum charset_by *byp)
{
	const unsigned char *s = (const unsigned char *)bytes;
	const struct cs_encoding *enc;
	size_t n = len < PRESCAN_MAX ? len : PRESCAN_MAX;
	enum charset_by dummy, *by = byp != NULL ? byp : &dummy;

	*by = CHARSET_BY_BOM;
	/* UTF-32LE's mark starts like UTF-16LE's: look at it first */
	if (len >= 4 && memcmp(s, "\xFF\xFE\0\0", 4) == 0)
		return cs_result(name, "utf-32le", 4);
	if (len >= 4 && memcmp(s, "\0\0\xFE\xFF", 4) == 0)
		return cs_result(name, "utf-32be", 4);
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		return cs_result(name, "utf-8", 3);
	if (len >= 2 && memcmp(s, "\xFF\xFE", 2) == 0)
		return cs_result(name, "utf-16le", 2);
	if (len >= 2 && memcmp(s, "\xFE\xFF", 2) == 0)
		return cs_result(name, "utf-16be", 2);
	if ((enc = cs_hint(hint)) != NULL)
		return cs_declared(name, enc, s, len, 0, by);
	/* XML or HTML in UTF-16 without a mark: "<" then another ASCII character */
	*by = CHARSET_BY_DETECTED;
	if (len >= 4 && s[0] == '<' && s[1] == 0 && s[2] != 0 && s[3] == 0)
		return cs_result(name, "utf-16le", 0);
	if (len >= 4 && s[0] == 0 && s[1] == '<' && s[2] == 0 && s[3] != 0)
		return cs_result(name, "utf-16be", 0);
	if ((enc = cs_prescan(s, n)) != NULL)
		return cs_declared(name, enc, s, len, 1, by);
	if ((enc = cs_xmldecl(s, n)) != NULL)
		return cs_declared(name, enc, s, len, 1, by);
	*by = CHARSET_BY_UTF8;
	if (utf8_valid(bytes, len))
		return cs_result(name, "utf-8", 0);
	if (cs_mixed(s, len) != NULL) {
		*by = CHARSET_BY_MIXED;
		return cs_result(name, "utf-8", 0);
	}
	if (cs_mostly_utf8(s, len))
		return cs_result(name, "utf-8", 0);
	*by = CHARSET_BY_DETECTED;
	if ((enc = cs_detect(s, len)) != NULL)
		return cs_result(name, enc->name, 0);
	*by = CHARSET_BY_FALLBACK;
	return cs_result(name, "windows-1252", 0);
}

/* How one byte order reads the first bytes of a file as UTF-16. */
struct cs_u16_read {
	size_t units, bad;   /* code units, and those no text holds */
	size_t top2;         /* units whose high byte is one of the two most common */
	size_t hinul, lonul; /* NUL high bytes (ASCII: spaces, newlines), NUL low bytes */
};

/*
 * Not text: U+0000 and the other controls but tab, newline, form feed and
 * carriage return, unpaired surrogates, private use, unassigned code points
 * and noncharacters. Random bytes read as UTF-16 hit these one unit in six
 * or so, and the headers of binary files (ELF, PNG) their runs of U+0000.
 */
static void
cs_u16_read(const unsigned char *b, size_t n, int be, struct cs_u16_read *r)
{
	size_t hist[256] = {0}, first = 0, second = 0;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i + 1 < n; i += 2) {
		unsigned hi = b[i + !be], lo = b[i + be];
		uint32_t u = hi << 8 | lo;

		r->units++;
		hist[hi]++;
		r->hinul += hi == 0;
		r->lonul += lo == 0 && hi != 0;
		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
			uint32_t v = (uint32_t)b[i + 2 + !be] << 8 | b[i + 2 + be];

			if (v >= 0xDC00 && v <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
				i += 2;
				r->units++;
				hist[b[i + !be]]++;
			}
		}
		switch (utf8proc_category((utf8proc_int32_t)u)) {
		case UTF8PROC_CATEGORY_CC:
			r->bad += u != '\t' && u != '\n' && u != '\f' && u != '\r';
			break;
		case UTF8PROC_CATEGORY_CS: /* unpaired */
		case UTF8PROC_CATEGORY_CO:
		case UTF8PROC_CATEGORY_CN:
			r->bad++;
			break;
		default:
			break;
		}
	}
	for (size_t v = 0; v < 256; v++) {
		if (hist[v] > first) {
			second = first;
			first = hist[v];
		} else if (hist[v] > second) {
			second = hist[v];
		}
	}
	r->top2 = first + second;
}

/*
 * Text in UTF-16: hardly a unit that is no text (1 in 50), and either the
 * high bytes of an alphabet (Latin 0x00, Greek 0x03, Cyrillic 0x04, Arabic
 * 0x06..., with 0x00 for spaces and digits: two values for 7 units in 10),
 * or, for the scripts of thousands of characters (CJK), some NULs, most of
 * them at the high byte's parity (the ASCII spaces and newlines among the
 * ideographs; a low byte 00 is U+4E00, U+5100...).
 */
static int
cs_u16_text(const struct cs_u16_read *r)
{
	if (r->units < 2 || r->bad * 50 > r->units)
		return 0;
	return r->top2 * 10 >= r->units * 7 || (r->hinul >= 4 && r->lonul * 2 <= r->hinul);
}

const char *
charset_utf16_guess(const char *bytes, size_t len)
{
	size_t n = (len < 4096 ? len : 4096) & ~(size_t)1;
	struct cs_u16_read le, be;
	int okle, okbe;

	if (n < 4)
		return NULL;
	cs_u16_read((const unsigned char *)bytes, n, 0, &le);
	cs_u16_read((const unsigned char *)bytes, n, 1, &be);
	okle = cs_u16_text(&le);
	okbe = cs_u16_text(&be);
	/* Latin read the wrong way round can pass for CJK: the alphabet's high bytes decide */
	if (okle && okbe)
		return le.top2 >= be.top2 ? "utf-16le" : "utf-16be";
	return okle ? "utf-16le" : okbe ? "utf-16be" : NULL;
}

/* ---- conversion -------------------------------------------------------- */

/* The iconv output: at most max bytes, which no valid input exceeds. */
struct cs_out {
	char *p;
	size_t n, cap, max;
};

static int
cs_out_grow(struct cs_out *o, size_t need)
{
	size_t want;

	if (o->cap - o->n >= need)
		return 0;
	if (o->n + need > o->max)
		return -1;
	want = o->cap * 2 > o->n + need ? o->cap * 2 : o->n + need;
	if (want > o->max)
		want = o->max;
	return mem_grow(&o->p, &o->cap, want, 1);
}

static int
cs_out_cp(struct cs_out *o, uint32_t cp)
{
	char u[4];
	size_t n = utf8_encode(cp, u);

	if (cs_out_grow(o, n) < 0)
		return -1;
	memcpy(o->p + o->n, u, n);
	o->n += n;
	return 0;
}

/*
 * The bad bytes at in[0..left) that iconv refused: the code point WHATWG
 * gives them (U+FFFD unless the encoding maps them) into o. Returns how many
 * bytes to skip, or 0 when out of memory.
 */
static size_t
cs_repair(const struct cs_encoding *e, const unsigned char *in, size_t left, struct cs_out *o)
{
	uint32_t cp = UTF8_REPLACEMENT;
	size_t skip = 1;

	switch (e->kind) {
	case CS_WINDOWS:
		/* the holes of Microsoft's tables decode as C1 controls */
		if (in[0] >= 0x80 && in[0] <= 0x9F)
			cp = in[0];
		else if (in[0] == 0xCA && strcmp(e->name, "windows-1255") == 0)
			cp = 0x05BA; /* HEBREW POINT HOLAM HASER FOR VAV */
		break;
	case CS_GB:
		if (in[0] == 0x80)
			cp = 0x20AC;
		break;
	case CS_SJIS:
		if (in[0] == 0x80)
			cp = 0x80;
		break;
	case CS_UTF16:
		skip = 2;
		break;
	case CS_UTF32:
		skip = 4;
		break;
	default:
		break;
	}
	if (skip > left)
		skip = left;
	return cs_out_cp(o, cp) < 0 ? 0 : skip;
}

/* Write what the converter holds back and return it to its initial state. */
static int
cs_flush(iconv_t cd, struct cs_out *o)
{
	char *out;
	size_t outleft;

	for (;;) {
		out = o->p + o->n;
		outleft = o->cap - o->n;
		if (iconv(cd, NULL, NULL, &out, &outleft) != (size_t)-1) {
			o->n = (size_t)(out - o->p);
			return 0;
		}
		o->n = (size_t)(out - o->p);
		if (errno != E2BIG)
			return 0;
		if (cs_out_grow(o, o->cap - o->n + 16) < 0)
			return -1;
	}
}

/* Run iconv over in[0..len) into o; -1 when out of memory (or past o->max). */
static int
cs_iconv(iconv_t cd, const struct cs_encoding *e, const char *bytes, size_t len, struct cs_out *o)
{
	char *in = (char *)(uintptr_t)bytes; /* iconv's prototype; it only reads */
	char *out;
	size_t inleft = len, outleft, skip;

	while (inleft > 0) {
		out = o->p + o->n;
		outleft = o->cap - o->n;
		if (iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1) {
			o->n = (size_t)(out - o->p);
			break;
		}
		o->n = (size_t)(out - o->p);
		if (errno == E2BIG) {
			if (cs_out_grow(o, o->cap - o->n + 16) < 0)
				return -1;
		} else if (errno == EILSEQ) {
			/*
			 * CP1255 and CP1258 hold back a base letter for the marks
			 * that may follow: let it out before the repair.
			 */
			if (e->kind == CS_WINDOWS && cs_flush(cd, o) < 0)
				return -1;
			if ((skip = cs_repair(e, (unsigned char *)in, inleft, o)) == 0)
				return -1;
			in += skip;
			inleft -= skip;
		} else {
			/* EINVAL: the bytes end inside a character */
			if (cs_flush(cd, o) < 0 || cs_out_cp(o, UTF8_REPLACEMENT) < 0)
				return -1;
			inleft = 0;
		}
	}
	return cs_flush(cd, o);
}

char *
charset_to_utf8(const char *bytes, size_t len, const char *charset, size_t *outlen)
{
	const struct cs_encoding *e = NULL;
	struct cs_out o = {0};
	iconv_t cd;
	char *clean;
	size_t n;
	int rc;

	if (charset != NULL && (e = cs_byname(charset)) == NULL)
		e = cs_label(charset, strlen(charset));
	if (e == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (e->kind == CS_UTF8) {
		if ((clean = utf8_clean(bytes, len, outlen)) == NULL)
			errno = ENOMEM;
		return clean;
	}
	/* no character takes more than 4 bytes of UTF-8 per byte of input */
	if (len > (SIZE_MAX - 64) / 4) {
		errno = ENOMEM;
		return NULL;
	}
	o.max = 4 * len + 64;
	if (mem_grow(&o.p, &o.cap, len + len / 2 + 16, 1) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	if ((cd = iconv_open("UTF-8", e->iconv)) == (iconv_t)-1) {
		free(o.p);
		errno = errno == ENOMEM ? ENOMEM : EINVAL;
		return NULL;
	}
	rc = cs_iconv(cd, e, bytes, len, &o);
	iconv_close(cd);
	if (rc < 0) {
		free(o.p);
		errno = ENOMEM;
		return NULL;
	}
	/*
	 * Some converters compose (CP1255, CP1258 give presentation forms):
	 * NFC here makes the text what the same words in UTF-8 would give.
	 */
	clean = utf8_clean(o.p, o.n, &n);
	free(o.p);
	if (clean == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (outlen != NULL)
		*outlen = n;
	return clean;
}

/* Each byte 0x80-0xFF in a single-byte encoding. */
struct cs_bytemap {
	char u8[128][4];    /* its UTF-8, "" when undefined or a C1 control: U+FFFD */
	uint8_t n[128];     /* the length of u8 */
	uint8_t alpha[128]; /* 1 for a letter, a mark, ZWNJ or ZWJ; 2 for punctuation */
};

/*
 * The bytemap of the single-byte encoding e: a byte it leaves undefined or
 * makes a C1 control has none (no text holds those: the byte is U+FFFD).
 * -1 when out of memory.
 */
static int
cs_bytemap(const struct cs_encoding *e, struct cs_bytemap *bm)
{
	struct cs_out o = {0};
	iconv_t cd;
	int rc = 0;

	memset(bm, 0, sizeof(*bm));
	o.max = 64;
	if (mem_grow(&o.p, &o.cap, 16, 1) < 0)
		return -1;
	if ((cd = iconv_open("UTF-8", e->iconv)) == (iconv_t)-1) {
		free(o.p);
		return 0; /* every byte U+FFFD */
	}
	for (unsigned b = 0x80; b <= 0xFF && rc == 0; b++) {
		char c = (char)b;
		uint32_t cp;
		utf8proc_category_t cat;

		o.n = 0;
		if ((rc = cs_iconv(cd, e, &c, 1, &o)) < 0)
			break;
		if (o.n == 0 || o.n > 3 || /* a BMP character: 3 bytes of UTF-8 at most */
		    utf8_decode((const unsigned char *)o.p, o.n, &cp) != o.n ||
		    cp == UTF8_REPLACEMENT || (cp >= 0x80 && cp <= 0x9F))
			continue;
		memcpy(bm->u8[b - 0x80], o.p, o.n);
		bm->n[b - 0x80] = (uint8_t)o.n;
		cat = utf8proc_category((utf8proc_int32_t)cp);
		if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) || cp == 0x200C ||
		    cp == 0x200D)
			bm->alpha[b - 0x80] = 1; /* Persian words hold ZWNJ */
		else if (cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO)
			bm->alpha[b - 0x80] = 2;
	}
	iconv_close(cd);
	free(o.p);
	return rc;
}

/* Punctuation in bm, or an ASCII character other than a letter or a digit. */
static int
cs_punct(const struct cs_bytemap *bm, unsigned char c)
{
	if (c >= 0x80)
		return bm->alpha[c - 0x80] == 2;
	return !(cs_isalpha(c) || (c >= '0' && c <= '9'));
}

/*
 * Whether bm reads every byte of s[0..n) >= 0x80 as a letter (or a mark,
 * ZWNJ, ZWJ), punctuation at either end of it aside ("«Déjà»,", "شد؛").
 */
static int
cs_alpha(const struct cs_bytemap *bm, const unsigned char *s, size_t n)
{
	while (n > 0 && cs_punct(bm, s[0]))
		s++, n--;
	while (n > 0 && cs_punct(bm, s[n - 1]))
		n--;
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 0x80 && bm->alpha[s[i] - 0x80] != 1)
			return 0;
	return 1;
}

/* The letters of s[0..n): ASCII ones, and the bytes >= 0x80 bm reads as letters. */
static size_t
cs_letters(const struct cs_bytemap *bm, const unsigned char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += s[i] < 0x80 ? ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')
		                 : bm->alpha[s[i] - 0x80] == 1;
	return k;
}

/* Append U+FFFD k times at buf + *n. */
static void
cs_put_fffd(char *buf, size_t *n, size_t k)
{
	for (; k > 0; k--, *n += 3)
		memcpy(buf + *n, "\xEF\xBF\xBD", 3);
}

/*
 * One word s[0..len) (no ASCII white space) of UTF-8 text with single-byte
 * runs into buf + *n; *read counts the bytes read in the single-byte
 * encoding. Text does not change charset inside a word: a word with
 * invalid bytes is in the single-byte encoding when they outnumber the
 * bytes of its valid sequences (those are then chance pairs of its letters:
 * "\xC2\xB3" of the Ukrainian "Він" in windows-1251) or when that encoding
 * reads the whole word as letters (punctuation at its ends aside);
 * otherwise it is damaged UTF-8
 * ("Kar\xC3\xADm\xFFHaddadin") and each invalid byte is U+FFFD. In a word in
 * the single-byte encoding, a cut or overlong UTF-8 sequence ("\xE2\x80",
 * "\xC0\xAF") is U+FFFD too unless that encoding reads it as letters.
 */
static int
cs_mixed_word(const struct cs_bytemap *bm, const unsigned char *s, size_t len, size_t min_letters,
              char *buf, size_t *n, size_t *read)
{
	size_t i, k, good = 0, bad = 0;
	int legacy;

	for (i = 0; i < len;) {
		if (s[i] < 0x80)
			i++;
		else if ((k = cs_seq(s + i, len - i)) > 0)
			good += k, i += k;
		else
			bad++, i++;
	}
	legacy = bad > 0 && (bad > good || cs_alpha(bm, s, len)) &&
	         cs_letters(bm, s, len) >= min_letters;
	if (buf == NULL)
		return legacy;
	for (i = 0; i < len;) {
		if (s[i] < 0x80) {
			buf[(*n)++] = (char)s[i++];
		} else if (!legacy && (k = cs_seq(s + i, len - i)) > 0) {
			memcpy(buf + *n, s + i, k);
			*n += k;
			i += k;
		} else if (!legacy) {
			cs_put_fffd(buf, n, 1);
			i++;
		} else if (cs_seq(s + i, len - i) == 0 && (k = cs_cut(s + i, len - i)) > 0 &&
		           !cs_alpha(bm, s + i, k)) {
			cs_put_fffd(buf, n, k);
			i += k;
		} else if (bm->n[s[i] - 0x80] == 0) {
			cs_put_fffd(buf, n, 1);
			i++;
		} else {
			memcpy(buf + *n, bm->u8[s[i] - 0x80], bm->n[s[i] - 0x80]);
			*n += bm->n[s[i] - 0x80];
			(*read)++;
			i++;
		}
	}
	return legacy;
}

char *
charset_mixed_to_utf8(const char *bytes, size_t len, char legacy[32], size_t *nlegacy,
                      size_t *outlen)
{
	const unsigned char *s = (const unsigned char *)bytes;
	const struct cs_encoding *e = cs_mixed_legacy(s, len);
	struct cs_bytemap *bm = NULL;
	char *buf = NULL, *clean;
	size_t i = 0, n = 0, read = 0, min_letters = 2;

	if (e == NULL)
		e = cs_byname("windows-1252");
	cs_result(legacy, e->name, 0);
	/* no byte gives more than 3 bytes: U+FFFD and every BMP character of a code page */
	if (len > (SIZE_MAX - 1) / 3 || (buf = malloc(3 * len + 1)) == NULL ||
	    (bm = malloc(sizeof(*bm))) == NULL || cs_bytemap(e, bm) < 0) {
		free(buf);
		free(bm);
		errno = ENOMEM;
		return NULL;
	}
	/*
	 * A word of one letter (a lone byte between blanks) is read in the
	 * single-byte encoding only when a longer word is: alone, it is no
	 * evidence of that encoding, and an invalid byte is U+FFFD.
	 */
	for (int pass = 0; pass < 2; pass++) {
		for (i = 0; i < len;) {
			size_t end = i;

			while (end < len && !cs_isspace(s[end]) && s[end] != '\v')
				end++;
			if (end == i) {
				if (pass == 1)
					buf[n++] = (char)s[i];
				i++;
				continue;
			}
			if (pass == 0 && cs_mixed_word(bm, s + i, end - i, 2, NULL, NULL, NULL)) {
				min_letters = 1;
				break;
			}
			if (pass == 1)
				cs_mixed_word(bm, s + i, end - i, min_letters, buf, &n, &read);
			i = end;
		}
	}
	free(bm);
	/* the code pages of Vietnamese and Hebrew give marks to compose */
	clean = utf8_clean(buf, n, outlen);
	free(buf);
	if (clean == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (nlegacy != NULL)
		*nlegacy = read;
	return clean;
}

int
charset_known(const char *label)
{
	return label != NULL && cs_label(label, strlen(label)) != NULL;
}
