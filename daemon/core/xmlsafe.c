/*
 * xmlsafe.c: the libxml2 set-up of the core, once per process. The entity
 * loader is a global of libxml2: one owner sets it, here.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/entities.h>
#include <libxml/parser.h>

#include "mem.h"
#include "utf8.h"
#include "xmlsafe.h"

static pthread_once_t xmlsafe_once = PTHREAD_ONCE_INIT;

/* Every external entity, DTD or XInclude is refused. */
static xmlParserInputPtr
xmlsafe_no_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static void
xmlsafe_setup(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(xmlsafe_no_entity);
}

void
xmlsafe_init(void)
{
	pthread_once(&xmlsafe_once, xmlsafe_setup);
}

void
xmlsafe_error(char *out, size_t outsz, const char *prefix, long line, const char *msg)
{
	size_t n = strlen(msg);

	while (n > 0 && (msg[n - 1] == ' ' || msg[n - 1] == '\n' || msg[n - 1] == '\r' ||
	                 msg[n - 1] == '\t'))
		n--;
	snprintf(out, outsz, "%s %ld: %.*s", prefix, line, (int)(n > 400 ? 400 : n), msg);
	out[utf8_floor(out, strlen(out))] = '\0';
	for (char *p = out; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

int
xmlsafe_buf_add(struct xmlsafe_buf *b, const char *s, size_t n)
{
	if (n > SIZE_MAX - b->n - 1)
		return -1;
	if (mem_grow(&b->p, &b->cap, b->n + n + 1, 1) < 0)
		return -1;
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

struct walk {
	const xmlDoc *doc;
	int maxdepth;
	size_t *budget;
	int *cut, *oom;
	struct xmlsafe_buf *b;
};

static void
walk_text(struct walk *w, const xmlNode *n, int depth, int inent)
{
	const xmlEntity *ent;
	size_t len;

	if (depth > w->maxdepth)
		return;
	for (; n != NULL && !*w->oom; n = n->next) {
		/* inside an entity every node costs, text or not: empty elements amplify too */
		if (inent) {
			if (*w->budget == 0) {
				*w->cut = 1;
				return;
			}
			(*w->budget)--;
		}
		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content == NULL)
				break;
			len = strlen((const char *)n->content);
			if (inent) {
				if (len > *w->budget) {
					len = utf8_floor((const char *)n->content, *w->budget);
					*w->cut = 1;
				}
				*w->budget -= len;
			}
			if (xmlsafe_buf_add(w->b, (const char *)n->content, len) < 0)
				*w->oom = 1;
			break;
		case XML_ELEMENT_NODE:
			walk_text(w, n->children, depth + 1, inent);
			break;
		case XML_ENTITY_REF_NODE:
			ent = xmlGetDocEntity(w->doc, n->name);
			/* external entities are never loaded: they read as nothing */
			if (ent != NULL && ent->etype == XML_INTERNAL_GENERAL_ENTITY)
				walk_text(w, ent->children, depth + 1, 1);
			break;
		default:
			break;
		}
	}
}

void
xmlsafe_text(const xmlDoc *doc, const xmlNode *n, int maxdepth, size_t *budget, int *cut,
             struct xmlsafe_buf *b, int *oom)
{
	struct walk w = {doc, maxdepth, budget, cut, oom, b};

	walk_text(&w, n, 0, 0);
}
