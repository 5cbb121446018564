/* test_diag.c: diagnostics, their format, and source maps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"

static void
test_format_table(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		unsigned line, col;
		enum diag_sev sev;
		const char *want;
	} cases[] = {
	    {"rules/syria.rules", 14, 29, DIAG_ERROR,
	     "rules/syria.rules:14:29: error: unclosed phrase (opened here)"},
	    {"a.rules", 20, 9, DIAG_WARNING,
	     "a.rules:20:9: warning: unclosed phrase (opened here)"},
	    {"a.rules", 3, 1, DIAG_NOTE, "a.rules:3:1: note: unclosed phrase (opened here)"},
	    {"a.rules", 7, 0, DIAG_ERROR, "a.rules:7: error: unclosed phrase (opened here)"},
	    {"a.rules", 0, 0, DIAG_ERROR, "a.rules: error: unclosed phrase (opened here)"},
	    {NULL, 2, 5, DIAG_ERROR, "2:5: error: unclosed phrase (opened here)"},
	    {NULL, 0, 0, DIAG_WARNING, "warning: unclosed phrase (opened here)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct diags d;
		char buf[256];
		diags_init(&d);
		diags_add(&d, cases[i].file, cases[i].line, cases[i].col, cases[i].sev, "%s %s",
		          "unclosed phrase", "(opened here)");
		assert_int_equal(d.n, 1);
		diag_format(&d.v[0], buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
		diags_free(&d);
	}
}

static void
test_counts(void **state)
{
	(void)state;
	struct diags d;
	diags_init(&d);
	for (int i = 0; i < 100; i++)
		diags_add(&d, "f", (unsigned)i + 1, 1, i % 3 == 0 ? DIAG_WARNING : DIAG_ERROR,
		          "m%d", i);
	diags_add(&d, "f", 1, 1, DIAG_NOTE, "a note counts as neither");
	assert_int_equal(d.n, 101);
	assert_int_equal(d.nwarnings, 34);
	assert_int_equal(d.nerrors, 66);
	assert_string_equal(d.v[42].msg, "m42");
	assert_int_equal(d.v[42].line, 43);
	diags_free(&d);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.nerrors, 0);
	assert_null(d.v);
}

/* A file name is copied: the caller's buffer may go away. */
static void
test_file_copied(void **state)
{
	(void)state;
	struct diags d;
	char name[] = "x.rules", buf[64];
	diags_init(&d);
	diags_add(&d, name, 1, 2, DIAG_ERROR, "boom");
	name[0] = 'y';
	diag_format(&d.v[0], buf, sizeof buf);
	assert_string_equal(buf, "x.rules:1:2: error: boom");
	diags_free(&d);
}

static void
test_format_truncates(void **state)
{
	(void)state;
	struct diags d;
	char buf[12];
	diags_init(&d);
	diags_add(&d, "file.rules", 1, 2, DIAG_ERROR, "boom");
	diag_format(&d.v[0], buf, sizeof buf);
	assert_string_equal(buf, "file.rules:");
	diags_free(&d);
}

static void
test_print(void **state)
{
	(void)state;
	struct diags d;
	char *out = NULL, big[6000];
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	assert_non_null(fp);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	diags_init(&d);
	diags_add(&d, "a.rules", 1, 9, DIAG_ERROR, "first");
	diags_add(&d, "a.rules", 2, 1, DIAG_WARNING, "second");
	diags_add(&d, "a.rules", 3, 1, DIAG_ERROR, "%s", big);
	diags_print(&d, fp);
	fclose(fp);
	const char *head = "a.rules:1:9: error: first\na.rules:2:1: warning: second\n";
	assert_int_equal(strncmp(out, head, strlen(head)), 0);
	/* a long message is printed whole */
	assert_int_equal(len, strlen(head) + strlen("a.rules:3:1: error: ") + sizeof big - 1 + 1);
	free(out);
	diags_free(&d);
}

/* Sorted by file (in the order files first appear), line, column; ties keep their order. */
static void
test_sort(void **state)
{
	static const char *const want[] = {
	    "b.rules: error: one",         "b.rules:2: error: two",
	    "b.rules:2:3: warning: three", "b.rules:2:3: error: four",
	    "b.rules:10:1: error: five",   "a.rules:1:1: warning: six",
	    "a.rules:7:2: warning: seven", "error: eight", /* no file: a group of its own */
	};
	struct diags d;
	char buf[128];

	(void)state;
	diags_init(&d);
	diags_add(&d, "b.rules", 10, 1, DIAG_ERROR, "five");
	diags_add(&d, "a.rules", 7, 2, DIAG_WARNING, "seven");
	diags_add(&d, NULL, 0, 0, DIAG_ERROR, "eight");
	diags_add(&d, "b.rules", 2, 3, DIAG_WARNING, "three");
	diags_add(&d, "b.rules", 2, 0, DIAG_ERROR, "two");
	diags_add(&d, "a.rules", 1, 1, DIAG_WARNING, "six");
	diags_add(&d, "b.rules", 2, 3, DIAG_ERROR, "four");
	diags_add(&d, "b.rules", 0, 0, DIAG_ERROR, "one");
	diags_sort(&d);
	assert_int_equal(d.n, 8);
	assert_int_equal(d.nerrors, 5);
	assert_int_equal(d.nwarnings, 3);
	for (size_t i = 0; i < d.n; i++) {
		diag_format(&d.v[i], buf, sizeof(buf));
		if (strcmp(buf, want[i]) != 0)
			fail_msg("%zu: got '%s', want '%s'", i, buf, want[i]);
	}
	diags_free(&d);
	diags_sort(&d); /* empty: nothing to do */
	assert_int_equal(d.n, 0);
}

static void
test_col(void **state)
{
	(void)state;
	const char *ar = "query = \"بشار\" x";
	assert_int_equal(diag_col("abc", 0), 1);
	assert_int_equal(diag_col("abc", 2), 3);
	assert_int_equal(diag_col("abc", 3), 4);
	/* 4 Arabic letters are 8 bytes but 4 columns */
	assert_int_equal(diag_col(ar, strlen("query = \"بشار\" ")), 16);
	assert_int_equal(diag_col("\t\tx", 2), 3);
	/* invalid bytes count one each; a sequence cut by off counts as started */
	assert_int_equal(diag_col("a\xff\xfe"
	                          "b",
	                          3),
	                 4);
	assert_int_equal(diag_col("\xe2\x82\xac"
	                          "x",
	                          3),
	                 2);
	assert_int_equal(diag_col("\xf0\x9f\x98\x80"
	                          "x",
	                          4),
	                 2);
	assert_int_equal(diag_col("\xc0\xafx", 2), 3); /* overlong: two bad bytes */
}

/* Three lines of a rule file: the query and two continuation lines. */
static void
test_srcmap(void **state)
{
	(void)state;
	const char *l1 = "query = Assad OR";
	const char *l2 = "        \"بشار الأسد\" OR";
	const char *l3 = "\tKa*";
	/* joined: "Assad OR\n\"بشار الأسد\" OR\nKa*" */
	size_t s2 = strlen("Assad OR") + 1;
	size_t s3 = s2 + strlen("\"بشار الأسد\" OR") + 1;
	struct srcmap m;
	unsigned line, col;

	srcmap_init(&m, "x.rules");
	assert_int_equal(srcmap_add(&m, 0, 4, l1, 8), 0);
	assert_int_equal(srcmap_add(&m, s2, 5, l2, 8), 0);
	assert_int_equal(srcmap_add(&m, s3, 7, l3, 1), 0);

	srcmap_locate(&m, 0, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 9);
	srcmap_locate(&m, 6, &line, &col); /* OR */
	assert_int_equal(line, 4);
	assert_int_equal(col, 15);
	srcmap_locate(&m, s2 - 1, &line, &col); /* the joining newline: end of line 4 */
	assert_int_equal(line, 4);
	assert_int_equal(col, 17);
	srcmap_locate(&m, s2, &line, &col);
	assert_int_equal(line, 5);
	assert_int_equal(col, 9);
	srcmap_locate(&m, s2 + strlen("\"بشار الأسد\" "), &line, &col); /* OR of line 5 */
	assert_int_equal(line, 5);
	assert_int_equal(col, 22);
	srcmap_locate(&m, s3 + 2, &line, &col);
	assert_int_equal(line, 7);
	assert_int_equal(col, 4);
	srcmap_locate(&m, s3 + 3, &line, &col); /* the end of the text */
	assert_int_equal(line, 7);
	assert_int_equal(col, 5);

	struct diags d;
	char buf[128];
	diags_init(&d);
	diags_at(&d, &m, s3, DIAG_ERROR, "prefix needs at least %d characters before '*'", 3);
	diag_format(&d.v[0], buf, sizeof buf);
	assert_string_equal(buf,
	                    "x.rules:7:2: error: prefix needs at least 3 characters before '*'");
	diags_free(&d);
	srcmap_free(&m);
	assert_int_equal(m.nsegs, 0);
}

/* Many segments: the lookup is a binary search over them. */
static void
test_srcmap_many(void **state)
{
	(void)state;
	struct srcmap m;
	static const char line[] = "0123456789";
	srcmap_init(&m, NULL);
	for (unsigned i = 0; i < 100000; i++)
		assert_int_equal(srcmap_add(&m, (size_t)i * 11, i + 1, line, 0), 0);
	for (unsigned i = 0; i < 100000; i += 997) {
		unsigned l, c;
		srcmap_locate(&m, (size_t)i * 11 + 4, &l, &c);
		assert_int_equal(l, i + 1);
		assert_int_equal(c, 5);
	}
	srcmap_free(&m);
}

static void
test_no_map(void **state)
{
	(void)state;
	struct diags d;
	struct srcmap empty;
	unsigned line = 9, col = 9;
	char buf[64];
	srcmap_init(&empty, "e.rules");
	srcmap_locate(&empty, 3, &line, &col);
	assert_int_equal(line, 0);
	assert_int_equal(col, 0);
	diags_init(&d);
	diags_at(&d, NULL, 5, DIAG_ERROR, "out of memory");
	diags_at(&d, &empty, 5, DIAG_WARNING, "w");
	diag_format(&d.v[0], buf, sizeof buf);
	assert_string_equal(buf, "error: out of memory");
	diag_format(&d.v[1], buf, sizeof buf);
	assert_string_equal(buf, "e.rules: warning: w");
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_table), cmocka_unit_test(test_counts),
	    cmocka_unit_test(test_file_copied),  cmocka_unit_test(test_format_truncates),
	    cmocka_unit_test(test_print),        cmocka_unit_test(test_col),
	    cmocka_unit_test(test_srcmap),       cmocka_unit_test(test_srcmap_many),
	    cmocka_unit_test(test_no_map),       cmocka_unit_test(test_sort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
