/*
 * xmlsafe.c: the libxml2 set-up of the core, once per process. The entity
 * loader is a global of libxml2: one owner sets it, here.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

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
