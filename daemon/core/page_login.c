/*
 * page_login.c: the login page and the check of its next= (page_login.h).
 * Everything from the request goes out through page_str (escaped).
 */
#include <string.h>

#include "page_login.h"

int
page_login_next_ok(const char *next)
{
	size_t n;

	if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return 0;
	for (n = 0; next[n] != '\0'; n++)
		if ((unsigned char)next[n] < 0x21 || (unsigned char)next[n] >= 0x7F)
			return 0;
	return n < PAGE_LOGIN_NEXT_MAX;
}

void
page_login(struct page *pg, const char *next, const char *message)
{
	page_begin(pg, "Log in", PAGE_NAV_NONE);
	page_raw(pg, "<h1>Log in</h1>\n");
	if (message != NULL && *message != '\0') {
		page_raw(pg, "<p class=\"error\" role=\"alert\">");
		page_str(pg, message);
		page_raw(pg, "</p>\n");
	}
	page_raw(pg, "<form class=\"login\" method=\"post\" action=\"/login\">\n"
	             "<label>Token <input type=\"password\" name=\"token\" required "
	             "autocomplete=\"current-password\" autofocus></label>\n");
	if (page_login_next_ok(next)) {
		page_raw(pg, "<input type=\"hidden\" name=\"next\" value=\"");
		page_str(pg, next);
		page_raw(pg, "\">\n");
	}
	page_raw(pg, "<button type=\"submit\">Log in</button>\n</form>\n"
	             "<p>The token is the line of the server's <code>token_file</code>.</p>\n");
	page_end(pg);
}
