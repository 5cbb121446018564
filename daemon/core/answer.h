/*
 * answer.h: what a webhook receiver's answer means (the outbox acts on
 * it). Pure: a status and the answer's bytes in, a verdict and a line out.
 */
#ifndef HARK_ANSWER_H
#define HARK_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether status says that the same request will never be taken, so the
 * delivery is dead at once: 400 Bad Request, 401 Unauthorized, 403
 * Forbidden, 404 Not Found, 413 Content Too Large, 422 Unprocessable
 * Content (a wrong secret or address, a body the receiver refuses). 408,
 * 425, 429, 5xx and every other failure are worth trying again.
 */
bool answer_permanent(long status);

/*
 * The first line of an answer body (a stranger's bytes), fit to store and
 * show: up to the first CR or LF, blanks around it trimmed, control
 * characters (C0, DEL, C1) as spaces, bidi controls, zero-width
 * characters and invalid bytes dropped, cut on a character boundary to at
 * most outsz - 4 bytes with "…" after. out is NUL-terminated, "" when the
 * body has no text (outsz >= 8).
 */
void answer_line(const char *body, size_t len, char *out, size_t outsz);

#endif
