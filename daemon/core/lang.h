/* lang.h: language identification. */
#ifndef HARK_LANG_H
#define HARK_LANG_H

#include <stddef.h>

/*
 * Guess the ISO 639-1 language of text from its letters' scripts: Arabic
 * script (Persian letters for fa, Urdu for ur), Hebrew, Greek, Cyrillic
 * (ru), Han (zh), Kana (ja), Hangul (ko), Thai... Writes "" when the script
 * does not tell (Latin): statistical identification decides those.
 */
void lang_guess_script(const char *text, size_t len, char out[8]);

/*
 * The language of an article, ISO 639-1 in out ("" when unknown): by script
 * first (lang_guess_script() on the body, then the title), then CLD2 on
 * title and body for scripts many languages share. hint is the declared
 * language (<html lang>, front matter, feed; "fr", "fr-CA", "French"...), a
 * hint to CLD2 and not the answer; it is used only when the text is too
 * short or too mixed to tell. title and hint may be NULL.
 */
void lang_identify(const char *title, size_t tlen, const char *body, size_t blen,
                   const char *hint, char out[8]);

#endif
