/* doc.c: plain-text articles into documents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "doc.h"
#include "lang.h"
#include "utf8.h"

int
doc_set_field(struct document *doc, enum field f, const char *text, size_t len)
{
	char *s = utf8_clean(text, len, &len);

	if (s == NULL)
		return -1;
	free(doc->field[f]);
	doc->field[f] = s;
	doc->field_len[f] = len;
	return 0;
}

/* Set a field from text that is already clean (valid UTF-8, NFC). */
static int
doc_set_clean(struct document *doc, enum field f, const char *text, size_t len)
{
	char *s = malloc(len + 1);

	if (s == NULL)
		return -1;
	memcpy(s, text, len);
	s[len] = '\0';
	free(doc->field[f]);
	doc->field[f] = s;
	doc->field_len[f] = len;
	return 0;
}

static int
is_blank_line(const char *s, const char *e)
{
	for (; s < e; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\f' && *s != '\v')
			return 0;
	return 1;
}

/* Split clean text into the title (first non-empty line, trimmed) and the body (the rest). */
static int
doc_split_title(struct document *doc, const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (!is_blank_line(p, le)) {
			const char *ts = p, *te = le;

			while (ts < te && (*ts == ' ' || *ts == '\t'))
				ts++;
			while (te > ts && (te[-1] == ' ' || te[-1] == '\t' || te[-1] == '\r'))
				te--;
			if (doc_set_clean(doc, F_TITLE, ts, (size_t)(te - ts)) < 0)
				return -1;
			p = nl ? nl + 1 : end;
			return doc_set_clean(doc, F_BODY, p, (size_t)(end - p));
		}
		p = nl ? nl + 1 : end;
	}
	return doc_set_clean(doc, F_BODY, "", 0);
}

int
doc_from_text(struct document *doc, const char *bytes, size_t len, const char *file,
              const char *source, const char *lang, const char **err)
{
	char *clean;
	size_t clen;

	memset(doc, 0, sizeof(*doc));
	*err = NULL;
	if (memchr(bytes, '\0', len) != NULL) {
		*err = "not a text document (it holds NUL bytes)";
		return -1;
	}
	if (len >= UINT32_MAX) {
		*err = "document larger than 4 GiB";
		return -1;
	}
	/* a byte order mark says how the bytes are encoded; it is not text */
	if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0)
		clean = utf8_clean(bytes + 3, len - 3, &clen);
	else
		clean = utf8_clean(bytes, len, &clen);
	if (clean == NULL)
		goto nomem;
	if (doc_split_title(doc, clean, clen) < 0)
		goto nomem;
	free(clean);
	clean = NULL;
	if (source != NULL && doc_set_field(doc, F_SOURCE, source, strlen(source)) < 0)
		goto nomem;
	if (file != NULL && (doc->file = strdup(file)) == NULL)
		goto nomem;
	snprintf(doc->id, sizeof(doc->id), "a_%016llx", (unsigned long long)hash_bytes(bytes, len));
	if (lang != NULL && *lang != '\0') {
		snprintf(doc->lang, sizeof(doc->lang), "%s", lang);
	} else {
		lang_guess_script(doc->field[F_BODY], doc->field_len[F_BODY], doc->lang);
		if (doc->lang[0] == '\0' && doc->field[F_TITLE] != NULL)
			lang_guess_script(doc->field[F_TITLE], doc->field_len[F_TITLE], doc->lang);
	}
	return 0;
nomem:
	free(clean);
	doc_free(doc);
	*err = "out of memory";
	return -1;
}

void
doc_free(struct document *doc)
{
	for (int f = 0; f < F_MAX; f++)
		free(doc->field[f]);
	free(doc->file);
	free(doc->url);
	free(doc->published);
	memset(doc, 0, sizeof(*doc));
}
