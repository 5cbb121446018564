/*
 * fuzz_simd.c: libFuzzer harness for the SSE2 paths of the tokenizer
 * (split_run: ASCII words 16 bytes a step) and of UTF-8 cleaning
 * (clean_scan: ASCII and two-byte forms 16 bytes a step) against the byte
 * loops they stand in for. token.c and utf8.c are compiled a second time
 * here with HARK_NO_SIMD under other names; on any input both builds must
 * give the same clean bytes and the same tokens (spans, texts, offsets,
 * scripts, flags), from an empty list and appended to tokens already there.
 * utf8_clean_changes() must agree too, and a text it passes must come out
 * of utf8_clean() unchanged. Every external name of the two files is
 * renamed below: a new one missing is a link error (multiple definition).
 * On machines without SSE2 the two builds are the same code.
 */
#define HARK_NO_SIMD 1
#define norm_init scalar_norm_init
#define toklist_init scalar_toklist_init
#define toklist_clear scalar_toklist_clear
#define toklist_free scalar_toklist_free
#define token_split scalar_token_split
#define token_readings scalar_token_readings
#define script_of scalar_script_of
#define utf8_decode scalar_utf8_decode
#define utf8_encode scalar_utf8_encode
#define utf8_count scalar_utf8_count
#define utf8_valid scalar_utf8_valid
#define utf8_clean scalar_utf8_clean
#define utf8_floor scalar_utf8_floor
#define utf8_clean_changes scalar_utf8_clean_changes
#define utf8_c1_windows scalar_utf8_c1_windows
#define utf8_disguise scalar_utf8_disguise
#define token_chunk_end scalar_token_chunk_end
#include "../../daemon/core/utf8.c"
#include "../../daemon/core/token.c"
#undef norm_init
#undef toklist_init
#undef toklist_clear
#undef toklist_free
#undef token_split
#undef token_readings
#undef script_of
#undef utf8_decode
#undef utf8_encode
#undef utf8_count
#undef utf8_valid
#undef utf8_clean
#undef utf8_floor
#undef utf8_clean_changes
#undef utf8_disguise
#undef token_chunk_end

/* The library's own (token.h and utf8.h were read under the names above). */
void toklist_init(struct toklist *tl);
void toklist_free(struct toklist *tl);
int token_split(const char *text, size_t len, struct toklist *tl);
char *utf8_clean(const char *s, size_t len, size_t *outlen);
int utf8_clean_changes(const char *s, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
same_tokens(const struct toklist *a, const struct toklist *b)
{
	if (a->n != b->n || a->normlen != b->normlen)
		abort();
	for (size_t i = 0; i < a->n; i++) {
		const struct token *x = &a->v[i], *y = &b->v[i];

		if (x->start != y->start || x->end != y->end || x->norm != y->norm ||
		    x->normlen != y->normlen || x->script != y->script || x->flags != y->flags ||
		    memcmp(a->norm + x->norm, b->norm + y->norm, x->normlen + 1) != 0)
			abort();
	}
	/* the room the matcher reads past a token text in */
	if (a->normcap - a->normlen < TOKEN_NORM_SLACK)
		abort();
}

/* Split text whole, then as two texts appended to one list, both ways. */
static void
split_both(const char *text, size_t len, size_t cut)
{
	struct toklist a, b;
	int ra, rb;

	toklist_init(&a);
	scalar_toklist_init(&b);
	ra = token_split(text, len, &a);
	rb = scalar_token_split(text, len, &b);
	if (ra != rb)
		abort();
	if (ra == 0)
		same_tokens(&a, &b);
	ra = token_split(text, cut, &a);
	rb = scalar_token_split(text, cut, &b);
	if (ra != rb)
		abort();
	if (ra == 0) {
		ra = token_split(text + cut, len - cut, &a);
		rb = scalar_token_split(text + cut, len - cut, &b);
		if (ra != rb)
			abort();
		if (ra == 0)
			same_tokens(&a, &b);
	}
	toklist_free(&a);
	scalar_toklist_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t la, lb, cut = size > 0 ? data[0] % (size + 1) : 0;
	char *ca, *cb;

	split_both(text, size, cut);
	ca = utf8_clean(text, size, &la);
	cb = scalar_utf8_clean(text, size, &lb);
	if ((ca == NULL) != (cb == NULL))
		abort();
	/* whether a text needs cleaning: the same both ways, and no text it passes changed */
	if (utf8_clean_changes(text, size) != scalar_utf8_clean_changes(text, size))
		abort();
	if (ca != NULL) {
		if (la != lb || memcmp(ca, cb, la + 1) != 0)
			abort();
		if (!utf8_clean_changes(text, size) && (la != size || memcmp(ca, text, size) != 0))
			abort();
		split_both(ca, la, cut < la ? cut : la);
	}
	free(ca);
	free(cb);
	return 0;
}
