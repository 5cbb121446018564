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

#endif
