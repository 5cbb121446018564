/*
 * log.c: one line an event on stderr. When stderr is the journal (systemd
 * sets $JOURNAL_STREAM to the device and inode of the stream it gave us),
 * lines start with the sd-daemon priority prefix "<N>" and carry no time:
 * journald adds its own. Otherwise a local timestamp and the program name.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "utf8.h"

static const char *log_prog = "hark";
static int log_max = LOG_INFO;
static int log_journal;

static int
log_on_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(fileno(stderr), &st) < 0)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *prog, int level)
{
	log_prog = prog;
	log_max = level;
	log_journal = log_on_journal();
}

void
log_set_level(int level)
{
	log_max = level;
}

int
log_level(void)
{
	return log_max;
}

int
log_level_parse(const char *s)
{
	static const struct {
		const char *name;
		int prio;
	} levels[] = {
	    {"error", LOG_ERR}, {"warning", LOG_WARNING}, {"info", LOG_INFO}, {"debug", LOG_DEBUG}};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(s, levels[i].name) == 0)
			return levels[i].prio;
	return -1;
}

void
log_msg(int prio, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	int n;

	if (prio > log_max)
		return;
	if (log_journal) {
		n = snprintf(line, sizeof(line), "<%d>", prio);
	} else {
		static const char *const names[] = {"emerg",   "alert",  "crit", "error",
		                                    "warning", "notice", "info", "debug"};
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		n = snprintf(line, sizeof(line), "%s.%03ld %s %s: ", when, ts.tv_nsec / 1000000,
		             log_prog, names[prio & 7]);
	}
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - 1 - (size_t)n, fmt, ap);
	va_end(ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	/* one write per line: lines of several threads do not interleave */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return; /* nowhere left to say it */
}

/*
 * The length of the valid UTF-8 sequence at s (1 to 4), 0 when s does not
 * start one: a stray continuation byte, an overlong form, a surrogate, a
 * code point past U+10FFFF, or a sequence cut short (by the NUL too).
 */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0; /* overlong */
	else if (c == 0xed)
		hi = 0x9f; /* surrogates */
	else if (c == 0xf0)
		lo = 0x90; /* overlong */
	else if (c == 0xf4)
		hi = 0x8f; /* past U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static const char *
log_quote_into(char *buf, size_t size, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	while (*p != '\0' && o + 5 < size) {
		unsigned char c = *p;
		size_t n = utf8_len(p);

		if (c == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else if (c == '\t') {
			buf[o++] = '\\';
			buf[o++] = 't';
		} else if (c == '\\') {
			buf[o++] = '\\';
			buf[o++] = '\\';
		} else if (c < 0x20 || c == 0x7f || n == 0) {
			/* control characters, and bytes that are not UTF-8 (a file name
			 * in Latin-1): the log stays valid UTF-8 */
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		} else if (n > 1) {
			uint32_t cp;

			utf8_decode(p, n, &cp);
			if (cp <= 0x9f || utf8_disguise(cp) != 0) {
				/* a C1 control (U+009B is CSI to some terminals and journal
				 * viewers), or a reversed or hidden stretch of a feed's text,
				 * shown as what it is */
				if (o + 7 > size)
					break;
				o += (size_t)snprintf(buf + o, size - o, "\\u%04x", (unsigned)cp);
				p += n;
				continue;
			}
			if (o + n + 1 > size)
				break; /* never half a character */
			memcpy(buf + o, p, n);
			o += n;
			p += n;
			continue;
		} else {
			buf[o++] = (char)c;
		}
		p++;
	}
	buf[o] = '\0';
	return buf;
}

const char *
log_quote(const char *s)
{
	static _Thread_local char buf[1024];

	return log_quote_into(buf, sizeof(buf), s ? s : "(null)");
}

const char *
log_quote2(const char *s)
{
	static _Thread_local char buf[1024];

	return log_quote_into(buf, sizeof(buf), s ? s : "(null)");
}
