/* lang.h: language identification. */
#ifndef HARK_LANG_H
#define HARK_LANG_H

#include <stddef.h>

/*
 * Guess the ISO 639-1 language of text from its letters' scripts alone (no
 * CLD2: cheap, for plain text files): Arabic script (Persian letters for fa,
 * Urdu for ur, else ar), Hebrew, Greek, Cyrillic (Ukrainian letters for uk,
 * else ru), Han (zh), Kana (ja), Hangul (ko), Thai... Writes "" when the
 * script does not tell (Latin): statistical identification decides those.
 */
void lang_guess_script(const char *text, size_t len, char out[8]);

/*
 * The language of an article, ISO 639-1 in out ("" when unknown): by script
 * first (of the body, or of the title when the body has few letters), then
 * CLD2 on title and body for the scripts several languages share (Latin,
 * Arabic, Cyrillic, Hebrew...), and where CLD2 is not sure, the letters only
 * one language of the script uses. hint is the declared language (<html
 * lang>, front matter, feed; "fr", "fr-CA", "French"...), a hint to CLD2 and
 * not the answer; it is used only when the text is too short or too mixed
 * to tell. title and hint may be NULL. lang_decide() without a prior.
 */
void lang_identify(const char *title, size_t tlen, const char *body, size_t blen, const char *hint,
                   char out[8]);

/* How lang_decide() chose. */
enum lang_by {
	LANG_BY_NONE,     /* no language (out is "") */
	LANG_BY_DECLARED, /* the declared language: CLD2 was not sure of another */
	LANG_BY_CLD2,     /* CLD2, sure of it (or its best guess, without a prior) */
	LANG_BY_SCRIPT,   /* the script's letters: Greek, Hangul..., Persian گ, Ukrainian ї */
	LANG_BY_PRIOR     /* CLD2 unsure: the configured language of the script it prefers */
};
/* "declared", "cld2", "script", "prior"; NULL for LANG_BY_NONE. */
const char *lang_by_name(enum lang_by by);

#define LANG_PRIOR_MAX 256 /* bytes of a prior, "en fr ar" (85 languages) */

/*
 * lang_identify() with a prior: prior, the languages the configuration
 * expects ([hark] languages: space-separated ISO 639-1 codes; NULL or ""
 * for none), reaches CLD2 as hints, those of the text's script only. Where
 * CLD2 is not sure (and a short text's answer outside the prior is not
 * sure) and no language is declared, the answer is one of the configured
 * languages of the text's script (its letters', else the one CLD2 prefers
 * when favoured), or "" rather than a guess outside them. Without a prior,
 * the same as lang_identify(). Returns how the language was decided.
 */
enum lang_by lang_decide(const char *title, size_t tlen, const char *body, size_t blen,
                         const char *hint, const char *prior, char out[8]);

/* 1 when code is an ISO 639-1 code CLD2 can name: a valid [hark] languages entry. */
int lang_prior_ok(const char *code);

/*
 * Whether code (two lower-case letters) can be a document's language: 0
 * when hark identifies text in it; 1 when it is ISO 639-1 but CLD2 does not
 * know it (a document is in it only when it says so: a declared language,
 * hark match --lang); -1 when it is no ISO 639-1 code (no document is ever
 * in it). For 1 and -1, why gets the cause for the user, naming the code
 * meant when the mistake is a common one (a country's code, a withdrawn
 * one): "'jp' is not an ISO 639-1 language code (Japanese is 'ja')"; the
 * caller says what follows.
 */
int lang_code_check(const char *code, char *why, size_t whysz);

#endif
