/*
 * Unit tests for charset.c: the order of the sniffing sources, the label
 * table, the <meta> prescan, and the conversion of every fixture under
 * tests/extract/charset/ to its UTF-8 reference, errors included.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "charset.h"
#include "utf8.h"

#define REPL "\xEF\xBF\xBD"

/* The whole of tests/<rel> (HARK_TESTDATA); the test fails when it is missing. */
static char *
slurp(const char *rel, size_t *len)
{
	const char *dir = getenv("HARK_TESTDATA");
	char path[1024];
	char *buf;
	long n;
	FILE *f;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Sniff s (NUL-terminated) with hint; returns the name, checks the BOM length. */
static const char *
sniff(const char *s, size_t len, const char *hint, size_t skip)
{
	static char name[32];

	memset(name, 'x', sizeof(name));
	assert_int_equal(charset_sniff(s, len, hint, name, NULL), skip);
	return name;
}

static const char *
sniffs(const char *s, const char *hint)
{
	return sniff(s, strlen(s), hint, 0);
}

/* Convert and compare with the expected bytes exactly. */
static void
convert_eq(const char *in, size_t len, const char *cs, const char *want, size_t wantlen)
{
	size_t outlen = 12345;
	char *out = charset_to_utf8(in, len, cs, &outlen);

	assert_non_null(out);
	assert_int_equal(outlen, wantlen);
	assert_memory_equal(out, want, wantlen);
	assert_int_equal(out[outlen], '\0');
	assert_true(utf8_valid(out, outlen));
	free(out);
}

#define CONVERT_EQ(in, cs, want) convert_eq(in, sizeof(in) - 1, cs, want, sizeof(want) - 1)

static void
test_fixtures(void **state)
{
	static const struct {
		const char *file, *hint, *sniffed;
		size_t skip;
		const char *convert; /* when not the sniffed name */
	} fx[] = {
	    {"ar-1256.html", NULL, "windows-1256", 0, NULL},
	    {"ar-8859-6.xml", NULL, "iso-8859-6", 0, NULL},
	    {"fr-8859-1.html", NULL, "windows-1252", 0, NULL},
	    {"fr-1252.txt", NULL, "windows-1252", 0, NULL},
	    {"ru-koi8r.html", NULL, "koi8-r", 0, NULL},
	    {"zh-gb18030.html", NULL, "gb18030", 0, NULL},
	    {"zh-big5.xml", NULL, "big5", 0, NULL},
	    {"ja-sjis.html", NULL, "shift_jis", 0, NULL},
	    {"ko-euckr.txt", NULL, "euc-kr", 0, NULL},
	    {"ko-euckr.txt", "text/plain; charset=ks_c_5601-1987", "euc-kr", 0, NULL},
	    {"mixed-utf16le.txt", NULL, "utf-16le", 2, NULL},
	    {"mixed-utf16be.xml", NULL, "utf-16be", 2, NULL},
	    {"el-utf8.txt", NULL, "utf-8", 0, NULL},
	};
	char rel[256], name[32];
	size_t i, len, wantlen, outlen, skip;
	char *in, *want, *out;
	const char *dot;

	(void)state;
	for (i = 0; i < sizeof(fx) / sizeof(fx[0]); i++) {
		snprintf(rel, sizeof(rel), "extract/charset/%s", fx[i].file);
		in = slurp(rel, &len);
		dot = strrchr(fx[i].file, '.');
		snprintf(rel, sizeof(rel), "extract/charset/%.*s.expected.txt",
		         (int)(dot - fx[i].file), fx[i].file);
		want = slurp(rel, &wantlen);
		skip = charset_sniff(in, len, fx[i].hint, name, NULL);
		assert_int_equal(skip, fx[i].skip);
		assert_string_equal(name, fx[i].sniffed);
		out = charset_to_utf8(in + skip, len - skip, fx[i].convert ? fx[i].convert : name,
		                      &outlen);
		assert_non_null(out);
		if (outlen != wantlen || memcmp(out, want, wantlen) != 0)
			fail_msg("%s: converted text differs from the reference", fx[i].file);
		assert_null(strstr(out, REPL));
		free(out);
		free(in);
		free(want);
	}
}

static void
test_bom(void **state)
{
	static const char meta[] = "<meta charset=koi8-r>";
	char buf[64];

	(void)state;
	assert_string_equal(sniff("\xEF\xBB\xBFok", 5, NULL, 3), "utf-8");
	assert_string_equal(sniff("\xFF\xFEo\0", 4, NULL, 2), "utf-16le");
	assert_string_equal(sniff("\xFE\xFF\0o", 4, NULL, 2), "utf-16be");
	assert_string_equal(sniff("\xFF\xFE\0\0o\0\0\0", 8, NULL, 4), "utf-32le");
	assert_string_equal(sniff("\0\0\xFE\xFF\0\0\0o", 8, NULL, 4), "utf-32be");
	/* a lone mark, and a UTF-16LE mark followed by one zero byte only */
	assert_string_equal(sniff("\xFF\xFE", 2, NULL, 2), "utf-16le");
	assert_string_equal(sniff("\xFF\xFE\0", 3, NULL, 2), "utf-16le");
	/* the mark wins over the transport and over <meta> */
	memcpy(buf, "\xEF\xBB\xBF", 3);
	memcpy(buf + 3, meta, sizeof(meta));
	assert_string_equal(sniff(buf, strlen(buf), "windows-1256", 3), "utf-8");
	assert_string_equal(sniff("\xFE\xFF\0<", 4, "text/html; charset=koi8-r", 2), "utf-16be");
	/* the mark is only looked for at the start */
	assert_string_equal(sniffs("a\xEF\xBB\xBF", NULL), "utf-8");
	/* after the mark, conversion of the rest */
	CONVERT_EQ("\xD8\x3D\xDE\x00\0!\0", "utf-16be", "\xF0\x9F\x98\x80!" REPL);
	CONVERT_EQ("\x00\xF6\x01\x00"
	           "a\0\0\0",
	           "utf-32le",
	           "\xF0\x9F\x98\x80"
	           "a");
}

static void
test_utf16_pattern(void **state)
{
	static const char le[] = "<\0?\0x\0m\0l\0";
	static const char be[] = "\0<\0h\0t\0m\0l";

	(void)state;
	assert_string_equal(sniff(le, sizeof(le) - 1, NULL, 0), "utf-16le");
	assert_string_equal(sniff(be, sizeof(be) - 1, NULL, 0), "utf-16be");
	CONVERT_EQ("<\0?\0x\0m\0l\0", "utf-16le", "<?xml");
	/* the transport still wins over the pattern */
	assert_string_equal(sniff(le, sizeof(le) - 1, "utf-8", 0), "utf-8");
	/* "<" and one zero byte are not enough */
	assert_string_equal(sniff("<\0", 2, NULL, 0), "utf-8");
	assert_string_equal(sniff("<\0\0\0", 4, NULL, 0), "utf-8");
}

/* NULs in every other byte: UTF-16 without a mark, for a hint when the text is refused. */
static void
test_utf16_guess(void **state)
{
	static const char le[] = "T\0i\0t\0l\0e\0\n\0A\0s\0s\0a\0d\0";
	static const char be[] = "\0T\0i\0t\0l\0e\0\n\0A\0s\0s\0a\0d";
	/* Arabic with spaces: its high bytes 0x06, the spaces' NUL */
	static const char ar[] = "'\x06\x44\x06 \0'\x06\x44\x06 \0'\x06\x44\x06";
	/* one stray NUL at the other parity (U+0100) does not spoil the pattern */
	static const char mixed[] = "a\0b\0c\0d\0e\0f\0g\0h\0\0\x01i\0";

	(void)state;
	assert_string_equal(charset_utf16_guess(le, sizeof(le) - 1), "utf-16le");
	assert_string_equal(charset_utf16_guess(be, sizeof(be) - 1), "utf-16be");
	assert_string_equal(charset_utf16_guess(ar, sizeof(ar) - 1), "utf-16le");
	assert_string_equal(charset_utf16_guess(mixed, sizeof(mixed) - 1), "utf-16le");
	/* NULs anywhere (binary), none, too few, or too short: no guess */
	assert_null(charset_utf16_guess("T\0\0\0i\0\0\0t\0\0\0", 12)); /* UTF-32LE */
	assert_null(charset_utf16_guess("Title\nAssad\0\0 binary\n", 23));
	assert_null(charset_utf16_guess("Title, text", 11));
	assert_null(charset_utf16_guess("abcdefghijklmno\0", 16));
	assert_null(charset_utf16_guess("a\0", 2));
	assert_null(charset_utf16_guess("", 0));
}

/* UTF-8 text as UTF-16 (be: big-endian) into out; returns the bytes. */
static size_t
to_utf16(const char *utf8, int be, char *out, size_t cap)
{
	size_t n = 0, len = strlen(utf8);

	for (size_t i = 0; i < len;) {
		uint32_t cp, u[2];
		size_t k = utf8_decode((const unsigned char *)utf8 + i, len - i, &cp), nu = 1;

		assert_true(k > 0);
		i += k;
		u[0] = cp;
		if (cp >= 0x10000) {
			u[0] = 0xD800 + ((cp - 0x10000) >> 10);
			u[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
			nu = 2;
		}
		for (size_t j = 0; j < nu; j++) {
			assert_true(n + 2 <= cap);
			out[n + (size_t)!be] = (char)(u[j] >> 8);
			out[n + (size_t)be] = (char)(u[j] & 0xFF);
			n += 2;
		}
	}
	return n;
}

/*
 * Not only Latin: Arabic, Cyrillic, Greek with few spaces (their high bytes
 * 0x06, 0x04, 0x03), Chinese; and binary files stay without a guess.
 */
static void
test_utf16_guess_scripts(void **state)
{
	static const char *const texts[] = {
	    /* Arabic, a long word or two between spaces */
	    "\xd8\xa7\xd9\x84\xd8\xb9\xd9\x82\xd9\x88\xd8\xa8\xd8\xa7\xd8\xaa\xd8\xa7\xd9\x84"
	    "\xd8\xa7\xd9\x82\xd8\xaa\xd8\xb5\xd8\xa7\xd8\xaf\xd9\x8a\xd8\xa9 \xd8\xa7\xd9\x84"
	    "\xd9\x85\xd9\x81\xd8\xb1\xd9\x88\xd8\xb6\xd8\xa9\xd8\xb9\xd9\x84\xd9\x89\xd8\xa7"
	    "\xd9\x84\xd8\xb3\xd9\x88\xd8\xb1\xd9\x8a\xd8\xa9\xd8\x8c\n",
	    /* Russian */
	    "\xd0\xa1\xd0\xb0\xd0\xbd\xd0\xba\xd1\x86\xd0\xb8\xd0\xb8 \xd0\xbf\xd1\x80\xd0\xbe"
	    "\xd0\xb4\xd0\xbb\xd0\xb5\xd0\xbd\xd1\x8b \xd0\xbd\xd0\xb0 \xd0\xb3\xd0\xbe\xd0\xb4.\n",
	    /* Greek */
	    "\xce\x9a\xcf\x85\xcf\x81\xcf\x8e\xcf\x83\xce\xb5\xce\xb9\xcf\x82 \xce\xb3\xce\xb9"
	    "\xce\xb1 \xce\xad\xce\xbd\xce\xb1 \xcf\x87\xcf\x81\xcf\x8c\xce\xbd\xce\xbf.\n",
	    /* Chinese, with ASCII spaces and newlines */
	    "\xe5\x88\xb6\xe8\xa3\x81\xe5\xbb\xb6\xe9\x95\xbf\xe4\xb8\x80\xe5\xb9\xb4 2026\n"
	    "\xe5\xa4\x96\xe4\xba\xa4\xe9\x83\xa8\xe9\x95\xbf\xe5\x91\xa8\xe4\xb8\x80\xe8\xa1\xa8"
	    "\xe7\xa4\xba \xe5\x88\xb6\xe8\xa3\x81\xe7\xbb\xa7\xe7\xbb\xad\xe3\x80\x82\n",
	    /* Latin with accents and a typographic apostrophe */
	    "Les sanctions visant la milice ont \xc3\xa9t\xc3\xa9 prolong\xc3\xa9"
	    "es "
	    "d\xe2\x80\x99un an.\n",
	};
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0";
	char buf[2048], junk[4096];
	uint32_t x = 12345;
	FILE *f;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char text[600] = "";

		/* a few lines of it */
		for (int k = 0; k < 4; k++)
			strcat(text, texts[i]);
		n = to_utf16(text, 0, buf, sizeof(buf));
		if (charset_utf16_guess(buf, n) == NULL ||
		    strcmp(charset_utf16_guess(buf, n), "utf-16le"))
			fail_msg("text %zu in UTF-16LE: no utf-16le", i);
		n = to_utf16(text, 1, buf, sizeof(buf));
		if (charset_utf16_guess(buf, n) == NULL ||
		    strcmp(charset_utf16_guess(buf, n), "utf-16be"))
			fail_msg("text %zu in UTF-16BE: no utf-16be", i);
	}
	/* a PNG: its signature and IHDR, then compressed (random) bytes */
	memcpy(junk, png, sizeof(png) - 1);
	for (size_t i = sizeof(png) - 1; i < sizeof(junk); i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (char)(x >> 16);
	}
	assert_null(charset_utf16_guess(junk, sizeof(junk)));
	assert_null(charset_utf16_guess(junk + 64, sizeof(junk) - 64)); /* random alone */
	/* zeros; a run of one byte and NULs */
	memset(junk, 0, sizeof(junk));
	assert_null(charset_utf16_guess(junk, sizeof(junk)));
	/* an ELF file: this test */
	f = fopen("/proc/self/exe", "rb");
	assert_non_null(f);
	n = fread(junk, 1, sizeof(junk), f);
	fclose(f);
	assert_true(n > 1024);
	assert_null(charset_utf16_guess(junk, n));
}

static void
test_meta_limit(void **state)
{
	static const char meta[] = "<meta charset=\"koi8-r\">";
	char buf[2048];
	size_t at;

	(void)state;
	/* ends at byte 1024: seen */
	at = 1024 - (sizeof(meta) - 1);
	memset(buf, ' ', at);
	memcpy(buf + at, meta, sizeof(meta));
	assert_string_equal(sniffs(buf, NULL), "koi8-r");
	/* one byte later its '>' is at 1024: not complete in the first 1024 bytes */
	memset(buf, ' ', at + 1);
	memcpy(buf + at + 1, meta, sizeof(meta));
	assert_string_equal(sniffs(buf, NULL), "utf-8");
	/* well past 1024: not used, and the text is decided by the fallback */
	memset(buf, 'a', 1500);
	memcpy(buf + 1500, meta, sizeof(meta));
	assert_string_equal(sniffs(buf, NULL), "utf-8");
	buf[10] = (char)0xE9;
	assert_string_equal(sniffs(buf, NULL), "windows-1252");
}

static void
test_hint(void **state)
{
	static const char page[] = "<html><head><meta charset=windows-1256></head>";

	(void)state;
	assert_string_equal(sniffs(page, NULL), "windows-1256");
	assert_string_equal(sniffs(page, "koi8-r"), "koi8-r");
	assert_string_equal(sniffs(page, "text/html; charset=\"ISO-8859-6\""), "iso-8859-6");
	assert_string_equal(sniffs(page, "text/html;CHARSET = 'gb2312' ; q=1"), "gbk");
	assert_string_equal(sniffs(page, " UTF-8 "), "utf-8");
	/* the transport may say UTF-16: it is believed */
	assert_string_equal(sniffs(page, "utf-16"), "utf-16le");
	/* no label, or an unknown one: the next source decides */
	assert_string_equal(sniffs(page, "text/html"), "windows-1256");
	assert_string_equal(sniffs(page, "x-klingon"), "windows-1256");
	assert_string_equal(sniffs(page, "text/html; charset=x-klingon"), "windows-1256");
	assert_string_equal(sniffs(page, "text/html; charset="), "windows-1256");
	assert_string_equal(sniffs(page, ""), "windows-1256");
}

static void
test_labels(void **state)
{
	static const struct {
		const char *label, *name;
	} t[] = {
	    {"utf8", "utf-8"},
	    {"unicode-1-1-utf-8", "utf-8"},
	    {"latin1", "windows-1252"},
	    {"ISO-8859-1", "windows-1252"},
	    {"iso8859-1", "windows-1252"},
	    {"l1", "windows-1252"},
	    {"us-ascii", "windows-1252"},
	    {"ascii", "windows-1252"},
	    {"cp1252", "windows-1252"},
	    {"x-cp1252", "windows-1252"},
	    {"arabic", "iso-8859-6"},
	    {"iso-8859-6-i", "iso-8859-6"},
	    {"iso-8859-6-e", "iso-8859-6"},
	    {"csisolatinarabic", "iso-8859-6"},
	    {"cp1256", "windows-1256"},
	    {"koi8", "koi8-r"},
	    {"cskoi8r", "koi8-r"},
	    {"koi8-u", "koi8-u"},
	    {"gb2312", "gbk"},
	    {"x-gbk", "gbk"},
	    {"chinese", "gbk"},
	    {"csgb2312", "gbk"},
	    {"GB18030", "gb18030"},
	    {"big5-hkscs", "big5"},
	    {"x-x-big5", "big5"},
	    {"cn-big5", "big5"},
	    {"sjis", "shift_jis"},
	    {"ms932", "shift_jis"},
	    {"windows-31j", "shift_jis"},
	    {"x-sjis", "shift_jis"},
	    {"csshiftjis", "shift_jis"},
	    {"EUC-JP", "euc-jp"},
	    {"iso-2022-jp", "iso-2022-jp"},
	    {"ks_c_5601-1987", "euc-kr"},
	    {"windows-949", "euc-kr"},
	    {"cp949", "euc-kr"},
	    {"utf-16le", "utf-16le"},
	    {"utf-16be", "utf-16be"},
	    {"iso-8859-2", "iso-8859-2"},
	    {"latin2", "iso-8859-2"},
	    {"iso-8859-9", "windows-1254"},
	    {"iso-8859-11", "windows-874"},
	    {"iso-8859-15", "iso-8859-15"},
	    {"iso-8859-16", "iso-8859-16"},
	    {"windows-1250", "windows-1250"},
	    {"windows-1258", "windows-1258"},
	    {"ibm866", "ibm866"},
	    {"x-mac-cyrillic", "x-mac-cyrillic"},
	    {"macintosh", "macintosh"},
	};
	size_t i, outlen;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (strcmp(sniffs("abc", t[i].label), t[i].name) != 0)
			fail_msg("label %s: %s, not %s", t[i].label, sniffs("abc", t[i].label),
			         t[i].name);
		/* every name the sniffer gives is one the converter takes */
		out = charset_to_utf8("ab", 2, t[i].name, &outlen);
		assert_non_null(out);
		if (strncmp(t[i].name, "utf-16", 6) != 0) {
			assert_string_equal(out, "ab");
			assert_int_equal(outlen, 2);
		}
		free(out);
	}
	/* labels are also taken by the converter */
	CONVERT_EQ("caf\xE9", "ISO-8859-1", "caf\xC3\xA9");
	CONVERT_EQ("\xC7\xE1", "cp1256", "\xD8\xA7\xD9\x84");
}

static void
test_meta_forms(void **state)
{
	(void)state;
	/* http-equiv before or after content, any case, quotes optional */
	assert_string_equal(
	    sniffs("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">",
	           NULL),
	    "koi8-r");
	assert_string_equal(
	    sniffs("<META CONTENT='text/html;charset=windows-1256' HTTP-EQUIV='content-type'>",
	           NULL),
	    "windows-1256");
	assert_string_equal(sniffs("<meta charset='Shift_JIS'/>", NULL), "shift_jis");
	assert_string_equal(sniffs("<meta\ncharset = euc-kr >", NULL), "euc-kr");
	/* content without the pragma is not a declaration */
	assert_string_equal(sniffs("<meta name=x content=\"charset=koi8-r\">", NULL), "utf-8");
	/* charset wins over content in the same tag */
	assert_string_equal(
	    sniffs("<meta http-equiv=content-type content=\"text/html; charset=koi8-r\" "
	           "charset=big5>",
	           NULL),
	    "big5");
	/* comments, and quoted attributes of other tags, are skipped */
	assert_string_equal(sniffs("<!-- <meta charset=koi8-r> --><meta charset=big5>", NULL),
	                    "big5");
	assert_string_equal(sniffs("<!--><meta charset=big5>", NULL), "big5");
	assert_string_equal(sniffs("<a title=\"<meta charset=koi8-r>\"><meta charset=gbk>", NULL),
	                    "gbk");
	assert_string_equal(sniffs("<!-- <meta charset=koi8-r>", NULL), "utf-8");
	/* an unknown label is ignored: the next <meta> decides */
	assert_string_equal(sniffs("<meta charset=x-klingon><meta charset=koi8-u>", NULL),
	                    "koi8-u");
	/* a <meta> that says UTF-16 was read as ASCII: it is UTF-8 */
	assert_string_equal(sniffs("<meta charset=utf-16>", NULL), "utf-8");
	assert_string_equal(sniffs("<meta charset=\"UTF-16BE\">", NULL), "utf-8");
	/* not a meta tag */
	assert_string_equal(sniffs("<metal charset=koi8-r>", NULL), "utf-8");
	assert_string_equal(sniffs("<p>charset=koi8-r</p>", NULL), "utf-8");
}

static void
test_xml_decl(void **state)
{
	(void)state;
	assert_string_equal(sniffs("<?xml version=\"1.0\" encoding=\"KOI8-R\"?><a/>", NULL),
	                    "koi8-r");
	assert_string_equal(sniffs("<?xml version='1.0' encoding = 'windows-1256' ?>", NULL),
	                    "windows-1256");
	assert_string_equal(sniffs("<?xml version=\"1.0\" encoding=\"UTF-16\"?>", NULL), "utf-8");
	assert_string_equal(sniffs("<?xml version=\"1.0\" encoding=\"x-klingon\"?>", NULL),
	                    "utf-8");
	/* a <meta> comes first; the declaration counts only at the start */
	assert_string_equal(
	    sniffs("<?xml version=\"1.0\" encoding=\"koi8-r\"?><meta charset=big5>", NULL), "big5");
	assert_string_equal(sniffs(" <?xml version=\"1.0\" encoding=\"koi8-r\"?>", NULL), "utf-8");
	assert_string_equal(sniffs("<?xml version=\"1.0\"?><a encoding=\"koi8-r\"/>", NULL),
	                    "utf-8");
}

/* What the XML declaration alone says, as charset_sniff() reads it. */
static void
test_xml_declared(void **state)
{
	static const char koi[] = "<?xml version=\"1.0\" encoding=\"KOI8-R\"?><a/>";
	static const char latin[] = "<?xml version='1.0' encoding='ISO-8859-1'?>";
	static const char u16[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>";
	char name[32] = "";

	(void)state;
	assert_int_equal(charset_xml_declared(koi, strlen(koi), name), 0);
	assert_string_equal(name, "koi8-r");
	assert_int_equal(charset_xml_declared(latin, strlen(latin), name), 0);
	assert_string_equal(name, "windows-1252");
	assert_int_equal(charset_xml_declared(u16, strlen(u16), name), 0);
	assert_string_equal(name, "utf-8"); /* read as ASCII: not UTF-16 */
	assert_int_equal(charset_xml_declared("<?xml version=\"1.0\"?>", 21, name), -1);
	assert_int_equal(
	    charset_xml_declared("<?xml version=\"1.0\" encoding=\"x-klingon\"?>", 42, name), -1);
	assert_int_equal(charset_xml_declared(" <?xml encoding=\"koi8-r\"?>", 26, name), -1);
	assert_int_equal(charset_xml_declared("", 0, name), -1);
}

static void
test_fallback(void **state)
{
	(void)state;
	assert_string_equal(sniffs("plain ASCII", NULL), "utf-8");
	assert_string_equal(sniffs("d\xC3\xA9j\xC3\xA0", NULL), "utf-8");
	assert_string_equal(sniffs("d\xE9j\xE0", NULL), "windows-1252");
	/* a truncated sequence at the end is not valid UTF-8 either */
	assert_string_equal(sniffs("abc\xD8", NULL), "windows-1252");
	assert_string_equal(sniff("", 0, NULL, 0), "utf-8");
}

static void
test_invalid_bytes(void **state)
{
	char all[128];
	size_t i, outlen;
	char *out;

	(void)state;
	/* windows-1256 has no hole: every byte is a character */
	for (i = 0; i < 128; i++)
		all[i] = (char)(0x80 + i);
	out = charset_to_utf8(all, sizeof(all), "windows-1256", &outlen);
	assert_non_null(out);
	assert_null(strstr(out, REPL));
	assert_int_equal(utf8_count(out, outlen), 128);
	free(out);
	CONVERT_EQ("\x81\xC7", "windows-1256", "\xD9\xBE\xD8\xA7"); /* pe, alef */
	/* iso-8859-6 has holes: U+FFFD, and the next letter survives */
	CONVERT_EQ("\xC7\xA1\xE4", "iso-8859-6", "\xD8\xA7" REPL "\xD9\x84");
	/* Shift_JIS: a lead byte before a space, bytes no table has, a cut end */
	CONVERT_EQ("\x82\xA0\x82 abc", "shift_jis", "\xE3\x81\x82" REPL " abc");
	CONVERT_EQ("\xA0x\xFDy\xFFz", "shift_jis", REPL "x" REPL "y" REPL "z");
	CONVERT_EQ("ok\x82", "shift_jis", "ok" REPL);
	CONVERT_EQ("\x80", "shift_jis", "\xC2\x80");
	/* gb18030: a bad trail, 0xFF, a cut four-byte sequence; 0x80 is the euro */
	CONVERT_EQ("\xC4\xE3\x81 z\xFF\xBA\xC3", "gb18030",
	           "\xE4\xBD\xA0" REPL " z" REPL "\xE5\xA5\xBD");
	CONVERT_EQ("\x80\x81\x30", "gbk", "\xE2\x82\xAC" REPL);
	/* euc-kr and big5 */
	CONVERT_EQ("\xC7\xD1\xFF\xB1\xB9", "euc-kr", "\xED\x95\x9C" REPL "\xEA\xB5\xAD");
	CONVERT_EQ("\xA4\x40\xFFz", "big5", "\xE4\xB8\x80" REPL "z");
	/* utf-8 input is cleaned the same way */
	CONVERT_EQ("a\xFF"
	           "b\xC3",
	           "utf-8", "a" REPL "b" REPL);
}

static void
test_utf16_errors(void **state)
{
	(void)state;
	/* an odd byte count: the last half unit is U+FFFD */
	CONVERT_EQ("h\0i\0!", "utf-16le", "hi" REPL);
	CONVERT_EQ("\0h\0i\0", "utf-16be", "hi" REPL);
	/* a lone surrogate is one U+FFFD of two bytes, then decoding goes on */
	CONVERT_EQ("\x00\xD8"
	           "a\0b\0",
	           "utf-16le", REPL "ab");
	CONVERT_EQ("\xDC\x00\0a", "utf-16be", REPL "a");
	/* a high surrogate cut by the end */
	CONVERT_EQ("a\0\x3D\xD8", "utf-16le", "a" REPL);
	/* utf-32: a value past U+10FFFF, then a cut unit */
	CONVERT_EQ("\xFF\xFF\xFF\xFF"
	           "b\0\0\0c\0",
	           "utf-32le", REPL "b" REPL);
}

static void
test_empty(void **state)
{
	static const char *const cs[] = {"utf-8", "windows-1252", "utf-16le", "shift_jis",
	                                 "iso-2022-jp"};
	size_t i, outlen;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		outlen = 99;
		out = charset_to_utf8("", 0, cs[i], &outlen);
		assert_non_null(out);
		assert_string_equal(out, "");
		assert_int_equal(outlen, 0);
		free(out);
	}
}

static void
test_1252_undefined(void **state)
{
	(void)state;
	/* glibc's CP1252 refuses them; WHATWG maps them to the C1 controls */
	CONVERT_EQ("\x81\x8D\x8F\x90\x9D", "windows-1252",
	           "\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D");
	CONVERT_EQ("\x80 \x81x\x9C\x9D\x9F", "windows-1252",
	           "\xE2\x82\xAC \xC2\x81x\xC5\x93\xC2\x9D\xC5\xB8");
	CONVERT_EQ("\x93\x9D\x94", "iso-8859-1", "\xE2\x80\x9C\xC2\x9D\xE2\x80\x9D");
	/* the same holes in other Windows pages; other holes are U+FFFD */
	CONVERT_EQ("\x81\xAA\xC1", "windows-1253", "\xC2\x81" REPL "\xCE\x91");
	CONVERT_EQ("\x81\xDB\xA1", "windows-874", "\xC2\x81" REPL "\xE0\xB8\x81");
}

static void
test_stateful(void **state)
{
	(void)state;
	/* ISO-2022-JP: the shift state survives an error */
	CONVERT_EQ("\x1B$B$3$s$K$A$O\x1B(B!", "iso-2022-jp",
	           "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF!");
	CONVERT_EQ("\x1B$B$3\xFF$s\x1B(B!", "iso-2022-jp", "\xE3\x81\x93" REPL "\xE3\x82\x93!");
	/* CP1255 holds a letter back: the repair must not overtake it */
	CONVERT_EQ("\xE0\x81\xE1", "windows-1255", "\xD7\x90\xC2\x81\xD7\x91");
	CONVERT_EQ("\xE0\xFF", "windows-1255", "\xD7\x90" REPL);
	CONVERT_EQ("\xCA", "windows-1255", "\xD6\xBA");
	/* bet + dagesh: glibc composes U+FB31, NFC gives the letter and the point back */
	CONVERT_EQ("\xE1\xCC", "windows-1255", "\xD7\x91\xD6\xBC");
	/* CP1258: a + combining acute, in NFC */
	CONVERT_EQ("a\xEC\x81", "windows-1258", "\xC3\xA1\xC2\x81");
	/* Big5-HKSCS pairs: one code gives two code points */
	CONVERT_EQ("\x88\x62x", "big5", "\xC3\x8A\xCC\x84x");
}

/* Why an encoding was chosen. */
static enum charset_by
sniff_by(const char *s, size_t len, const char *hint, char name[32])
{
	enum charset_by by = (enum charset_by) - 1;

	charset_sniff(s, len, hint, name, &by);
	return by;
}

/*
 * The same article in each legacy charset, without any declaration:
 * uchardet names it, and it converts back to the UTF-8 original exactly.
 */
static void
test_undeclared(void **state)
{
	static const struct {
		const char *file, *orig, *want;
	} fx[] = {
	    {"ru-koi8r.txt", "ru.txt", "koi8-r"},      {"ru-1251.txt", "ru.txt", "windows-1251"},
	    {"ar-1256.txt", "ar.txt", "windows-1256"}, {"el-8859-7.txt", "el.txt", "iso-8859-7"},
	    {"zh-gb18030.txt", "zh.txt", "gb18030"},   {"ja-sjis.txt", "ja.txt", "shift_jis"},
	    {"ko-euckr.txt", "ko.txt", "euc-kr"},      {"tw-big5.txt", "tw.txt", "big5"},
	};
	char rel[256], name[32], decl[512];
	size_t i, len, wantlen, outlen;
	char *in, *want, *out, *xml;

	(void)state;
	for (i = 0; i < sizeof(fx) / sizeof(fx[0]); i++) {
		snprintf(rel, sizeof(rel), "extract/charset/undeclared/%s", fx[i].file);
		in = slurp(rel, &len);
		snprintf(rel, sizeof(rel), "extract/charset/undeclared/%s", fx[i].orig);
		want = slurp(rel, &wantlen);
		if (sniff_by(in, len, NULL, name) != CHARSET_BY_DETECTED ||
		    strcmp(name, fx[i].want) != 0)
			fail_msg("%s: sniffed %s, want %s detected", fx[i].file, name, fx[i].want);
		out = charset_to_utf8(in, len, name, &outlen);
		assert_non_null(out);
		if (outlen != wantlen || memcmp(out, want, wantlen) != 0)
			fail_msg("%s: converted text differs from %s", fx[i].file, fx[i].orig);
		free(out);
		/* an unknown label is no declaration: detection still decides */
		snprintf(decl, sizeof(decl), "<?xml version=\"1.0\" encoding=\"invalid\"?>\n");
		xml = malloc(strlen(decl) + len);
		assert_non_null(xml);
		memcpy(xml, decl, strlen(decl));
		memcpy(xml + strlen(decl), in, len);
		assert_int_equal(sniff_by(xml, strlen(decl) + len, "x-unknown", name),
		                 CHARSET_BY_DETECTED);
		assert_string_equal(name, fx[i].want);
		/* a declaration, right or wrong, is believed: the bytes are not UTF-8 */
		assert_int_equal(sniff_by(in, len, fx[i].want, name), CHARSET_BY_DECLARED);
		assert_string_equal(name, fx[i].want);
		assert_int_equal(sniff_by(in, len, "text/plain; charset=windows-1252", name),
		                 CHARSET_BY_DECLARED);
		assert_string_equal(name, "windows-1252");
		/* the UTF-8 original declared in a single-byte charset is UTF-8 */
		assert_int_equal(sniff_by(want, wantlen, fx[i].want, name),
		                 strchr("rae", fx[i].file[0]) != NULL ? CHARSET_BY_UTF8
		                                                      : CHARSET_BY_DECLARED);
		free(xml);
		free(in);
		free(want);
	}
}

/* Convert bytes that sniff as UTF-8 with single-byte runs; check the runs' charset. */
static void
mixed_eq(const char *in, size_t len, const char *legacy, size_t nlegacy, const char *want)
{
	char name[32], lg[32];
	size_t outlen = 12345, n = 12345;
	char *out;

	assert_int_equal(sniff_by(in, len, NULL, name), CHARSET_BY_MIXED);
	assert_string_equal(name, "utf-8");
	out = charset_mixed_to_utf8(in, len, lg, &n, &outlen);
	assert_non_null(out);
	assert_string_equal(lg, legacy);
	assert_int_equal(n, nlegacy);
	assert_int_equal(outlen, strlen(want));
	assert_string_equal(out, want);
	free(out);
}

#define MIXED_EQ(in, legacy, n, want) mixed_eq(in, sizeof(in) - 1, legacy, n, want)

/*
 * UTF-8 with Latin-1 pasted in: the UTF-8 letters stay what they are, the
 * pasted ones are read in windows-1252, so both halves match; a file all in
 * one legacy charset, or all UTF-8, is read as before.
 */
static void
test_mixed(void **state)
{
	/* a UTF-8 sentence, then a Latin-1 one twice: 10 invalid bytes, 8 sequences */
	static const char doc[] =
	    "R\xC3\xA9union \xC3\xA0 Gen\xC3\xA8ve : H\xC3\xA9l\xC3\xA8ne Moreau, "
	    "pr\xC3\xA9sidente, a salu\xC3\xA9 l'accord \xC2\xAB sign\xC3\xA9 \xC2\xBB.\n"
	    "D\xE9j\xE0 H\xE9l\xE8ne parl\xE9.\nD\xE9j\xE0 H\xE9l\xE8ne parl\xE9.\n";
	static const char doc8[] =
	    "R\xC3\xA9union \xC3\xA0 Gen\xC3\xA8ve : H\xC3\xA9l\xC3\xA8ne Moreau, "
	    "pr\xC3\xA9sidente, a salu\xC3\xA9 l'accord \xC2\xAB sign\xC3\xA9 \xC2\xBB.\n"
	    "D\xC3\xA9j\xC3\xA0 H\xC3\xA9l\xC3\xA8ne parl\xC3\xA9.\n"
	    "D\xC3\xA9j\xC3\xA0 H\xC3\xA9l\xC3\xA8ne parl\xC3\xA9.\n";
	/* the same article in Latin-1 throughout */
	static const char latin[] =
	    "R\xE9union \xE0 Gen\xE8ve : H\xE9l\xE8ne Moreau, "
	    "pr\xE9sidente, a salu\xE9 l'accord \xAB sign\xE9 \xBB.\n"
	    "D\xE9j\xE0 H\xE9l\xE8ne parl\xE9.\nD\xE9j\xE0 H\xE9l\xE8ne parl\xE9.\n";
	/*
	 * German in windows-1252 where "ß“" happens to form a valid sequence
	 * (U+07D3): one chance sequence among 12 invalid bytes is no evidence.
	 */
	static const char german[] = "Der Gru\xDF\x93 kam aus M\xFCnchen: J\xFCrgen M\xFCller, "
	                             "B\xFCrgermeister, \xE4u\xDF"
	                             "erte sich \xFC"
	                             "ber die Stra\xDF"
	                             "e, das B\xFCro und die Gr\xF6\xDF"
	                             "e.\n";
	char name[32], *ar, *in, *want;
	size_t len, wantlen, n;

	(void)state;
	mixed_eq(doc, sizeof(doc) - 1, "windows-1252", 10, doc8);
	assert_int_equal(sniff_by(latin, sizeof(latin) - 1, NULL, name), CHARSET_BY_DETECTED);
	assert_string_equal(name, "windows-1252");
	assert_int_equal(sniff_by(doc8, sizeof(doc8) - 1, NULL, name), CHARSET_BY_UTF8);
	assert_int_not_equal(sniff_by(german, sizeof(german) - 1, NULL, name), CHARSET_BY_MIXED);
	assert_string_not_equal(name, "utf-8");
	/* few letters: 2 in UTF-8, 3 in Latin-1 (was windows-1250 whole) */
	MIXED_EQ("Caf\xC3\xA9 cr\xC3\xA8me, d\xE9j\xE0 vu \xE0 Paris", "windows-1252", 3,
	         "Caf\xC3\xA9 cr\xC3\xA8me, d\xC3\xA9j\xC3\xA0 vu \xC3\xA0 Paris");
	/*
	 * one stray byte, a word of one letter: no evidence of Latin-1 (no
	 * longer word is), so an invalid byte, U+FFFD (hark.rules(5), Decode);
	 * a byte windows-1252 leaves undefined is U+FFFD
	 */
	MIXED_EQ("Gen\xC3\xA8ve \xE0 Z\xC3\xBCrich", "windows-1252", 0,
	         "Gen\xC3\xA8ve " REPL " Z\xC3\xBCrich");
	MIXED_EQ("Gen\xC3\xA8ve \x81 et Z\xC3\xBCrich", "windows-1252", 0,
	         "Gen\xC3\xA8ve " REPL " et Z\xC3\xBCrich");
	/*
	 * Damaged UTF-8 is U+FFFD, not "â€", "À¯" or "ÿ": a sequence cut short,
	 * an overlong one, a byte in a word that holds UTF-8
	 */
	MIXED_EQ("Gen\xC3\xA8ve \xE2\x80 et Z\xC3\xBCrich", "windows-1252", 0,
	         "Gen\xC3\xA8ve " REPL REPL " et Z\xC3\xBCrich");
	MIXED_EQ("Gen\xC3\xA8ve a\xC0\xAF"
	         "b Z\xC3\xBCrich",
	         "windows-1252", 0, "Gen\xC3\xA8ve a" REPL REPL "b Z\xC3\xBCrich");
	MIXED_EQ("Gen\xC3\xA8ve\xFFZ\xC3\xBCrich \xE0 Z\xC3\xBCrich", "windows-1252", 0,
	         "Gen\xC3\xA8ve" REPL "Z\xC3\xBCrich " REPL " Z\xC3\xBCrich");
	/* the same lone letter beside a longer Latin-1 word is read with it */
	MIXED_EQ("Gen\xC3\xA8ve \xE0 Gen\xE8ve", "windows-1252", 2,
	         "Gen\xC3\xA8ve \xC3\xA0 Gen\xC3\xA8ve");
	/*
	 * Ukrainian in windows-1251 pasted into UTF-8: its letters pair by chance
	 * into valid ("\xC2\xB3" in "Він") or cut ("\xEF\xB3" in "пізно")
	 * sequences, read as the letters they are, the guillemets too
	 */
	MIXED_EQ(
	    "\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2, \xD0\xB2\xD1\x96\xD0\xB2\xD1\x82\xD0\xBE\xD1\x80"
	    "\xD0\xBE\xD0\xBA. \xD0\x9C\xD1\x96\xD0\xBD\xD1\x96\xD1\x81\xD1\x82\xD1\x80 "
	    "\xD0\xB3\xD0\xBE\xD0\xB2\xD0\xBE\xD1\x80\xD0\xB8\xD0\xB2 \xD0\xBF\xD1\x80\xD0\xBE "
	    "\xD1\x83\xD0\xB3\xD0\xBE\xD0\xB4\xD1\x83.\n\xC2\xB3\xED \xF1\xEA\xE0\xE7\xE0\xE2: "
	    "\xAB\xEF\xB3\xE7\xED\xEE\xBB.",
	    "windows-1251", 16,
	    "\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2, \xD0\xB2\xD1\x96\xD0\xB2\xD1\x82\xD0\xBE\xD1\x80"
	    "\xD0\xBE\xD0\xBA. \xD0\x9C\xD1\x96\xD0\xBD\xD1\x96\xD1\x81\xD1\x82\xD1\x80 "
	    "\xD0\xB3\xD0\xBE\xD0\xB2\xD0\xBE\xD1\x80\xD0\xB8\xD0\xB2 \xD0\xBF\xD1\x80\xD0\xBE "
	    "\xD1\x83\xD0\xB3\xD0\xBE\xD0\xB4\xD1\x83.\n\xD0\x92\xD1\x96\xD0\xBD "
	    "\xD1\x81\xD0\xBA\xD0\xB0\xD0\xB7\xD0\xB0\xD0\xB2: "
	    "\xC2\xAB\xD0\xBF\xD1\x96\xD0\xB7\xD0\xBD\xD0\xBE\xC2\xBB.");
	/* Arabic in UTF-8 with a sentence in windows-1256 pasted in */
	in = slurp("extract/charset/undeclared/ar.txt", &len);
	want = slurp("extract/charset/undeclared/ar-1256.txt", &wantlen);
	ar = malloc(len + 1 + 60);
	assert_non_null(ar);
	memcpy(ar, in, len);
	ar[len] = '\n';
	n = wantlen < 60 ? wantlen : 60;
	while (n > 0 && (unsigned char)want[n] >= 0x80) /* end on a whole word */
		n--;
	memcpy(ar + len + 1, want, n);
	{
		char lg[32];
		size_t nl, outlen;
		char *out = charset_mixed_to_utf8(ar, len + 1 + n, lg, &nl, &outlen);
		char *part = charset_to_utf8(want, n, "windows-1256", &wantlen);

		assert_int_equal(sniff_by(ar, len + 1 + n, NULL, name), CHARSET_BY_MIXED);
		assert_non_null(out);
		assert_non_null(part);
		assert_string_equal(lg, "windows-1256");
		assert_true(nl > 10);
		assert_int_equal(outlen, len + 1 + wantlen);
		assert_memory_equal(out, in, len);
		assert_memory_equal(out + len + 1, part, wantlen);
		free(out);
		free(part);
	}
	free(ar);
	free(in);
	free(want);
	assert_string_equal(charset_by_name(CHARSET_BY_MIXED), "mixed");
}

/* Declared single-byte, written in UTF-8: "CafÃ©" must not happen. */
static void
test_declared_but_utf8(void **state)
{
	static const char page[] = "<meta charset=iso-8859-1><p>Caf\xC3\xA9 \xC3\xA0 Gen\xC3\xA8ve";
	static const char latin[] = "<meta charset=iso-8859-1><p>Caf\xE9 \xE0 Gen\xE8ve";
	const char *body = strchr(page, '>') + 1;
	char name[32];

	(void)state;
	assert_int_equal(sniff_by(page, sizeof(page) - 1, NULL, name), CHARSET_BY_UTF8);
	assert_string_equal(name, "utf-8");
	assert_int_equal(sniff_by(body, strlen(body), "windows-1252", name), CHARSET_BY_UTF8);
	assert_string_equal(name, "utf-8");
	assert_int_equal(sniff_by(latin, sizeof(latin) - 1, NULL, name), CHARSET_BY_DECLARED);
	assert_string_equal(name, "windows-1252");
	/* ASCII declared Latin-1 stays what it says */
	assert_int_equal(sniff_by("plain", 5, "iso-8859-1", name), CHARSET_BY_DECLARED);
	assert_string_equal(name, "windows-1252");
	/* a multi-byte declaration is believed */
	assert_int_equal(sniff_by(body, strlen(body), "shift_jis", name), CHARSET_BY_DECLARED);
	/* the other reasons */
	assert_int_equal(sniff_by("\xEF\xBB\xBF"
	                          "abc",
	                          6, NULL, name),
	                 CHARSET_BY_BOM);
	assert_int_equal(sniff_by("abc \xC3\xA9", 6, NULL, name), CHARSET_BY_UTF8);
	/* a few accented letters are too little to go on: the WHATWG default */
	assert_int_equal(sniff_by("Caf\xE9", 4, NULL, name), CHARSET_BY_FALLBACK);
	assert_string_equal(name, "windows-1252");
	assert_string_equal(charset_by_name(CHARSET_BY_DETECTED), "detected");
	assert_string_equal(charset_by_name(CHARSET_BY_FALLBACK), "fallback");
	assert_int_equal(charset_lookup("Latin1", name), 0);
	assert_string_equal(name, "windows-1252");
	assert_int_equal(charset_lookup("x-klingon", name), -1);
}

/*
 * Declared UTF-8 inside the document, written in windows-1252 (a template's
 * <meta>, a CMS's XML declaration): read as if nothing were declared, as
 * feedparser falls back from a declaration that does not decode.
 */
static void
test_declared_utf8_not(void **state)
{
	static const char xml[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss><title>Ren\xE9 "
	                          "Vasseur \x96 Zo\xEB</title></rss>";
	static const char meta[] = "<meta charset=\"utf-8\"><p>Ren\xE9 Vasseur</p>";
	static const char mostly[] =
	    "<meta charset=utf-8><p>Ren\xC3\xA9 \xC3\xA0 Gen\xC3\xA8ve \x96";
	char name[32];

	(void)state;
	assert_int_equal(sniff_by(xml, sizeof(xml) - 1, NULL, name), CHARSET_BY_FALLBACK);
	assert_string_equal(name, "windows-1252");
	assert_int_equal(sniff_by(meta, sizeof(meta) - 1, NULL, name), CHARSET_BY_FALLBACK);
	assert_string_equal(name, "windows-1252");
	/* mostly UTF-8, a stray byte: still UTF-8 */
	assert_int_equal(sniff_by(mostly, sizeof(mostly) - 1, NULL, name), CHARSET_BY_DECLARED);
	assert_string_equal(name, "utf-8");
	/* valid UTF-8 as declared */
	assert_int_equal(sniff_by("<meta charset=utf-8>Ren\xC3\xA9", 25, NULL, name),
	                 CHARSET_BY_DECLARED);
	/* the transport's UTF-8 stands: its errors are replaced */
	assert_int_equal(sniff_by(meta + 22, sizeof(meta) - 23, "text/html; charset=utf-8", name),
	                 CHARSET_BY_DECLARED);
	assert_string_equal(name, "utf-8");
}

static void
test_unknown(void **state)
{
	size_t outlen = 7;

	(void)state;
	errno = 0;
	assert_null(charset_to_utf8("abc", 3, "x-klingon", &outlen));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(charset_to_utf8("abc", 3, "", &outlen));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(charset_to_utf8("abc", 3, NULL, &outlen));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(charset_to_utf8("", 0, "utf-7", &outlen));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(outlen, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixtures),
	    cmocka_unit_test(test_bom),
	    cmocka_unit_test(test_utf16_pattern),
	    cmocka_unit_test(test_utf16_guess),
	    cmocka_unit_test(test_utf16_guess_scripts),
	    cmocka_unit_test(test_meta_limit),
	    cmocka_unit_test(test_hint),
	    cmocka_unit_test(test_labels),
	    cmocka_unit_test(test_meta_forms),
	    cmocka_unit_test(test_xml_decl),
	    cmocka_unit_test(test_xml_declared),
	    cmocka_unit_test(test_fallback),
	    cmocka_unit_test(test_invalid_bytes),
	    cmocka_unit_test(test_utf16_errors),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_1252_undefined),
	    cmocka_unit_test(test_stateful),
	    cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_undeclared),
	    cmocka_unit_test(test_declared_but_utf8),
	    cmocka_unit_test(test_mixed),
	    cmocka_unit_test(test_declared_utf8_not),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
