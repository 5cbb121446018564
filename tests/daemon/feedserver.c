/*
 * feedserver.c: a feed server for the poller's tests and bench, on evhttp.
 *
 *   feedserver PORTFILE ROOT [--feeds N]
 *
 * Listens on 127.0.0.1, port chosen by the kernel, and on 127.0.0.2 at the
 * same port when it can, and writes the port to PORTFILE (a temporary file
 * renamed into place: a test never reads half of it). Every request is
 * printed on stdout, one line, flushed:
 *
 *   UNIX-MS METHOD URI STATUS IF-NONE-MATCH IF-MODIFIED-SINCE ACCEPT-ENCODING
 *
 * an absent header "-", blanks inside a value "_". A request that came to
 * another address than 127.0.0.1 gets an eighth word, "via=ADDRESS".
 *
 *   /f/NAME          the file ROOT/NAME, read again on every request; its
 *                    Content-Type from the extension (.xml .rss application/
 *                    rss+xml, .rdf application/rdf+xml, .atom application/
 *                    atom+xml, .json application/feed+json, .html .htm
 *                    text/html, .txt text/plain, .md text/markdown, else application/
 *                    octet-stream) with "; charset=X" when ROOT/NAME.charset
 *                    holds X; an ETag (a hash of the bytes) and Last-Modified
 *                    (the mtime). If-None-Match naming the ETag, or else
 *                    If-Modified-Since not older than the mtime: 304.
 *   /count/NAME      the same (the file is read on every request: a test
 *                    edits it between polls)
 *   /gz/NAME         the same, gzip-encoded when Accept-Encoding allows gzip
 *   /bomb            a gzip body (under 2 MB) that inflates to an RSS item
 *                    holding 1 GiB of spaces, sent whatever Accept-Encoding
 *   /301/NAME /302/NAME /307/NAME /308/NAME   that redirect to /f/NAME
 *   /chain/N/NAME    N hops of 301 (to /chain/N-1/NAME ...), then /f/NAME
 *   /loop            301 to itself
 *   /private-redirect/NAME   301 to http://127.0.0.2:PORT/f/NAME
 *   /gone 410, /429 429 Retry-After: 2, /503 503 Retry-After: 1, /500 500
 *   /slow            a small feed after 30 s (/slow/S: after S seconds)
 *   /empty           200, an empty body as application/rss+xml
 *   /html            an HTML page as application/rss+xml
 *   /big/N           an RSS feed of N items made on the fly, guids and
 *                    titles "Item I", every 100th mentioning Austin Tice
 *   /bench/I         with --feeds N, 0 <= I < N: a small feed of its own,
 *                    with ETag and Last-Modified; SIGUSR1 adds an item to
 *                    every one of them
 *
 * and anything else 404; methods other than GET and HEAD 405. NAME is made
 * of letters, digits and "._+,=@-", its '/'-separated parts not empty nor
 * starting with '.', so that it stays inside ROOT. SIGTERM and SIGINT stop
 * it, exit 0; SIGHUP is ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <zlib.h>

#define FILE_MAX (256 << 20)
#define BIG_MAX 1000000L
#define FEEDS_MAX 1000000L
#define BOMB_SPACES (1024L * 1024 * 1024)
#define SLOW_DEFAULT 30

/* A /slow request not answered yet. */
struct pending {
	struct pending *next, *prev;
	struct evhttp_request *req; /* NULL once answered */
	struct event *timer;
};

struct server {
	struct event_base *base;
	const char *root;
	unsigned port;
	unsigned char *bomb; /* owned: the gzip bytes of /bomb */
	size_t bomblen;
	long feeds;              /* --feeds N, 0 without */
	unsigned gen;            /* the bench feeds' newest item */
	time_t genmtime;         /* when gen last changed: their Last-Modified */
	struct pending *pending; /* a list, so that stopping answers and frees them */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A value as one word of the log line. */
static void
put_word(const char *s)
{
	if (s == NULL || *s == '\0') {
		putchar('-');
		return;
	}
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s <= ' ' || *s == 0x7f ? '_' : *s);
}

static const char *
method_name(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_OPTIONS:
		return "OPTIONS";
	case EVHTTP_REQ_TRACE:
		return "TRACE";
	case EVHTTP_REQ_CONNECT:
		return "CONNECT";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	}
	return "?";
}

/* The local address req came to, in buf; "" when unknown. */
static void
local_addr(struct evhttp_request *req, char *buf, size_t size)
{
	struct evhttp_connection *con = evhttp_request_get_connection(req);
	struct bufferevent *bev = con != NULL ? evhttp_connection_get_bufferevent(con) : NULL;
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);

	buf[0] = '\0';
	if (bev == NULL ||
	    getsockname(bufferevent_getfd(bev), (struct sockaddr *)&sa, &salen) != 0 ||
	    sa.sin_family != AF_INET || inet_ntop(AF_INET, &sa.sin_addr, buf, size) == NULL)
		buf[0] = '\0';
}

static void
log_request(struct evhttp_request *req, int status)
{
	struct evkeyvalq *hdr = evhttp_request_get_input_headers(req);
	char addr[INET_ADDRSTRLEN];

	printf("%lld %s ", (long long)now_ms(), method_name(evhttp_request_get_command(req)));
	put_word(evhttp_request_get_uri(req));
	printf(" %d ", status);
	put_word(evhttp_find_header(hdr, "If-None-Match"));
	putchar(' ');
	put_word(evhttp_find_header(hdr, "If-Modified-Since"));
	putchar(' ');
	put_word(evhttp_find_header(hdr, "Accept-Encoding"));
	local_addr(req, addr, sizeof(addr));
	if (addr[0] != '\0' && strcmp(addr, "127.0.0.1") != 0)
		printf(" via=%s", addr);
	putchar('\n');
	fflush(stdout);
}

static const char *
reason_phrase(int code)
{
	switch (code) {
	case 200:
		return "OK";
	case 301:
		return "Moved Permanently";
	case 302:
		return "Found";
	case 304:
		return "Not Modified";
	case 307:
		return "Temporary Redirect";
	case 308:
		return "Permanent Redirect";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 410:
		return "Gone";
	case 429:
		return "Too Many Requests";
	case 503:
		return "Service Unavailable";
	default:
		return "Internal Server Error";
	}
}

/*
 * Log and send the answer. body (may be NULL) stays the caller's; HEAD
 * gets the headers of the GET, Content-Length included, and no body.
 */
static void
respond(struct evhttp_request *req, int code, struct evbuffer *body)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);

	log_request(req, code);
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD && body != NULL && code != 304) {
		char len[32];

		snprintf(len, sizeof(len), "%zu", evbuffer_get_length(body));
		evhttp_remove_header(out, "Content-Length");
		evhttp_add_header(out, "Content-Length", len);
		evbuffer_drain(body, evbuffer_get_length(body));
	}
	evhttp_send_reply(req, code, reason_phrase(code), code == 304 ? NULL : body);
}

/* A short text body, for the errors and redirects. */
static void
respond_text(struct evhttp_request *req, int code)
{
	struct evbuffer *b = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/plain");
	if (b != NULL)
		evbuffer_add_printf(b, "%d %s\n", code, reason_phrase(code));
	respond(req, code, b);
	if (b != NULL)
		evbuffer_free(b);
}

static void
redirect(struct evhttp_request *req, int code, const char *location)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Location", location);
	respond_text(req, code);
}

/* FNV-1a, 64 bits: enough to tell two versions of a fixture apart. */
static uint64_t
hash64(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint64_t h = 14695981039346656037ull;

	while (len-- > 0)
		h = (h ^ *b++) * 1099511628211ull;
	return h;
}

static void
http_date(time_t t, char *buf, size_t size)
{
	struct tm tm;

	/* the C locale (no setlocale here): English day and month names */
	gmtime_r(&t, &tm);
	strftime(buf, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* An HTTP-date in its three forms (RFC 9110 5.6.7); -1 when it is none. */
static time_t
http_date_parse(const char *s)
{
	static const char *const forms[] = {"%a, %d %b %Y %H:%M:%S GMT",
	                                    "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"};
	struct tm tm;
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		const char *end;

		memset(&tm, 0, sizeof(tm));
		if ((end = strptime(s, forms[i], &tm)) != NULL && *end == '\0')
			return timegm(&tm);
	}
	return -1;
}

/* Whether the If-None-Match list inm names etag, weakly compared. */
static int
etag_matches(const char *inm, const char *etag)
{
	const char *p = inm;

	if (strncmp(etag, "W/", 2) == 0)
		etag += 2;
	while (*p != '\0') {
		const char *start;
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p != '"') {
			/* not an entity-tag: skip to the next member */
			while (*p != '\0' && *p != ',')
				p++;
			continue;
		}
		start = p++;
		while (*p != '\0' && *p != '"')
			p++;
		if (*p == '"')
			p++;
		n = (size_t)(p - start);
		if (n == strlen(etag) && memcmp(start, etag, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * Whether req's conditional headers make the answer 304: If-None-Match
 * when present (If-Modified-Since is then ignored, RFC 9110 13.1.3), else
 * If-Modified-Since not older than mtime.
 */
static int
not_modified(struct evhttp_request *req, const char *etag, time_t mtime)
{
	struct evkeyvalq *hdr = evhttp_request_get_input_headers(req);
	const char *inm = evhttp_find_header(hdr, "If-None-Match");
	const char *ims = evhttp_find_header(hdr, "If-Modified-Since");
	time_t t;

	if (inm != NULL)
		return etag_matches(inm, etag);
	if (ims != NULL && (t = http_date_parse(ims)) != -1)
		return t >= mtime;
	return 0;
}

/* Whether Accept-Encoding allows gzip: named, or "*", with a q above 0. */
static int
accepts_gzip(struct evhttp_request *req)
{
	const char *ae =
	    evhttp_find_header(evhttp_request_get_input_headers(req), "Accept-Encoding");
	const char *p = ae;
	int gzip = -1, star = -1;

	if (ae == NULL)
		return 0;
	while (*p != '\0') {
		const char *name;
		size_t n;
		int allowed = 1;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		name = p;
		while (*p != '\0' && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		n = (size_t)(p - name);
		/* parameters: only q matters, and only whether it is zero */
		while (*p != '\0' && *p != ',') {
			if ((*p == 'q' || *p == 'Q') && p[1] == '=') {
				allowed = strtod(p + 2, NULL) > 0;
			}
			p++;
		}
		if (n == 0)
			continue;
		if ((n == 4 && strncasecmp(name, "gzip", 4) == 0) ||
		    (n == 6 && strncasecmp(name, "x-gzip", 6) == 0))
			gzip = allowed;
		else if (n == 1 && *name == '*')
			star = allowed;
	}
	return gzip != -1 ? gzip : star == 1;
}

/* A growing buffer of deflate's output. */
struct gz {
	z_stream z;
	unsigned char *out; /* owned */
	size_t len, cap;
};

/* wbits: 15 + 16 a gzip stream, -15 raw deflate blocks. Returns 0, -1. */
static int
gz_init(struct gz *g, int wbits)
{
	memset(g, 0, sizeof(*g));
	return deflateInit2(&g->z, 9, Z_DEFLATED, wbits, 9, Z_DEFAULT_STRATEGY) == Z_OK ? 0 : -1;
}

/* Compress len bytes of p; flush is Z_NO_FLUSH or Z_FINISH. Returns 0, -1. */
static int
gz_feed(struct gz *g, const void *p, size_t len, int flush)
{
	int rc;

	g->z.next_in = (unsigned char *)(uintptr_t)p;
	g->z.avail_in = (uInt)len;
	do {
		if (g->cap - g->len < 65536) {
			size_t cap = g->cap == 0 ? 1 << 20 : g->cap * 2;
			unsigned char *n = realloc(g->out, cap);

			if (n == NULL)
				return -1;
			g->out = n;
			g->cap = cap;
		}
		g->z.next_out = g->out + g->len;
		g->z.avail_out = (uInt)(g->cap - g->len);
		rc = deflate(&g->z, flush);
		g->len = g->cap - g->z.avail_out;
		if (rc == Z_STREAM_ERROR)
			return -1;
	} while (g->z.avail_in > 0 || g->z.avail_out == 0 ||
	         (flush == Z_FINISH && rc != Z_STREAM_END));
	return 0;
}

/* The gzip bytes; the caller owns them. NULL when out of memory. */
static unsigned char *
gz_end(struct gz *g, size_t *len)
{
	unsigned char *out = g->out;

	deflateEnd(&g->z);
	*len = g->len;
	g->out = NULL;
	return out;
}

static void
gz_abort(struct gz *g)
{
	deflateEnd(&g->z);
	free(g->out);
	g->out = NULL;
}

/*
 * Deflate len bytes of p, alone, into raw deflate blocks appended to out:
 * Z_SYNC_FLUSH ends them on a byte without a final block, so that pieces
 * made apart follow one another in one stream (none refers back to
 * another's bytes); Z_FINISH ends the stream. Returns 0, -1.
 */
static int
raw_piece(struct evbuffer *out, const void *p, size_t len, int flush)
{
	struct gz g;
	size_t n;
	int rc;

	if (gz_init(&g, -15) != 0)
		return -1;
	if (gz_feed(&g, p, len, flush) != 0) {
		gz_abort(&g);
		return -1;
	}
	g.out = gz_end(&g, &n);
	rc = evbuffer_add(out, g.out, n);
	free(g.out);
	return rc;
}

static void
put_le32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)v;
	b[1] = (unsigned char)(v >> 8);
	b[2] = (unsigned char)(v >> 16);
	b[3] = (unsigned char)(v >> 24);
}

/*
 * Build /bomb: an RSS item holding 1 GiB of spaces, gzip-encoded. Deflating
 * the GiB would take seconds at each start: 1 MiB is deflated once and its
 * blocks repeated, and the gzip header and trailer are written here (the
 * CRC of the repeats combined, not computed over the GiB).
 */
static int
bomb_make(struct server *s)
{
	static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                           "<rss version=\"2.0\"><channel><title>Bomb</title>"
	                           "<link>http://bomb.invalid/</link><description>a gzip bomb"
	                           "</description>\n<item><title>Bomb</title>"
	                           "<guid>bomb-1</guid><description>";
	static const char tail[] = "</description></item></channel></rss>\n";
	/* gzip, deflate, no flags, no mtime, no extra flags, Unix */
	static const unsigned char gzhead[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
	size_t chunk = 1 << 20, n, plen;
	unsigned char *spaces = malloc(chunk), *piece, trailer[8];
	struct evbuffer *b = evbuffer_new(), *rep = evbuffer_new();
	uLong crc, ccrc;
	long done;
	int rc = -1;

	if (spaces == NULL || b == NULL || rep == NULL)
		goto out;
	memset(spaces, ' ', chunk);
	crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, (const Bytef *)head, sizeof(head) - 1);
	ccrc = crc32(crc32(0L, Z_NULL, 0), spaces, (uInt)chunk);
	if (evbuffer_add(b, gzhead, sizeof(gzhead)) != 0 ||
	    raw_piece(b, head, sizeof(head) - 1, Z_SYNC_FLUSH) != 0 ||
	    raw_piece(rep, spaces, chunk, Z_SYNC_FLUSH) != 0)
		goto out;
	plen = evbuffer_get_length(rep);
	if ((piece = evbuffer_pullup(rep, -1)) == NULL)
		goto out;
	for (done = 0; done < BOMB_SPACES; done += (long)chunk) {
		if (evbuffer_add(b, piece, plen) != 0)
			goto out;
		crc = crc32_combine(crc, ccrc, (z_off_t)chunk);
	}
	if (raw_piece(b, tail, sizeof(tail) - 1, Z_FINISH) != 0)
		goto out;
	crc = crc32(crc, (const Bytef *)tail, sizeof(tail) - 1);
	put_le32(trailer, (uint32_t)crc);
	/* ISIZE: the length modulo 2^32 */
	put_le32(trailer + 4, (uint32_t)(sizeof(head) - 1 + BOMB_SPACES + sizeof(tail) - 1));
	if (evbuffer_add(b, trailer, sizeof(trailer)) != 0)
		goto out;
	n = evbuffer_get_length(b);
	if ((s->bomb = malloc(n)) == NULL || evbuffer_remove(b, s->bomb, n) != (int)n)
		goto out;
	s->bomblen = n;
	rc = 0;
out:
	if (rc != 0) {
		free(s->bomb);
		s->bomb = NULL;
	}
	free(spaces);
	if (b != NULL)
		evbuffer_free(b);
	if (rep != NULL)
		evbuffer_free(rep);
	return rc;
}

/* Whether name is a safe relative path inside ROOT. */
static int
name_ok(const char *name)
{
	const char *p;
	int start = 1;

	if (*name == '\0')
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (start && (*p == '.' || *p == '/'))
			return 0;
		start = *p == '/';
		if (*p != '/' && !(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && strchr("._+,=@-", *p) == NULL)
			return 0;
	}
	return !start;
}

static const char *
content_type(const char *name)
{
	static const char *const types[][2] = {
	    {".xml", "application/rss+xml"},
	    {".rss", "application/rss+xml"},
	    {".rdf", "application/rdf+xml"},
	    {".atom", "application/atom+xml"},
	    {".json", "application/feed+json"},
	    {".html", "text/html"},
	    {".htm", "text/html"},
	    {".txt", "text/plain"},
	    {".md", "text/markdown"},
	};
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot != NULL && strchr(dot, '/') == NULL)
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcmp(dot, types[i][0]) == 0)
				return types[i][1];
	return "application/octet-stream";
}

/*
 * Read path whole, at most FILE_MAX bytes: the bytes (owned by the caller,
 * NUL-terminated) and their mtime. NULL with errno set when it cannot.
 */
static char *
file_read(const char *path, size_t *len, time_t *mtime)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > FILE_MAX) {
		errno = EINVAL;
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	/* a file shrinking meanwhile ends the read early: what was read is served */
	while (n < (size_t)st.st_size && (r = read(fd, buf + n, (size_t)st.st_size - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		n += (size_t)r;
	}
	buf[n] = '\0';
	close(fd);
	*len = n;
	*mtime = st.st_mtime;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

/* The charset of ROOT/NAME, from ROOT/NAME.charset, in buf; "" when none. */
static void
charset_read(const char *path, char *buf, size_t size)
{
	char cpath[4096];
	size_t len = 0, i, j = 0;
	time_t mtime;
	char *c;

	buf[0] = '\0';
	if (snprintf(cpath, sizeof(cpath), "%s.charset", path) >= (int)sizeof(cpath) ||
	    (c = file_read(cpath, &len, &mtime)) == NULL)
		return;
	for (i = 0; i < len && j + 1 < size; i++)
		if ((unsigned char)c[i] > ' ')
			buf[j++] = c[i];
	buf[j] = '\0';
	free(c);
}

static void
free_cb(const void *data, size_t len, void *arg)
{
	(void)len;
	(void)arg;
	free((void *)(uintptr_t)data);
}

/* /f/NAME, /count/NAME, and with gz /gz/NAME. */
static void
serve_file(struct server *s, struct evhttp_request *req, const char *name, int gz)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	char path[4096], etag[48], date[64], charset[128], type[256];
	struct evbuffer *b;
	size_t len;
	time_t mtime;
	char *data;
	uint64_t h;

	if (!name_ok(name) ||
	    snprintf(path, sizeof(path), "%s/%s", s->root, name) >= (int)sizeof(path) ||
	    (data = file_read(path, &len, &mtime)) == NULL) {
		respond_text(req, 404);
		return;
	}
	/* /gz/ answers by Accept-Encoding: say so to caches, whichever it sends */
	if (gz)
		evhttp_add_header(out, "Vary", "Accept-Encoding");
	gz = gz && accepts_gzip(req);
	h = hash64(data, len);
	/* another representation, another tag */
	snprintf(etag, sizeof(etag), "\"%016llx%s\"", (unsigned long long)h, gz ? "-gz" : "");
	http_date(mtime, date, sizeof(date));
	charset_read(path, charset, sizeof(charset));
	snprintf(type, sizeof(type), "%s%s%s", content_type(name),
	         charset[0] != '\0' ? "; charset=" : "", charset);
	evhttp_add_header(out, "Content-Type", type);
	evhttp_add_header(out, "ETag", etag);
	evhttp_add_header(out, "Last-Modified", date);
	if (not_modified(req, etag, mtime)) {
		free(data);
		evhttp_remove_header(out, "Content-Type");
		respond(req, 304, NULL);
		return;
	}
	if (gz) {
		struct gz g;

		if (gz_init(&g, 15 + 16) != 0 || gz_feed(&g, data, len, Z_FINISH) != 0) {
			gz_abort(&g);
			free(data);
			respond_text(req, 500);
			return;
		}
		free(data);
		data = (char *)gz_end(&g, &len);
		evhttp_add_header(out, "Content-Encoding", "gzip");
	}
	/* data is handed to b, which frees it */
	if ((b = evbuffer_new()) == NULL ||
	    evbuffer_add_reference(b, data, len, free_cb, NULL) != 0) {
		free(data);
		if (b != NULL)
			evbuffer_free(b);
		respond_text(req, 500);
		return;
	}
	respond(req, 200, b);
	evbuffer_free(b);
}

/* Respond with body as a 200 of type type. */
static void
respond_body(struct evhttp_request *req, const char *type, struct evbuffer *b)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", type);
	respond(req, 200, b);
}

static void
serve_bomb(struct server *s, struct evhttp_request *req)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	struct evbuffer *b = evbuffer_new();

	/* the bytes are the server's, kept to the end: a reference, no cleanup */
	if (b == NULL || evbuffer_add_reference(b, s->bomb, s->bomblen, NULL, NULL) != 0) {
		if (b != NULL)
			evbuffer_free(b);
		respond_text(req, 500);
		return;
	}
	evhttp_add_header(out, "Content-Encoding", "gzip");
	respond_body(req, "application/rss+xml", b);
	evbuffer_free(b);
}

static void
serve_html(struct evhttp_request *req)
{
	struct evbuffer *b = evbuffer_new();

	if (b != NULL)
		evbuffer_add_printf(b,
		                    "<!DOCTYPE html>\n<html><head><title>Not a feed</title>"
		                    "</head>\n<body><h1>Welcome</h1><p>This page is HTML, "
		                    "not a feed; Austin Tice is named here.</p></body></html>\n");
	respond_body(req, "application/rss+xml", b);
	if (b != NULL)
		evbuffer_free(b);
}

static void
serve_big(struct evhttp_request *req, long n)
{
	struct evbuffer *b = evbuffer_new();
	long i;

	if (b == NULL) {
		respond_text(req, 500);
		return;
	}
	evbuffer_add_printf(b,
	                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">"
	                    "<channel><title>Big feed</title><link>http://big.invalid/</link>"
	                    "<description>%ld items</description>\n",
	                    n);
	for (i = 0; i < n; i++)
		evbuffer_add_printf(
		    b,
		    "<item><title>Item %ld</title><link>http://big.invalid/%ld</link>"
		    "<guid isPermaLink=\"false\">big-%ld</guid><description>%s"
		    "</description></item>\n",
		    i, i, i,
		    i % 100 == 0 ? "The family of Austin Tice asked for news."
		                 : "Nothing to see here.");
	evbuffer_add_printf(b, "</channel></rss>\n");
	respond_body(req, "application/rss+xml", b);
	evbuffer_free(b);
}

/* /bench/I: three items, gen-2..gen, newest first. */
static void
serve_bench(struct server *s, struct evhttp_request *req, long i)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	struct evbuffer *b = evbuffer_new();
	char etag[48], date[64];
	unsigned g;
	size_t len;
	const unsigned char *p;

	if (b == NULL) {
		respond_text(req, 500);
		return;
	}
	evbuffer_add_printf(b,
	                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">"
	                    "<channel><title>Bench feed %ld</title>"
	                    "<link>http://bench.invalid/%ld/</link>"
	                    "<description>feed %ld of the bench</description>\n",
	                    i, i, i);
	for (g = s->gen + 1; g-- > 0 && g + 3 > s->gen;)
		evbuffer_add_printf(
		    b,
		    "<item><title>Bench %ld report %u</title>"
		    "<link>http://bench.invalid/%ld/%u</link><guid>bench-%ld-%u</guid>"
		    "<description>Report %u of feed %ld: the weather in the "
		    "valley stays dry.</description></item>\n",
		    i, g, i, g, i, g, g, i);
	evbuffer_add_printf(b, "</channel></rss>\n");
	len = evbuffer_get_length(b);
	p = evbuffer_pullup(b, -1);
	snprintf(etag, sizeof(etag), "\"%016llx\"",
	         (unsigned long long)(p != NULL ? hash64(p, len) : 0));
	http_date(s->genmtime, date, sizeof(date));
	evhttp_add_header(out, "ETag", etag);
	evhttp_add_header(out, "Last-Modified", date);
	if (not_modified(req, etag, s->genmtime))
		respond(req, 304, NULL);
	else
		respond_body(req, "application/rss+xml", b);
	evbuffer_free(b);
}

static void
pending_drop(struct server *s, struct pending *p)
{
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		s->pending = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	if (p->timer != NULL)
		event_free(p->timer);
	free(p);
}

/* Forget the answered /slow requests; called on each new request. */
static void
pending_sweep(struct server *s)
{
	struct pending *p = s->pending, *next;

	for (; p != NULL; p = next) {
		next = p->next;
		if (p->req == NULL)
			pending_drop(s, p);
	}
}

static void
slow_feed(struct evbuffer *b)
{
	evbuffer_add_printf(b, "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>"
	                       "<title>Slow</title><link>http://slow.invalid/</link>"
	                       "<description>late</description>\n<item><title>Late</title>"
	                       "<guid>slow-1</guid><description>At last.</description></item>"
	                       "</channel></rss>\n");
}

static void
slow_done(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;
	struct evbuffer *b = evbuffer_new();

	(void)fd;
	(void)what;
	if (b != NULL)
		slow_feed(b);
	evhttp_add_header(evhttp_request_get_output_headers(p->req), "Content-Type",
	                  "application/rss+xml");
	/*
	 * Logged when it came. A client gone meanwhile detached the request from
	 * its connection: evhttp frees it on this reply all the same.
	 */
	evhttp_send_reply(p->req, 200, "OK", b);
	if (b != NULL)
		evbuffer_free(b);
	/* pending_sweep frees p: not here, where its timer is running */
	p->req = NULL;
}

static void
serve_slow(struct server *s, struct evhttp_request *req, long secs)
{
	struct pending *p = calloc(1, sizeof(*p));
	struct timeval tv = {secs, 0};

	if (p == NULL || (p->timer = evtimer_new(s->base, slow_done, p)) == NULL ||
	    evtimer_add(p->timer, &tv) != 0) {
		if (p != NULL && p->timer != NULL)
			event_free(p->timer);
		free(p);
		respond_text(req, 500);
		return;
	}
	p->req = req;
	p->next = s->pending;
	if (s->pending != NULL)
		s->pending->prev = p;
	s->pending = p;
	log_request(req, 200);
}

/* The number that is all of s (decimal, no sign), in [0, max]; -1 if none. */
static long
number(const char *s, long max)
{
	long n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || n > max / 10)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n <= max ? n : -1;
}

/* /chain/N/NAME */
static void
serve_chain(struct server *s, struct evhttp_request *req, const char *rest)
{
	const char *slash = strchr(rest, '/');
	char num[16], loc[4096];
	long n;

	if (slash == NULL || (size_t)(slash - rest) >= sizeof(num)) {
		respond_text(req, 404);
		return;
	}
	memcpy(num, rest, (size_t)(slash - rest));
	num[slash - rest] = '\0';
	if ((n = number(num, 1000)) < 0 || !name_ok(slash + 1)) {
		respond_text(req, 404);
		return;
	}
	if (n == 0) {
		serve_file(s, req, slash + 1, 0);
		return;
	}
	if (n == 1)
		snprintf(loc, sizeof(loc), "/f/%s", slash + 1);
	else
		snprintf(loc, sizeof(loc), "/chain/%ld/%s", n - 1, slash + 1);
	redirect(req, 301, loc);
}

/* A path that starts with prefix: what follows it; NULL otherwise. */
static const char *
after(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 ? path + n : NULL;
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	static const int redirects[] = {301, 302, 307, 308};
	struct server *s = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	char loc[4096];
	const char *rest;
	size_t i;
	long n;

	pending_sweep(s);
	if (path == NULL)
		path = "";
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
		respond_text(req, 405);
		return;
	}
	if ((rest = after(path, "/f/")) != NULL || (rest = after(path, "/count/")) != NULL) {
		serve_file(s, req, rest, 0);
		return;
	}
	if ((rest = after(path, "/gz/")) != NULL) {
		serve_file(s, req, rest, 1);
		return;
	}
	for (i = 0; i < sizeof(redirects) / sizeof(redirects[0]); i++) {
		char prefix[8];

		snprintf(prefix, sizeof(prefix), "/%d/", redirects[i]);
		if ((rest = after(path, prefix)) != NULL) {
			if (!name_ok(rest)) {
				respond_text(req, 404);
				return;
			}
			snprintf(loc, sizeof(loc), "/f/%s", rest);
			redirect(req, redirects[i], loc);
			return;
		}
	}
	if ((rest = after(path, "/chain/")) != NULL) {
		serve_chain(s, req, rest);
		return;
	}
	if ((rest = after(path, "/private-redirect/")) != NULL) {
		if (!name_ok(rest)) {
			respond_text(req, 404);
			return;
		}
		snprintf(loc, sizeof(loc), "http://127.0.0.2:%u/f/%s", s->port, rest);
		redirect(req, 301, loc);
		return;
	}
	if ((rest = after(path, "/big/")) != NULL && (n = number(rest, BIG_MAX)) >= 0) {
		serve_big(req, n);
		return;
	}
	if ((rest = after(path, "/bench/")) != NULL && (n = number(rest, FEEDS_MAX)) >= 0 &&
	    n < s->feeds) {
		serve_bench(s, req, n);
		return;
	}
	if ((rest = after(path, "/slow/")) != NULL && (n = number(rest, 3600)) >= 0) {
		serve_slow(s, req, n);
		return;
	}
	if (strcmp(path, "/slow") == 0)
		serve_slow(s, req, SLOW_DEFAULT);
	else if (strcmp(path, "/bomb") == 0)
		serve_bomb(s, req);
	else if (strcmp(path, "/loop") == 0)
		redirect(req, 301, "/loop");
	else if (strcmp(path, "/gone") == 0)
		respond_text(req, 410);
	else if (strcmp(path, "/429") == 0 || strcmp(path, "/503") == 0) {
		int code = path[1] == '4' ? 429 : 503;

		evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After",
		                  code == 429 ? "2" : "1");
		respond_text(req, code);
	} else if (strcmp(path, "/500") == 0)
		respond_text(req, 500);
	else if (strcmp(path, "/empty") == 0)
		respond_body(req, "application/rss+xml", NULL);
	else if (strcmp(path, "/html") == 0)
		serve_html(req);
	else
		respond_text(req, 404);
}

static void
on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;

	(void)sig;
	(void)what;
	event_base_loopbreak(s->base);
}

/* SIGUSR1: a new item in every bench feed. */
static void
on_usr1(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	time_t now = time(NULL);

	(void)sig;
	(void)what;
	s->gen++;
	/* a second later at least, so that If-Modified-Since sees the change */
	s->genmtime = now > s->genmtime ? now : s->genmtime + 1;
	fprintf(stderr, "feedserver: bench feeds now end at report %u\n", s->gen);
}

/* Write the port to path through path.tmp and rename(2). Returns 0, -1. */
static int
port_write(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct server s = {0};
	struct evhttp *http = NULL;
	struct evhttp_bound_socket *bound;
	struct event *sig[3] = {NULL, NULL, NULL};
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	struct stat st;
	int i, rc = 2;

	if (argc == 5 && strcmp(argv[3], "--feeds") == 0) {
		if ((s.feeds = number(argv[4], FEEDS_MAX)) < 0) {
			fprintf(stderr, "feedserver: --feeds: '%s' is not a number up to %ld\n",
			        argv[4], FEEDS_MAX);
			return 2;
		}
	} else if (argc != 3) {
		fprintf(stderr, "usage: feedserver PORTFILE ROOT [--feeds N]\n");
		return 2;
	}
	s.root = argv[2];
	if (stat(s.root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "feedserver: %s: not a directory\n", s.root);
		return 2;
	}
	s.gen = 2;
	s.genmtime = time(NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if (bomb_make(&s) != 0) {
		fprintf(stderr, "feedserver: cannot make the gzip bomb: out of memory\n");
		goto out;
	}
	if ((s.base = event_base_new()) == NULL || (http = evhttp_new(s.base)) == NULL) {
		fprintf(stderr, "feedserver: cannot start libevent\n");
		goto out;
	}
	/* /slow keeps its connections 30 s and more: no idle timeout of ours cuts them */
	evhttp_set_timeout(http, 3600);
	evhttp_set_gencb(http, on_request, &s);
	bound = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	if (bound == NULL ||
	    getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&sa, &salen) != 0) {
		fprintf(stderr, "feedserver: cannot listen on 127.0.0.1: %s\n", strerror(errno));
		goto out;
	}
	s.port = ntohs(sa.sin_port);
	/* the target of /private-redirect; a test may do without it */
	if (evhttp_bind_socket_with_handle(http, "127.0.0.2", (ev_uint16_t)s.port) == NULL)
		fprintf(stderr, "feedserver: cannot listen on 127.0.0.2:%u: %s\n", s.port,
		        strerror(errno));
	sig[0] = evsignal_new(s.base, SIGTERM, on_stop, &s);
	sig[1] = evsignal_new(s.base, SIGINT, on_stop, &s);
	sig[2] = evsignal_new(s.base, SIGUSR1, on_usr1, &s);
	for (i = 0; i < 3; i++)
		if (sig[i] == NULL || evsignal_add(sig[i], NULL) != 0) {
			fprintf(stderr, "feedserver: cannot catch signals\n");
			goto out;
		}
	if (port_write(argv[1], s.port) != 0) {
		fprintf(stderr, "feedserver: %s: %s\n", argv[1], strerror(errno));
		goto out;
	}
	if (event_base_dispatch(s.base) < 0) {
		fprintf(stderr, "feedserver: the event loop failed\n");
		goto out;
	}
	rc = 0;
out:
	/*
	 * Answer what is still pending, so that evhttp frees every request: it
	 * owns those still on a connection, and a reply frees a detached one.
	 */
	while (s.pending != NULL) {
		if (s.pending->req != NULL)
			evhttp_send_reply(s.pending->req, 503, "Service Unavailable", NULL);
		pending_drop(&s, s.pending);
	}
	for (i = 0; i < 3; i++)
		if (sig[i] != NULL)
			event_free(sig[i]);
	if (http != NULL)
		evhttp_free(http);
	if (s.base != NULL)
		event_base_free(s.base);
	free(s.bomb);
	return rc;
}
