/*
 * fuzz_radius.c: fuzz target for what the MAG reads from RADIUS servers:
 * replies to its Access-Requests (verification, radcli's attribute
 * decoding, the RFC 6572 profile) and RFC 5176 Disconnect-Requests
 * (verification, parsing, the reply built to them).
 *
 * Random octets almost never carry a valid authenticator, so the target
 * signs each input with the test secret first, as a server holding the
 * secret would (a hostile server or a stolen secret is the case that
 * matters past the signature check); input octet 0 selects:
 *   bit 0: 0 a reply to an Access-Request, 1 a Disconnect-/CoA-Request;
 *   bit 1: keep the input's Length field (else it is the input's size);
 *   bit 2: leave the input unsigned.
 * A signed input whose attributes scan must verify: anything else is a
 * breach and aborts, as do sanitizer findings.
 *
 * With -DPMIP6_LIBFUZZER this is a libFuzzer target.  Otherwise main()
 * replays files or directories named on the command line, or
 * CORPUS_DIR, so that make check runs it with any compiler.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aaa.h"
#include "aaa_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECRET		"fuzz-secret"
#define SECRET_LEN	(sizeof(SECRET) - 1)
#define MODE_DM		0x01
#define MODE_KEEP_LEN	0x02
#define MODE_UNSIGNED	0x04

static rc_handle *rh;
static struct aaa_config conf;

static void
fail(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_radius: %s%s%s\n", what, why ? ": " : "",
	    why ? why : "");
	abort();
}

static void
setup(void)
{
	char err[256];

	if (rh != NULL)
		return;
	aaa_config_defaults(&conf);
	if ((rh = radius_dict_handle(conf.dictionary, err, sizeof(err))) ==
	    NULL)
		fail("dictionary", err);
}

/*
 * Sign pkt as its sender would: the Message-Authenticator (RFC 3579
 * 3.2) over the packet with auth_in_ma in the authenticator field, then
 * the authenticator itself, MD5 over the packet with auth_in_md5 there
 * (RFC 2865 3 for replies, RFC 5176 2.3 for requests).  0 if the
 * attributes scan, so that the packet is signed.
 */
static int
sign(uint8_t *pkt, size_t len, const uint8_t auth_in_ma[16],
    const uint8_t auth_in_md5[16])
{
	struct radius_md5 m;
	size_t ma_at = 0;
	uint8_t mac[16];
	char why[128];

	if (radius_attrs_scan(pkt, len, &ma_at, why, sizeof(why)) == -1)
		return -1;
	if (ma_at != 0) {
		memcpy(pkt + 4, auth_in_ma, 16);
		memset(pkt + ma_at + 2, 0, 16);
		radius_hmac_md5(mac, SECRET, SECRET_LEN, pkt, len);
		memcpy(pkt + ma_at + 2, mac, 16);
	}
	radius_md5_init(&m);
	radius_md5_update(&m, pkt, 4);
	radius_md5_update(&m, auth_in_md5, 16);
	radius_md5_update(&m, pkt + RADIUS_HDR_LEN, len - RADIUS_HDR_LEN);
	radius_md5_update(&m, SECRET, SECRET_LEN);
	radius_md5_final(&m, mac);
	memcpy(pkt + 4, mac, 16);
	return 0;
}

static void
reply(uint8_t *pkt, size_t n, int mode)
{
	static const uint8_t req_auth[16] = {
		0x9a, 0x11, 0x52, 0x13, 0x07, 0xe4, 0x3c, 0x5b,
		0x61, 0x00, 0xfe, 0x2d, 0x88, 0x41, 0x16, 0xc9 };
	uint8_t req[RADIUS_HDR_LEN];
	struct aaa_profile p;
	char why[256], msg[512];
	size_t len = (size_t)pkt[2] << 8 | pkt[3];
	VALUE_PAIR *vp;
	int sig = 0, code_ok;

	req[0] = PW_ACCESS_REQUEST;
	req[1] = pkt[1];
	req[2] = 0;
	req[3] = RADIUS_HDR_LEN;
	memcpy(req + 4, req_auth, 16);
	if (!(mode & MODE_UNSIGNED) && len >= RADIUS_HDR_LEN && len <= n)
		sig = sign(pkt, len, req_auth, req_auth) == 0;
	code_ok = pkt[0] == PW_ACCESS_ACCEPT || pkt[0] == PW_ACCESS_REJECT ||
	    pkt[0] == PW_ACCESS_CHALLENGE;
	if (radius_verify_reply(req, pkt, n, SECRET, SECRET_LEN, 0, why,
	    sizeof(why)) == -1) {
		if (sig && code_ok)
			fail("a signed reply was refused", why);
		return;
	}
	if (!sig && !(mode & MODE_UNSIGNED))
		fail("an unsigned reply verified", NULL);
	if (len == RADIUS_HDR_LEN)
		return;
	/* What radius_exchange() hands on: radcli's decoding. */
	vp = rc_avpair_gen(rh, NULL, pkt + RADIUS_HDR_LEN,
	    (int)(len - RADIUS_HDR_LEN), 0);
	memset(&p, 0, sizeof(p));
	(void)radius_parse_accept(vp, &conf, "02-00-5e-00-53-01", &p, why,
	    sizeof(why));
	if (memchr(why, '\0', sizeof(why)) == NULL)
		fail("reason not terminated", NULL);
	if (p.n_hnp > AAA_MAX_HNP || p.mnid_len > sizeof(p.mnid))
		fail("profile out of bounds", NULL);
	radius_reply_message(vp, msg, sizeof(msg));
	if (memchr(msg, '\0', sizeof(msg)) == NULL)
		fail("Reply-Message not terminated", NULL);
	rc_avpair_free(vp);
}

static void
disconnect(uint8_t *pkt, size_t n, int mode)
{
	static const uint8_t zero[16];
	struct radius_dm_msg m;
	uint8_t out[RADIUS_MAX_LEN];
	size_t len = (size_t)pkt[2] << 8 | pkt[3];
	char why[256];
	int rc, sig = 0, olen;

	if (!(mode & MODE_UNSIGNED) && len >= RADIUS_HDR_LEN && len <= n)
		sig = sign(pkt, len, zero, zero) == 0;
	rc = radius_dm_parse(pkt, n, SECRET, SECRET_LEN, &conf, 0, &m, why,
	    sizeof(why));
	if (memchr(why, '\0', sizeof(why)) == NULL)
		fail("reason not terminated", NULL);
	if (rc == -1)
		return;
	if (!sig && !(mode & MODE_UNSIGNED))
		fail("an unsigned request was taken", NULL);
	/* Answer it as the listener would: ACK or NAK with the cause. */
	olen = radius_dm_reply(out, sizeof(out), pkt, &m,
	    (uint8_t)(rc == 0 ? m.code + 1 : m.code + 2), rc > 0 ?
	    (uint32_t)rc : 0, SECRET, SECRET_LEN);
	if (olen != -1 && (olen < RADIUS_HDR_LEN ||
	    (size_t)olen > sizeof(out) ||
	    ((size_t)out[2] << 8 | out[3]) != (size_t)olen))
		fail("reply length", NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t pkt[RADIUS_MAX_LEN];
	size_t n;
	int mode;

	setup();
	if (size < 1 + RADIUS_HDR_LEN)
		return 0;
	mode = data[0];
	n = size - 1 > sizeof(pkt) ? sizeof(pkt) : size - 1;
	memcpy(pkt, data + 1, n);
	if (!(mode & MODE_KEEP_LEN)) {
		pkt[2] = (uint8_t)(n >> 8);
		pkt[3] = (uint8_t)n;
	}
	if (mode & MODE_DM)
		disconnect(pkt, n, mode);
	else
		reply(pkt, n, mode);
	return 0;
}

#ifndef PMIP6_LIBFUZZER
static int
replay_file(const char *path)
{
	static uint8_t buf[1 + RADIUS_MAX_LEN + 64];
	FILE *f;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

static int
replay(const char *path, unsigned *count)
{
	char sub[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if (stat(path, &st) == -1) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	if ((d = opendir(path)) == NULL) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (replay(sub, count) == -1)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned count = 0;
	int i, rc = 0;

	if (argc < 2) {
		const char *dir = getenv("RADIUS_FUZZ_CORPUS");

		rc = replay(dir != NULL ? dir : CORPUS_DIR, &count);
	}
	for (i = 1; i < argc; i++)
		if (replay(argv[i], &count) == -1)
			rc = 1;
	if (count == 0) {
		fprintf(stderr, "fuzz_radius: no input replayed\n");
		return 1;
	}
	printf("fuzz_radius: %u inputs replayed\n", count);
	radius_handle_free(rh);
	aaa_config_release(&conf);
	return rc == 0 ? 0 : 1;
}
#endif
