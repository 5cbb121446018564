/*
 * charset.h: which encoding a document's bytes are in, and the conversion
 * to UTF-8 (iconv from glibc).
 */
#ifndef HARK_CHARSET_H
#define HARK_CHARSET_H

#include <stddef.h>

/* Why charset_sniff() chose an encoding ("charset_by" in hark extract --json). */
enum charset_by {
	CHARSET_BY_BOM,      /* a byte order mark */
	CHARSET_BY_DECLARED, /* the transport, a <meta>, the XML declaration, the user */
	CHARSET_BY_UTF8,     /* the bytes are UTF-8 (whatever a declaration said) */
	CHARSET_BY_DETECTED, /* uchardet's statistical guess */
	CHARSET_BY_FALLBACK, /* windows-1252, the WHATWG default */
	CHARSET_BY_MIXED     /* UTF-8 with runs of a single-byte charset: charset_mixed_to_utf8() */
};
/* "bom", "declared", "utf8", "detected", "fallback", "mixed". */
const char *charset_by_name(enum charset_by by);

/*
 * Decide the encoding of bytes, in this order: a byte order mark (UTF-8,
 * UTF-16LE/BE, and UTF-32 when iconv has it); hint, the transport's charset
 * (HTTP Content-Type, may be NULL); <meta charset> or <meta http-equiv
 * content="...charset=..."> in the first 1024 bytes; the XML declaration's
 * encoding; valid UTF-8 as is; UTF-8 with runs of another charset pasted
 * in (CHARSET_BY_MIXED, name "utf-8": decode with charset_mixed_to_utf8());
 * uchardet's guess when the text has enough
 * non-ASCII bytes to go on; otherwise windows-1252 (the WHATWG default).
 * A declared single-byte encoding whose bytes are UTF-8 with multi-byte
 * sequences is UTF-8 (as feedparser and Miniflux read it: "CafÃ©" must
 * never reach the matcher), and UTF-8 declared by a <meta> or the XML
 * declaration of bytes that are not UTF-8 (nor mostly) is read as if
 * nothing were declared, uchardet's guess else windows-1252 ("Ren\xE9" must
 * not become "Ren\uFFFD"; the transport's UTF-8 stands, errors replaced);
 * an unknown label is ignored. Labels map to
 * WHATWG names as browsers do ("latin1", "iso-8859-1" and "ascii" are
 * windows-1252; "utf-16" in a meta is utf-8...). Writes the lower-case name
 * (e.g. "utf-8", "windows-1256", "gb18030") into name, why into *by (may
 * be NULL), and returns the length of the BOM to skip (0 when none).
 */
size_t charset_sniff(const char *bytes, size_t len, const char *hint, char name[32],
                     enum charset_by *by);

/*
 * The encoding the XML declaration at the start of bytes names (its WHATWG
 * name, as charset_sniff() reads it) into name: 0, or -1 when there is no
 * declaration or it names no known encoding. For saying why a charset was
 * chosen: charset_sniff()'s CHARSET_BY_DECLARED covers several sources.
 */
int charset_xml_declared(const char *bytes, size_t len, char name[32]);

/*
 * The WHATWG name of label ("Latin1" → "windows-1252") into name: 0, or -1
 * when no encoding has that label. For a user's --charset.
 */
int charset_lookup(const char *label, char name[32]);

/*
 * Convert bytes in charset to UTF-8 with iconv; every invalid or
 * incomplete sequence becomes U+FFFD and conversion goes on. Returns a
 * malloc'd NUL-terminated buffer owned by the caller, its length in *outlen;
 * NULL with errno EINVAL when iconv does not know the charset, ENOMEM.
 */
char *charset_to_utf8(const char *bytes, size_t len, const char *charset, size_t *outlen);

/*
 * Decode bytes that charset_sniff() found to be UTF-8 with runs of invalid
 * bytes (CHARSET_BY_MIXED): the UTF-8 as it is, and the runs in the
 * single-byte encoding uchardet names for the text the runs are in
 * (windows-1252 when it names none, or one that is not single-byte), a word
 * at a time: a word whose invalid bytes are few beside its UTF-8 and that
 * the encoding does not read as letters is damaged UTF-8 (U+FFFD for each
 * invalid byte). A byte the encoding makes a C1 control or leaves
 * undefined, and a cut or overlong UTF-8 sequence it does not read as
 * letters, become U+FFFD. The encoding's name goes into legacy, the number of bytes read
 * in it into *nlegacy. Returns a malloc'd NUL-terminated NFC buffer owned
 * by the caller, its length in *outlen; NULL with errno ENOMEM.
 */
char *charset_mixed_to_utf8(const char *bytes, size_t len, char legacy[32], size_t *nlegacy,
                            size_t *outlen);

/*
 * "utf-16le" or "utf-16be" when the first 4 KiB of bytes read as text in
 * UTF-16 without a byte order mark: in that byte order hardly a unit is no
 * text (U+0000, controls, unpaired surrogates, unassigned, private use), and
 * the high bytes take few values (those of one alphabet's block and 0x00:
 * Latin, Cyrillic, Arabic...) or, for CJK, the NULs of its ASCII fall
 * mostly at one parity. Else NULL (binary files: runs of U+0000, random bytes).
 * A hint for text refused for its NUL bytes.
 */
const char *charset_utf16_guess(const char *bytes, size_t len);

/*
 * Whether label names an encoding charset_sniff() takes as a hint (a
 * WHATWG label, any case, blanks around ignored): "latin1", "koi8-r"...
 */
int charset_known(const char *label);

#endif
