/*
 * Unit tests for simhash.c: the same text, the same article under other
 * case, accents, punctuation and spacing, one word changed, unrelated
 * articles in three languages, texts without tokens or too short for a
 * shingle, pinned hashes so that a change in the hashing is noticed, and
 * the values of the implementation before the byte-lane votes on many texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "simhash.h"
#include "token.h"

/* about 300 words: a town votes to restore its bridge */
static const char article_fr[] =
    "Le conseil municipal de Saint-Aubin-sur-Loire a voté mardi soir, après trois "
    "heures de débats parfois vifs, la rénovation complète du vieux pont de pierre "
    "qui relie le bourg à la rive gauche depuis 1847. Les travaux, estimés à quatre "
    "millions d'euros, commenceront au printemps et devraient durer dix-huit mois. "
    "Pendant cette période, la circulation des voitures sera interdite, mais une "
    "passerelle provisoire permettra aux piétons et aux cyclistes de franchir le "
    "fleuve.\n"
    "Le maire, Hélène Garnier, a rappelé que des fissures inquiétantes avaient été "
    "relevées lors de la dernière inspection des services de l'État. « Nous ne "
    "pouvions plus attendre. La sécurité des habitants passe avant tout, et ce pont "
    "fait partie de notre histoire », a-t-elle déclaré devant une salle comble. "
    "L'opposition a dénoncé un calendrier trop serré et réclamé une étude "
    "indépendante sur le coût réel du chantier, jugeant que les devis présentés en "
    "commission restaient flous.\n"
    "Les commerçants du centre redoutent une baisse de fréquentation. Le boulanger "
    "de la place de l'Église, installé depuis vingt ans, craint de perdre une "
    "partie de sa clientèle venue de l'autre rive. « Le matin, la moitié de mes "
    "clients traversent le pont en voiture pour aller travailler. Avec un détour de "
    "quinze kilomètres, beaucoup ne s'arrêteront plus », explique-t-il. La "
    "municipalité promet une navette gratuite toutes les vingt minutes aux heures "
    "de pointe et une aide exceptionnelle pour les boutiques les plus touchées.\n"
    "Le financement reposera en grande partie sur la région et le département, qui "
    "ont déjà confirmé leur participation. Une souscription publique sera également "
    "lancée cet hiver auprès des habitants attachés au patrimoine local. Les "
    "archives de la commune conservent les plans originaux dessinés par l'ingénieur "
    "Auguste Lemoine, que les architectes consultent pour respecter l'aspect "
    "d'origine des arches. Une réunion d'information aura lieu le quinze novembre à "
    "la salle des fêtes, et les riverains pourront y poser leurs questions aux "
    "entreprises retenues.";

/* the same in capitals, without accents, commas or guillemets, spaced out */
static const char article_fr_variant[] =
    "LE  CONSEIL  MUNICIPAL  DE  SAINT-AUBIN-SUR-LOIRE  A  VOTE  MARDI  SOIR  APRES "
    "TROIS  HEURES  DE  DEBATS  PARFOIS  VIFS  LA  RENOVATION  COMPLETE  DU  VIEUX  "
    "PONT  DE  PIERRE  QUI  RELIE  LE  BOURG  A  LA  RIVE  GAUCHE  DEPUIS  1847  .  "
    "LES  TRAVAUX  ESTIMES  A  QUATRE  MILLIONS  D'EUROS  COMMENCERONT  AU  "
    "PRINTEMPS  ET  DEVRAIENT  DURER  DIX-HUIT  MOIS  .      PENDANT  CETTE  "
    "PERIODE  LA  CIRCULATION  DES  VOITURES  SERA  INTERDITE  MAIS  UNE  "
    "PASSERELLE  PROVISOIRE  PERMETTRA  AUX  PIETONS  ET  AUX  CYCLISTES  DE  "
    "FRANCHIR  LE  FLEUVE  .    \n"
    "\n"
    "LE  MAIRE  HELENE  GARNIER  A  RAPPELE  QUE  DES  FISSURES  INQUIETANTES  "
    "AVAIENT  ETE  RELEVEES  LORS  DE  LA  DERNIERE  INSPECTION  DES  SERVICES  DE  "
    "L'ETAT  .      \"  NOUS  NE  POUVIONS  PLUS  ATTENDRE  .      LA  SECURITE  DES "
    "HABITANTS  PASSE  AVANT  TOUT  ET  CE  PONT  FAIT  PARTIE  DE  NOTRE  HISTOIRE "
    "\"  A-T-ELLE  DECLARE  DEVANT  UNE  SALLE  COMBLE  .      L'OPPOSITION  A  "
    "DENONCE  UN  CALENDRIER  TROP  SERRE  ET  RECLAME  UNE  ETUDE  INDEPENDANTE  "
    "SUR  LE  COUT  REEL  DU  CHANTIER  JUGEANT  QUE  LES  DEVIS  PRESENTES  EN  "
    "COMMISSION  RESTAIENT  FLOUS  .    \n"
    "\n"
    "LES  COMMERCANTS  DU  CENTRE  REDOUTENT  UNE  BAISSE  DE  FREQUENTATION  .     "
    "LE  BOULANGER  DE  LA  PLACE  DE  L'EGLISE  INSTALLE  DEPUIS  VINGT  ANS  "
    "CRAINT  DE  PERDRE  UNE  PARTIE  DE  SA  CLIENTELE  VENUE  DE  L'AUTRE  RIVE  "
    ".      \"  LE  MATIN  LA  MOITIE  DE  MES  CLIENTS  TRAVERSENT  LE  PONT  EN  "
    "VOITURE  POUR  ALLER  TRAVAILLER  .      AVEC  UN  DETOUR  DE  QUINZE  "
    "KILOMETRES  BEAUCOUP  NE  S'ARRETERONT  PLUS  \"  EXPLIQUE-T-IL  .      LA  "
    "MUNICIPALITE  PROMET  UNE  NAVETTE  GRATUITE  TOUTES  LES  VINGT  MINUTES  AUX "
    "HEURES  DE  POINTE  ET  UNE  AIDE  EXCEPTIONNELLE  POUR  LES  BOUTIQUES  LES  "
    "PLUS  TOUCHEES  .    \n"
    "\n"
    "LE  FINANCEMENT  REPOSERA  EN  GRANDE  PARTIE  SUR  LA  REGION  ET  LE  "
    "DEPARTEMENT  QUI  ONT  DEJA  CONFIRME  LEUR  PARTICIPATION  .      UNE  "
    "SOUSCRIPTION  PUBLIQUE  SERA  EGALEMENT  LANCEE  CET  HIVER  AUPRES  DES  "
    "HABITANTS  ATTACHES  AU  PATRIMOINE  LOCAL  .      LES  ARCHIVES  DE  LA  "
    "COMMUNE  CONSERVENT  LES  PLANS  ORIGINAUX  DESSINES  PAR  L'INGENIEUR  "
    "AUGUSTE  LEMOINE  QUE  LES  ARCHITECTES  CONSULTENT  POUR  RESPECTER  L'ASPECT "
    "D'ORIGINE  DES  ARCHES  .      UNE  REUNION  D'INFORMATION  AURA  LIEU  LE  "
    "QUINZE  NOVEMBRE  A  LA  SALLE  DES  FETES  ET  LES  RIVERAINS  POURRONT  Y  "
    "POSER  LEURS  QUESTIONS  AUX  ENTREPRISES  RETENUES  .    \n"
    "\n";

/* unrelated: seals tracked at sea */
static const char article_en[] =
    "Researchers at a marine station on the northern coast have tracked a group of "
    "grey seals that travelled more than six hundred miles in a single month, far "
    "beyond the range scientists had assumed for the species. Small satellite tags "
    "glued to the animals' fur recorded every dive, showing that the seals followed "
    "shoals of sand eels along underwater ridges before returning to the same rocky "
    "beach where they had been tagged. The team says the data could help planners "
    "decide where offshore wind farms should be built, since construction noise is "
    "known to disturb feeding grounds. A local fisherman who helped with the "
    "fieldwork said he had often seen the same scarred female near his boat for "
    "years without knowing how far she roamed. The findings will be presented at a "
    "conference in the spring, and the tags, which fall off naturally during the "
    "annual moult, will be recovered from the shore by volunteers.";

/* unrelated: a public library opens */
static const char article_ar[] =
    "أعلنت بلدية المدينة الساحلية صباح اليوم عن افتتاح مكتبة عامة جديدة في الحي "
    "القديم، بعد أعمال ترميم استمرت أكثر من عامين. وتضم المكتبة قاعة كبيرة للمطالعة "
    "وركنا خاصا بكتب الأطفال ومجموعة من المخطوطات النادرة التي تبرع بها أحد سكان "
    "الحي. وقال مدير المكتبة إن الأبواب ستبقى مفتوحة حتى العاشرة مساء طوال أيام "
    "الأسبوع، وإن ورشات للكتابة والرسم ستنظم كل يوم سبت. ورحب الأهالي بالمشروع الذي "
    "أعاد الحياة إلى مبنى مهجور منذ سنوات طويلة، فيما طالب بعضهم بتوفير مواقف "
    "للسيارات قرب المدخل.";

static uint64_t
hash_str(const char *s)
{
	return simhash_text(s, strlen(s));
}

static void
test_distance(void **state)
{
	(void)state;
	assert_int_equal(simhash_distance(0, 0), 0);
	assert_int_equal(simhash_distance(0, ~0ull), 64);
	assert_int_equal(simhash_distance(1, 3), 1);
	assert_int_equal(simhash_distance(0x8000000000000001ull, 0), 2);
	assert_int_equal(simhash_distance(0xF0F0ull, 0x0F0Full), 16);
}

static void
test_same_text(void **state)
{
	uint64_t a = hash_str(article_fr);

	(void)state;
	assert_true(a != 0);
	assert_true(hash_str(article_fr) == a);
	/* a copy elsewhere in memory: the hash depends on the bytes only */
	{
		char *copy = strdup(article_fr);

		assert_non_null(copy);
		assert_true(simhash_text(copy, strlen(copy)) == a);
		free(copy);
	}
	/* len is honoured: a prefix is another text */
	assert_true(simhash_text(article_fr, 200) != a);
}

static void
test_variant(void **state)
{
	(void)state;
	assert_int_equal(simhash_distance(hash_str(article_fr), hash_str(article_fr_variant)), 0);
	assert_true(hash_str("Le Pont, de PIERRE sera   rénové !") ==
	            hash_str("le pont de pierre sera renove."));
	assert_true(hash_str("\xD8\xA7\xD9\x84\xD9\x85\xD9\x83\xD8\xAA\xD8\xA8\xD8\xA9 "
	                     "\xD8\xA7\xD9\x84\xD8\xB9\xD8\xA7\xD9\x85\xD8\xA9 "
	                     "\xD8\xAC\xD8\xAF\xD9\x8A\xD8\xAF\xD8\xA9") ==
	            hash_str("\xD8\xA7\xD9\x84\xD9\x85\xD9\x83\xD8\xAA\xD8\xA8\xD8\xA9 "
	                     "\xD8\xA7\xD9\x84\xD8\xB9\xD8\xA7\xD9\x85\xD8\xA9\xD8\x8C "
	                     "\xD8\xAC\xD8\xAF\xD9\x8A\xD8\xAF\xD8\xA9\xD9\x8E"));
}

/* article_fr with the word at byte i..j replaced by w. */
static char *
replace_word(size_t i, size_t j, const char *w)
{
	size_t n = strlen(article_fr), wl = strlen(w);
	char *s = malloc(n - (j - i) + wl + 1);

	assert_non_null(s);
	memcpy(s, article_fr, i);
	memcpy(s + i, w, wl);
	memcpy(s + i + wl, article_fr + j, n - j + 1);
	return s;
}

static void
test_one_word(void **state)
{
	uint64_t a = hash_str(article_fr);
	size_t n = strlen(article_fr), i, j, words = 0, total = 0;
	const char *p = strstr(article_fr, "mardi");
	char *s;
	int d, max = 0;

	(void)state;
	/* "mardi" becomes "jeudi": measured 2 bits */
	assert_non_null(p);
	s = replace_word((size_t)(p - article_fr), (size_t)(p - article_fr) + 5, "jeudi");
	assert_int_equal(simhash_distance(a, hash_str(s)), 2);
	free(s);
	/*
	 * Every word in turn replaced by a new one: three shingles of about
	 * 310 change, which flips the bits whose votes were within 6 of zero.
	 * Measured: at most 8 bits, 2.4 on average.
	 */
	for (i = 0; i < n; i = j) {
		while (i < n && (article_fr[i] == ' ' || article_fr[i] == '\n'))
			i++;
		for (j = i; j < n && article_fr[j] != ' ' && article_fr[j] != '\n'; j++)
			;
		if (i == j)
			break;
		s = replace_word(i, j, "zorglub");
		d = simhash_distance(a, hash_str(s));
		free(s);
		if (d > max)
			max = d;
		total += (size_t)d;
		words++;
	}
	assert_int_equal(words, 314);
	assert_in_range(max, 1, 10);
	assert_true(total <= 5 * words);
}

static void
test_unrelated(void **state)
{
	uint64_t fr = hash_str(article_fr), en = hash_str(article_en), ar = hash_str(article_ar);

	(void)state;
	assert_in_range(simhash_distance(fr, en), 20, 64);
	assert_in_range(simhash_distance(fr, ar), 20, 64);
	assert_in_range(simhash_distance(en, ar), 20, 64);
	/* word order counts: the shingles differ */
	assert_in_range(
	    simhash_distance(hash_str("un deux trois quatre"), hash_str("quatre trois deux un")),
	    20, 64);
}

static void
test_no_tokens(void **state)
{
	(void)state;
	assert_true(simhash_text("", 0) == 0);
	assert_true(simhash_text(NULL, 0) == 0);
	assert_true(hash_str(" \n\t ... !!! -- « » ") == 0);
	assert_true(simhash_text("word", 0) == 0);
}

static void
test_short(void **state)
{
	(void)state;
	/* fewer than 3 tokens: the tokens are the features */
	assert_true(hash_str("Bonjour") == hash_str("BONJOUR !"));
	assert_true(hash_str("Bonjour") != 0);
	assert_true(hash_str("Paris Londres") == hash_str("londres, paris"));
	assert_true(hash_str("Paris Londres") != hash_str("Paris Berlin"));
}

/* Hashes are stored between runs: pin them. */
static void
test_stable(void **state)
{
	(void)state;
	assert_true(hash_str("Le pont de pierre sera rénové.") == 0x36005039f0c40403ull);
	assert_true(hash_str("The seals swam six hundred miles.") == 0x0ea8a980d852c200ull);
	assert_true(hash_str("Bonjour") == 0xe2eabc0d32cc550cull);
	assert_true(hash_str(article_ar) == 0xad854cac1efff235ull);
}

/*
 * The reference: simhash.c before its votes were counted in byte lanes (a
 * histogram of byte values per byte position). The fingerprints are
 * stored, so the new counting must give its values on every text.
 */
struct ref_votes {
	uint32_t hist[8][256];
	size_t n;
};

static void
ref_votes_add(struct ref_votes *v, uint64_t h)
{
	for (int k = 0; k < 8; k++)
		v->hist[k][(h >> (8 * k)) & 0xFF]++;
	v->n++;
}

static uint64_t
ref_votes_result(const struct ref_votes *v)
{
	uint64_t out = 0;

	for (int b = 0; b < 64; b++) {
		uint64_t cnt = 0;

		for (int x = 0; x < 256; x++)
			if (x & (1 << (b & 7)))
				cnt += v->hist[b >> 3][x];
		if (2 * cnt > v->n)
			out |= 1ull << b;
	}
	return out;
}

static uint64_t
ref_fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static uint64_t
ref_rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t
ref_simhash(const char *text, size_t len)
{
	struct ref_votes *v = calloc(1, sizeof(*v));
	struct toklist tl;
	uint64_t h[2] = {0, 0}, out;
	size_t ntok = 0;

	assert_non_null(v);
	toklist_init(&tl);
	assert_true(token_split(text, len, &tl) >= 0);
	for (size_t i = 0; i < tl.n; i++) {
		const unsigned char *p = (const unsigned char *)token_text(&tl, &tl.v[i]);
		uint64_t h2 = 0xcbf29ce484222325ull;

		for (size_t k = 0; k < tl.v[i].normlen; k++) {
			h2 ^= p[k];
			h2 *= 0x100000001b3ull;
		}
		h2 = ref_fmix64(h2);
		if (ntok >= 2)
			ref_votes_add(v,
			              ref_fmix64(ref_rotl64(h[0], 42) ^ ref_rotl64(h[1], 21) ^ h2));
		h[0] = h[1];
		h[1] = h2;
		ntok++;
	}
	toklist_free(&tl);
	if (ntok > 0 && ntok < 3) {
		if (ntok == 2)
			ref_votes_add(v, h[0]);
		ref_votes_add(v, h[1]);
	}
	out = ntok == 0 ? 0 : ref_votes_result(v);
	free(v);
	return out;
}

/* A text of n words drawn from a few, in three scripts (xorshift: the same every run). */
static char *
random_text(uint64_t *seed, size_t n)
{
	static const char *const words[] = {
	    "pont",
	    "Pierre",
	    "rénové",
	    "the",
	    "seals",
	    "swam",
	    "six",
	    "hundred",
	    "miles",
	    "ÉTÉ",
	    "l'État",
	    "d'euros",
	    "1847",
	    "x",
	    "dix-huit",
	    "Saint-Aubin",
	    "conseil",
	    "municipal",
	    "\xD8\xA7\xD9\x84\xD9\x85\xD9\x83\xD8\xAA\xD8\xA8\xD8\xA9",
	    "\xD8\xAC\xD8\xAF\xD9\x8A\xD8\xAF\xD8\xA9",
	    "news",
	    "a",
	};
	size_t nw = sizeof(words) / sizeof(words[0]), len = 0;
	char *s = malloc(n * 32 + 1);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		const char *w;

		*seed ^= *seed << 13;
		*seed ^= *seed >> 7;
		*seed ^= *seed << 17;
		w = words[*seed % nw];
		memcpy(s + len, w, strlen(w));
		len += strlen(w);
		s[len++] = (*seed >> 40) % 5 == 0 ? '\n' : ' ';
	}
	s[len] = '\0';
	return s;
}

/*
 * The byte-lane counting against the reference: texts of 0 to 3,000 words
 * (the lanes are widened every 255 features: 254 to 258 and 509 to 513
 * features are on either side of a widening), by simhash_text and by the
 * accumulator from the same tokens.
 */
static void
test_reference(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	struct simhash_acc *acc = simhash_acc_new();
	size_t checked = 0;

	(void)state;
	assert_non_null(acc);
	for (size_t n = 0; n <= 3000; n += (n < 520 ? 1 : 97)) {
		char *s = random_text(&seed, n);
		size_t len = strlen(s);
		uint64_t want = ref_simhash(s, len);
		struct toklist tl;

		assert_true(simhash_text(s, len) == want);
		toklist_init(&tl);
		assert_true(token_split(s, len, &tl) >= 0);
		simhash_acc_reset(acc);
		for (size_t i = 0; i < tl.n; i++)
			simhash_acc_token(acc, token_text(&tl, &tl.v[i]), tl.v[i].normlen);
		assert_true(simhash_acc_result(acc) == want);
		toklist_free(&tl);
		free(s);
		checked++;
	}
	assert_true(checked > 540);
	assert_true(hash_str(article_fr) == ref_simhash(article_fr, strlen(article_fr)));
	assert_true(hash_str(article_ar) == ref_simhash(article_ar, strlen(article_ar)));
	simhash_acc_free(acc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_distance),  cmocka_unit_test(test_same_text),
	    cmocka_unit_test(test_variant),   cmocka_unit_test(test_one_word),
	    cmocka_unit_test(test_unrelated), cmocka_unit_test(test_no_tokens),
	    cmocka_unit_test(test_short),     cmocka_unit_test(test_stable),
	    cmocka_unit_test(test_reference),
	};

	norm_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
