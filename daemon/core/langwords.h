/*
 * langwords.h: the function words of Latin-script languages (articles,
 * prepositions, conjunctions, French elisions), the evidence a short text
 * gives of its language when its names outweigh its words for CLD2
 * ("La veuve d'Alexeï Navalny... accuse le Kremlin" reads as Slovenian).
 */
#ifndef HARK_LANGWORDS_H
#define HARK_LANGWORDS_H

#include <stddef.h>

#define LANGWORDS_SCAN_MAX 2048 /* bytes of text counted: short texts are what they are for */
#define LANGWORDS_NLANGS 26

/* How many function words of each language of the table the text holds. */
struct langwords {
	unsigned n[LANGWORDS_NLANGS];
};

/*
 * Count the function words of the first LANGWORDS_SCAN_MAX bytes of text
 * (valid UTF-8) into w: words compared in lower case, a one-letter word only
 * as written in lower case (an initial is no article), an elided article
 * ("d'", "l'", "qu'", before a letter) as itself.
 */
void langwords_count(const char *text, size_t len, struct langwords *w);

/* The function words of code (ISO 639-1) counted in w; -1 when the table has no list for it. */
int langwords_of(const struct langwords *w, const char *code);

/*
 * The language among cands (space-separated ISO 639-1 codes) whose function
 * words the text holds clearly most of: at least min of them, and more than
 * twice as many as any other of cands. "" in out when none.
 */
void langwords_pick(const struct langwords *w, const char *cands, unsigned min, char out[8]);

/*
 * The language among cands (as for langwords_pick(); NULL for every
 * language of the table) whose function words the text holds most of, at
 * least min: the first of them in a tie. "" in out when none.
 */
void langwords_lead(const struct langwords *w, const char *cands, unsigned min, char out[8]);

/*
 * text with its names left out, for CLD2 to read the words around them:
 * every word that starts with a capital letter and is no function word
 * becomes a space. out holds len bytes at least; returns the bytes written.
 */
size_t langwords_unnamed(const char *text, size_t len, char *out);

/* 1 when the table of function words is in the order its search needs (a test's check). */
int langwords_sorted(void);

#endif
