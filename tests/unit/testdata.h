/*
 * testdata.h: the unit tests' one way to read a fixture. Include it after
 * <cmocka.h>. The file is $HARK_TESTDATA/<rel> (ctest sets HARK_TESTDATA to
 * tests/); it is returned NUL-terminated, owned by the caller (free()).
 */
#ifndef HARK_TESTDATA_H
#define HARK_TESTDATA_H

#include <stdio.h>
#include <stdlib.h>

static char *
testdata_read(const char *rel, size_t *len)
{
	const char *dir = getenv("HARK_TESTDATA");
	char path[1024];
	char *buf;
	FILE *f;
	long n;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

#endif
