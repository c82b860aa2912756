/*
 * bench_timers.c: cost of the timer heap at daemon scale.
 *
 * Arms, moves, cancels and fires N timers (default 4,000,000; argv[1]
 * overrides) under a driven clock, so only heap work is measured, and
 * prints ns per operation and the resident set size.  Not a test: it
 * asserts nothing about time.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loop.h"

static uint64_t bench_now = 1000;
static uint64_t bench_rng = 0x9e3779b97f4a7c15ULL;
static unsigned long bench_fired;

static uint64_t
bench_clock(void)
{
	return bench_now;
}

static uint32_t
bench_rand(void)
{
	bench_rng ^= bench_rng << 13;
	bench_rng ^= bench_rng >> 7;
	bench_rng ^= bench_rng << 17;
	return (uint32_t)(bench_rng >> 11);
}

static double
bench_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A /proc/self/status value in kB, or -1. */
static long
bench_status_kb(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long kb = -1;
	FILE *fp;

	if ((fp = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			kb = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(fp);
	return kb;
}

static void
bench_cb(struct timer *t, void *ctx)
{
	(void)t;
	(void)ctx;
	bench_fired++;
}

static void
bench_report(const char *what, double t0, size_t n)
{
	printf("%-34s %8.1f ns/op\n", what, (bench_ns() - t0) / (double)n);
}

int
main(int argc, char **argv)
{
	struct timer *t;
	struct loop *l;
	size_t i, j, n = 4000000, *perm, tmp;
	double t0;

	if (argc > 1)
		n = strtoul(argv[1], NULL, 10);
	clock_set_source(bench_clock);
	if ((l = loop_new()) == NULL || (t = calloc(n, sizeof(*t))) == NULL ||
	    (perm = malloc(n * sizeof(*perm))) == NULL) {
		perror("bench_timers");
		return 1;
	}
	for (i = 0; i < n; i++) {
		timer_init(&t[i], bench_cb, NULL);
		perm[i] = i;
	}
	/* Random visiting order, so cancels hit random heap slots. */
	for (i = n - 1; i > 0; i--) {
		j = bench_rand() % (i + 1);
		tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
	}
	printf("timers: %zu, sizeof(struct timer) %zu bytes\n", n, sizeof(*t));

	/* Deadlines spread over an hour, like binding lifetimes. */
	t0 = bench_ns();
	for (i = 0; i < n; i++)
		timer_arm(l, &t[i], bench_rand() % 3600000);
	bench_report("arm (random deadline)", t0, n);
	printf("%-34s %8ld kB (VmRSS)\n", "resident after arming",
	    bench_status_kb("VmRSS"));

	t0 = bench_ns();
	for (i = 0; i < n; i++)
		timer_arm(l, &t[perm[i]], bench_rand() % 3600000);
	bench_report("re-arm pending (move)", t0, n);

	t0 = bench_ns();
	for (i = 0; i < n; i++)
		timer_cancel(l, &t[perm[i]]);
	bench_report("cancel (random order)", t0, n);

	/* Lifetime refreshes push deadlines forward: mostly sift-down. */
	for (i = 0; i < n; i++)
		timer_arm(l, &t[i], bench_rand() % 3600000);
	t0 = bench_ns();
	for (i = 0; i < n; i++)
		timer_arm(l, &t[perm[i]], 3600000 + bench_rand() % 3600000);
	bench_report("re-arm later (refresh)", t0, n);

	t0 = bench_ns();
	for (bench_now = 1000; loop_timer_count(l) > 0; bench_now += 1000)
		loop_run_timers(l);
	bench_report("fire (1 s steps, all due)", t0, n);
	if (bench_fired != n)
		printf("fired %lu of %zu!\n", bench_fired, n);
	printf("%-34s %8ld kB (VmHWM)\n", "peak resident",
	    bench_status_kb("VmHWM"));
	printf("%-34s %8zu kB\n", "of which struct timer array",
	    n * sizeof(*t) / 1024);

	loop_free(l);
	free(perm);
	free(t);
	return bench_fired == n ? 0 : 1;
}
