/*
 * check_log.c: unit tests for common/log.c: level filtering by
 * subsystem, errno text, line sanitising, the stderr line format,
 * fatal exits, and rate limiting driven by a test clock.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

#define CAP_MAX		64

/* Messages the hook saw, newest last. */
static struct {
	int		 n;
	enum log_subsys	 sub[CAP_MAX];
	enum log_level	 level[CAP_MAX];
	char		 msg[CAP_MAX][LOG_MSG_MAX];
} cap;

static uint64_t fake_now;

static uint64_t
fake_clock(void)
{
	return fake_now;
}

static void
capture(enum log_subsys sub, enum log_level level, const char *msg,
    void *ctx)
{
	(void)ctx;
	if (cap.n < CAP_MAX) {
		cap.sub[cap.n] = sub;
		cap.level[cap.n] = level;
		snprintf(cap.msg[cap.n], sizeof(cap.msg[0]), "%s", msg);
	}
	cap.n++;
}

static void
setup(void)
{
	memset(&cap, 0, sizeof(cap));
	log_init("test", 1, LOG_LVL_INFO);
	log_set_hook(capture, NULL);
	fake_now = 1000000;
	clock_set_source(fake_clock);
}

static void
teardown(void)
{
	log_set_hook(NULL, NULL);
	clock_set_source(NULL);
}

START_TEST(test_names)
{
	int i;

	for (i = 0; i < LOG_SUB_MAX; i++)
		ck_assert_int_eq(log_subsys_parse(log_subsys_name(i)), i);
	ck_assert_str_eq(log_subsys_name(LOG_SUB_MH), "mh");
	ck_assert_str_eq(log_subsys_name(LOG_SUB_IPSEC), "ipsec");
	ck_assert_str_eq(log_subsys_name(LOG_SUB_MAG), "mag");
	ck_assert_str_eq(log_subsys_name(LOG_SUB_MAX), "?");
	ck_assert_int_eq(log_subsys_parse("nope"), -1);
	ck_assert_int_eq(log_subsys_parse(NULL), -1);

	for (i = LOG_LVL_ERR; i <= LOG_LVL_DEBUG; i++)
		ck_assert_int_eq(log_level_parse(log_level_name(i)), i);
	ck_assert_int_eq(log_level_parse("DEBUG"), LOG_LVL_DEBUG);
	ck_assert_int_eq(log_level_parse("warning"), LOG_LVL_WARN);
	ck_assert_int_eq(log_level_parse("error"), LOG_LVL_ERR);
	ck_assert_int_eq(log_level_parse("verbose"), -1);
	ck_assert_int_eq(log_level_parse(NULL), -1);
}
END_TEST

START_TEST(test_levels)
{
	log_info(LOG_SUB_MH, "info %d", 1);
	log_debug(LOG_SUB_MH, "hidden");
	ck_assert_int_eq(cap.n, 1);
	ck_assert_str_eq(cap.msg[0], "info 1");
	ck_assert_int_eq(cap.sub[0], LOG_SUB_MH);
	ck_assert_int_eq(cap.level[0], LOG_LVL_INFO);

	/* Per subsystem: debug for mh only. */
	log_set_level(LOG_SUB_MH, LOG_LVL_DEBUG);
	ck_assert(log_enabled(LOG_SUB_MH, LOG_LVL_DEBUG));
	ck_assert(!log_enabled(LOG_SUB_BCE, LOG_LVL_DEBUG));
	log_debug(LOG_SUB_MH, "shown");
	log_debug(LOG_SUB_BCE, "hidden");
	ck_assert_int_eq(cap.n, 2);
	ck_assert_str_eq(cap.msg[1], "shown");
	ck_assert_int_eq(cap.level[1], LOG_LVL_DEBUG);

	/* Quiet down to errors only. */
	log_set_level(LOG_SUB_BCE, LOG_LVL_ERR);
	ck_assert_int_eq(log_get_level(LOG_SUB_BCE), LOG_LVL_ERR);
	log_warnx(LOG_SUB_BCE, "hidden");
	log_notice(LOG_SUB_BCE, "hidden");
	log_msg(LOG_SUB_BCE, LOG_LVL_ERR, "err %s", "shown");
	ck_assert_int_eq(cap.n, 3);
	ck_assert_str_eq(cap.msg[2], "err shown");
	ck_assert_int_eq(cap.level[2], LOG_LVL_ERR);

	/* Out-of-range arguments are ignored, not trusted. */
	log_set_level(LOG_SUB_MAX, LOG_LVL_DEBUG);
	log_msg(LOG_SUB_MAX, LOG_LVL_ERR, "dropped");
	ck_assert_int_eq(cap.n, 3);

	/* log_init resets every subsystem. */
	log_init("test", 1, LOG_LVL_NOTICE);
	ck_assert_int_eq(log_get_level(LOG_SUB_MH), LOG_LVL_NOTICE);
	ck_assert_int_eq(log_get_level(LOG_SUB_BCE), LOG_LVL_NOTICE);
}
END_TEST

START_TEST(test_errno)
{
	errno = ENOENT;
	log_warn(LOG_SUB_DP, "open %s", "/nonexistent");
	ck_assert_int_eq(errno, ENOENT);
	errno = ENOENT;
	log_warnx(LOG_SUB_DP, "plain");
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(cap.n, 2);
	ck_assert_str_eq(cap.msg[0], "open /nonexistent: No such file or"
	    " directory");
	ck_assert_int_eq(cap.level[0], LOG_LVL_WARN);
	ck_assert_str_eq(cap.msg[1], "plain");
	ck_assert_int_eq(cap.level[1], LOG_LVL_WARN);
}
END_TEST

START_TEST(test_sanitise)
{
	char big[3 * LOG_MSG_MAX];

	/* Text from a packet must not forge a second log line. */
	log_info(LOG_SUB_MH, "nai %s", "evil\nfake line\x1b[31m\x7f");
	ck_assert_str_eq(cap.msg[0], "nai evil?fake line?[31m?");

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_info(LOG_SUB_MH, "%s", big);
	ck_assert_uint_eq(strlen(cap.msg[1]), LOG_MSG_MAX - 1);
	ck_assert_str_eq(cap.msg[1] + LOG_MSG_MAX - 4, "...");

	/* A cut message gets no errno text glued on mid-word. */
	errno = EIO;
	log_warn(LOG_SUB_MH, "%s", big);
	ck_assert_str_eq(cap.msg[2] + LOG_MSG_MAX - 4, "...");
}
END_TEST

/* Point fd 2 at a temporary file while fn runs; return what it wrote. */
static void
stderr_capture(void (*fn)(void), char *out, size_t len)
{
	FILE *tmp;
	size_t n;
	int saved;

	ck_assert_ptr_nonnull(tmp = tmpfile());
	fflush(stderr);
	ck_assert_int_ne(saved = dup(2), -1);
	ck_assert_int_ne(dup2(fileno(tmp), 2), -1);
	fn();
	fflush(stderr);
	ck_assert_int_ne(dup2(saved, 2), -1);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, len - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
}

static void
emit_two(void)
{
	errno = EPERM;
	log_warn(LOG_SUB_MH, "hello %d", 42);
	log_debug(LOG_SUB_LMA, "filtered");
	log_info(LOG_SUB_LMA, "bye");
}

START_TEST(test_stderr_format)
{
	char out[1024];
	regex_t re;
	int rc;

	log_set_hook(NULL, NULL);
	log_init("pmip6-test", 1, LOG_LVL_INFO);
	stderr_capture(emit_two, out, sizeof(out));
	ck_assert_int_eq(regcomp(&re,
	    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
	    "\\.[0-9]{3}Z "
	    "pmip6-test\\[mh\\] warn: hello 42: Operation not permitted\n"
	    "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z "
	    "pmip6-test\\[lma\\] info: bye\n$", REG_EXTENDED), 0);
	rc = regexec(&re, out, 0, NULL, 0);
	regfree(&re);
	ck_assert_msg(rc == 0, "stderr was: %s", out);
}
END_TEST

/* Keep the dying words out of the test log. */
static void
stderr_to_null(void)
{
	FILE *null = fopen("/dev/null", "w");

	ck_assert_ptr_nonnull(null);
	ck_assert_int_ne(dup2(fileno(null), 2), -1);
	fclose(null);
}

START_TEST(test_fatalx)
{
	log_set_hook(NULL, NULL);
	stderr_to_null();
	/* fatal is never filtered out, whatever the level. */
	log_init("test", 1, LOG_LVL_ERR);
	fatalx(LOG_SUB_MAIN, "cannot start: %s", "reason");
}
END_TEST

START_TEST(test_fatal)
{
	log_set_hook(NULL, NULL);
	stderr_to_null();
	errno = EACCES;
	fatal(LOG_SUB_CONF, "open");
}
END_TEST

/* Count the hook messages equal to s. */
static int
cap_count(const char *s)
{
	int i, n = 0;

	for (i = 0; i < cap.n && i < CAP_MAX; i++)
		if (strcmp(cap.msg[i], s) == 0)
			n++;
	return n;
}

START_TEST(test_ratelimit)
{
	struct log_ratelimit rl;
	int i;

	log_ratelimit_init(&rl, 10000, 10);
	for (i = 0; i < 25; i++) {
		log_rl(&rl, LOG_SUB_MH, LOG_LVL_WARN, "bad PBU %d", i);
		fake_now += 100;
	}
	/* 2.5 s in: the burst of 10 got through, 15 were counted. */
	ck_assert_int_eq(cap.n, 10);
	ck_assert_str_eq(cap.msg[0], "bad PBU 0");
	ck_assert_str_eq(cap.msg[9], "bad PBU 9");
	ck_assert_uint_eq(rl.suppressed, 15);

	/* Still inside the window one ms before it closes. */
	fake_now = 1000000 + 9999;
	log_rl(&rl, LOG_SUB_MH, LOG_LVL_WARN, "bad PBU %d", 99);
	ck_assert_int_eq(cap.n, 10);

	/* The window reopens: the count comes first, then the message. */
	fake_now = 1000000 + 10000;
	log_rl(&rl, LOG_SUB_MH, LOG_LVL_WARN, "bad PBU %d", 100);
	ck_assert_int_eq(cap.n, 12);
	ck_assert_str_eq(cap.msg[10], "16 similar messages suppressed");
	ck_assert_int_eq(cap.sub[10], LOG_SUB_MH);
	ck_assert_int_eq(cap.level[10], LOG_LVL_WARN);
	ck_assert_str_eq(cap.msg[11], "bad PBU 100");
	ck_assert_uint_eq(rl.suppressed, 0);

	/* A quiet window after a clean one reports nothing. */
	fake_now += 20000;
	log_rl(&rl, LOG_SUB_MH, LOG_LVL_WARN, "again");
	ck_assert_int_eq(cap.n, 13);
	ck_assert_str_eq(cap.msg[12], "again");
}
END_TEST

START_TEST(test_ratelimit_filtered)
{
	struct log_ratelimit rl = LOG_RATELIMIT_INIT(1000, 2);
	int i;

	/* Below the level: no output and no slot used. */
	for (i = 0; i < 5; i++)
		log_rl(&rl, LOG_SUB_MH, LOG_LVL_DEBUG, "debug %d", i);
	ck_assert_int_eq(cap.n, 0);
	ck_assert_uint_eq(rl.count, 0);
	ck_assert_uint_eq(rl.suppressed, 0);
	log_rl(&rl, LOG_SUB_MH, LOG_LVL_INFO, "a");
	log_rl(&rl, LOG_SUB_MH, LOG_LVL_INFO, "b");
	log_rl(&rl, LOG_SUB_MH, LOG_LVL_INFO, "c");
	ck_assert_int_eq(cap.n, 2);
}
END_TEST

static void
rl_site_a(int i)
{
	LOG_RL(LOG_SUB_MH, LOG_LVL_WARN, "site a %d", i);
}

static void
rl_site_b(int i)
{
	LOG_RL(LOG_SUB_MH, LOG_LVL_WARN, "site b %d", i);
}

START_TEST(test_ratelimit_sites)
{
	int i;

	/* Each LOG_RL call site has its own limiter. */
	for (i = 0; i < 3 * LOG_RL_BURST; i++) {
		rl_site_a(i);
		rl_site_b(i);
	}
	ck_assert_int_eq(cap.n, 2 * LOG_RL_BURST);
	fake_now += LOG_RL_INTERVAL_MS;
	rl_site_a(0);
	ck_assert_int_eq(cap_count("20 similar messages suppressed"), 1);
	ck_assert_int_eq(cap_count("site a 0"), 2);
	ck_assert_int_eq(cap_count("site b 0"), 1);
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc;

	tc = tcase_create("output");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_levels);
	tcase_add_test(tc, test_errno);
	tcase_add_test(tc, test_sanitise);
	tcase_add_test(tc, test_stderr_format);
	tcase_add_exit_test(tc, test_fatalx, 1);
	tcase_add_exit_test(tc, test_fatal, 1);
	suite_add_tcase(s, tc);

	tc = tcase_create("ratelimit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ratelimit);
	tcase_add_test(tc, test_ratelimit_filtered);
	tcase_add_test(tc, test_ratelimit_sites);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
