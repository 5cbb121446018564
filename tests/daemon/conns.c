/*
 * conns.c: idle TCP connections to harkd's HTTP server, for http.sh.
 *   conns idle HOST PORT          one connection that sends nothing; prints
 *                                 "closed after S s, N bytes" when the server
 *                                 closes it (at most 60 s)
 *   conns hold HOST PORT N FILE   N connections that send nothing; creates
 *                                 FILE.open once they are all made, closes
 *                                 them when FILE.close exists (at most 120 s)
 * IPv4 only: the tests listen on 127.0.0.1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A connection, non-blocking when nb; -1 on a failure. */
static int
dial(const char *host, int port, int nb)
{
	struct sockaddr_in sa = {0};
	int fd = socket(AF_INET, SOCK_STREAM | (nb ? SOCK_NONBLOCK : 0), 0);

	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (fd < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
idle(const char *host, int port)
{
	int fd = dial(host, port, 0);
	struct pollfd p;
	double t = now();
	char buf[256];
	ssize_t n;

	if (fd < 0) {
		perror("conns: connect");
		return 2;
	}
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 60000) <= 0) {
		printf("not closed in 60 s\n");
		return 1;
	}
	n = read(fd, buf, sizeof(buf));
	printf("closed after %.1f s, %zd bytes\n", now() - t, n < 0 ? 0 : n);
	close(fd);
	return 0;
}

static int
hold(const char *host, int port, int n, const char *file)
{
	char path[4096];
	int *fds = calloc((size_t)n, sizeof(int)), made = 0;
	double end = now() + 120;
	FILE *f;

	if (fds == NULL)
		return 2;
	for (int i = 0; i < n; i++)
		if ((fds[i] = dial(host, port, 1)) >= 0)
			made++;
	snprintf(path, sizeof(path), "%s.open", file);
	if ((f = fopen(path, "w")) != NULL)
		fclose(f);
	snprintf(path, sizeof(path), "%s.close", file);
	while (access(path, F_OK) != 0 && now() < end)
		usleep(50000);
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	printf("made %d, closed\n", made);
	free(fds);
	return made == n ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "idle") == 0)
		return idle(argv[2], atoi(argv[3]));
	if (argc == 6 && strcmp(argv[1], "hold") == 0)
		return hold(argv[2], atoi(argv[3]), atoi(argv[4]), argv[5]);
	fprintf(stderr, "usage: conns idle HOST PORT | conns hold HOST PORT N FILE\n");
	return 2;
}
