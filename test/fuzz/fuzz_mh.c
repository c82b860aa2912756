/*
 * fuzz_mh.c: fuzz target for the Mobility Header codec (mh/).
 *
 * Every input is parsed.  Whatever parses must build again, fit the
 * buffer, come out a multiple of 8 octets with a valid checksum, parse
 * back to the same struct and build to the same bytes; a buffer one
 * octet short must give MH_ERR_NOSPACE without being overrun.  A failed
 * parse must point inside (or just past) the input.  Any breach aborts.
 *
 * With -DPMIP6_LIBFUZZER this is a libFuzzer target.  Otherwise main()
 * replays files: each argument may be a file or a directory of files;
 * with no argument it replays $MH_FUZZ_CORPUS or CORPUS_DIR, the corpus
 * checked in next to this file, so that make check runs it with any
 * compiler.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct in6_addr fuzz_src = { { {
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 } } };
static const struct in6_addr fuzz_dst = { { {
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } };

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_mh: %s\n", what);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mh_msg a, b;
	struct mh_perr err;
	uint8_t out[MH_MAX_LEN], again[MH_MAX_LEN];
	uint8_t *small;
	size_t n, n2;

	if (mh_parse(data, size, &a, &err) != MH_OK) {
		if (err.code == MH_OK)
			fail("error without a code");
		if (err.off > size && err.code != MH_ERR_TOO_BIG)
			fail("error offset past the input");
		return 0;
	}
	if (err.code != MH_OK)
		fail("success with an error code");

	if (mh_build(&a, &fuzz_src, &fuzz_dst, out, sizeof(out), &n) != MH_OK)
		fail("a parsed message does not build");
	if (n < 8 || n > sizeof(out) || n % 8 != 0)
		fail("built length");
	if (!mh_checksum_ok(&fuzz_src, &fuzz_dst, out, n))
		fail("built checksum");
	if (mh_parse(out, n, &b, &err) != MH_OK)
		fail("a built message does not parse");

	/* Unknown options are skipped, so the rebuilt message has none. */
	if (b.opt.n_unknown != 0)
		fail("unknown option built");
	b.opt.n_unknown = a.opt.n_unknown;
	if (memcmp(&a, &b, sizeof(a)) != 0)
		fail("parse-build-parse changed the message");

	if (mh_build(&b, &fuzz_src, &fuzz_dst, again, sizeof(again), &n2) !=
	    MH_OK || n2 != n || memcmp(out, again, n) != 0)
		fail("build is not deterministic");

	/* Exactly sized heap buffer, so that ASan sees any overrun. */
	if ((small = malloc(n - 1)) == NULL)
		fail("out of memory");
	if (mh_build(&a, NULL, NULL, small, n - 1, &n2) != MH_ERR_NOSPACE ||
	    n2 != 0)
		fail("short buffer accepted");
	free(small);
	return 0;
}

#ifndef PMIP6_LIBFUZZER
#include <dirent.h>
#include <sys/stat.h>

#ifndef CORPUS_DIR
#define CORPUS_DIR "test/fuzz/corpus"
#endif

static int
replay_file(const char *path)
{
	static uint8_t buf[1 << 16];
	uint8_t *copy;
	FILE *f;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f)) {
		perror(path);
		fclose(f);
		return -1;
	}
	fclose(f);
	/* A copy of exactly n octets, so that ASan sees any over-read. */
	if ((copy = malloc(n > 0 ? n : 1)) == NULL) {
		perror("malloc");
		return -1;
	}
	memcpy(copy, buf, n);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
	return 0;
}

/* Returns the number of inputs replayed, -1 on error. */
static int
replay(const char *path)
{
	char sub[4096];
	struct stat st;
	struct dirent *de;
	DIR *d;
	int count = 0;

	if (stat(path, &st) == -1) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path) == 0 ? 1 : -1;
	if ((d = opendir(path)) == NULL) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (stat(sub, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(sub) == -1) {
			closedir(d);
			return -1;
		}
		count++;
	}
	closedir(d);
	return count;
}

int
main(int argc, char **argv)
{
	const char *def;
	int i, n, total = 0;

	if (argc < 2) {
		def = getenv("MH_FUZZ_CORPUS");
		if (def == NULL || *def == '\0')
			def = CORPUS_DIR;
		if ((total = replay(def)) <= 0) {
			fprintf(stderr, "fuzz_mh: no inputs in %s\n", def);
			return 1;
		}
	}
	for (i = 1; i < argc; i++) {
		if ((n = replay(argv[i])) < 0)
			return 1;
		total += n;
	}
	printf("fuzz_mh: %d inputs replayed\n", total);
	return 0;
}
#endif /* !PMIP6_LIBFUZZER */
