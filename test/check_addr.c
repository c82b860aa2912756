/*
 * check_addr.c: unit tests for common/addr.c: IPv6 address and prefix
 * parsing, formatting and comparison, the table hashes, MAC text forms.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

static struct in6_addr
A(const char *s)
{
	struct in6_addr a;

	ck_assert_int_eq(addr6_parse(s, &a), 0);
	return a;
}

static struct prefix6
P(const char *s)
{
	struct prefix6 p;

	ck_assert_msg(prefix6_parse(s, &p) == 0, "cannot parse %s", s);
	return p;
}

START_TEST(test_addr6_parse)
{
	static const char *const bad[] = {
		"", "1.2.3.4", "2001:db8::g", "2001:db8:::1", "fe80::1%eth0",
		" ::1", "::1 ", "2001:db8::/64", "1:2:3:4:5:6:7:8:9",
	};
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;
	size_t i;

	ck_assert_int_eq(addr6_parse("2001:DB8:0:0::1", &a), 0);
	ck_assert_str_eq(addr6_ntop(&a, buf), "2001:db8::1");
	ck_assert_int_eq(addr6_parse("::", &a), 0);
	ck_assert(addr6_is_unspecified(&a));
	ck_assert_int_eq(addr6_parse("::ffff:192.0.2.1", &a), 0);
	ck_assert_str_eq(addr6_ntop(&a, buf), "::ffff:192.0.2.1");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_msg(addr6_parse(bad[i], &a) == -1, "took %s", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
	}
	ck_assert_int_eq(addr6_parse(NULL, &a), -1);
}
END_TEST

START_TEST(test_addr6_kinds)
{
	struct in6_addr a;

	a = A("fe80::1");
	ck_assert(addr6_is_linklocal(&a));
	a = A("febf:ffff::1");
	ck_assert(addr6_is_linklocal(&a));
	a = A("fec0::1");
	ck_assert(!addr6_is_linklocal(&a));
	a = A("fe40::1");
	ck_assert(!addr6_is_linklocal(&a));
	ck_assert(!addr6_is_unspecified(&a));
	a = A("ff02::1");
	ck_assert(addr6_is_multicast(&a));
	a = A("2001:db8::1");
	ck_assert(!addr6_is_multicast(&a));
}
END_TEST

START_TEST(test_prefix6_parse)
{
	static const char *const bad[] = {
		"2001:db8::", "2001:db8::/", "/64", "2001:db8::/129",
		"2001:db8::/-1", "2001:db8::/+64", "2001:db8::/6a",
		"2001:db8::/64 ", " 2001:db8::/64", "2001:db8::/1280",
		"2001:db8::/64/64", "2001:db8::%eth0/64", "1.2.3.0/24",
		"2001:db8::/0x40",
	};
	char buf[PREFIX6_STRLEN];
	struct prefix6 p;
	size_t i;

	ck_assert_int_eq(prefix6_parse("2001:DB8::/32", &p), 0);
	ck_assert_int_eq(p.len, 32);
	ck_assert_str_eq(prefix6_ntop(&p, buf), "2001:db8::/32");
	ck_assert_int_eq(prefix6_parse("::/0", &p), 0);
	ck_assert_int_eq(p.len, 0);
	ck_assert_int_eq(prefix6_parse("2001:db8::1/128", &p), 0);
	ck_assert_int_eq(p.len, 128);
	ck_assert_int_eq(prefix6_parse("2001:db8:0:8000::/49", &p), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(prefix6_parse(bad[i], &p) == -1, "took %s",
		    bad[i]);
		ck_assert_msg(prefix6_parse_loose(bad[i], &p) == -1,
		    "loose took %s", bad[i]);
	}

	/* Host bits: strict refuses, loose keeps them. */
	errno = 0;
	ck_assert_int_eq(prefix6_parse("2001:db8::1/64", &p), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(prefix6_parse("2001:db8:0:4000::/49", &p), -1);
	ck_assert_int_eq(prefix6_parse_loose("2001:db8::1/64", &p), 0);
	ck_assert_int_eq(p.len, 64);
	ck_assert_str_eq(prefix6_ntop(&p, buf), "2001:db8::1/64");

	/* The longest text form fits PREFIX6_STRLEN. */
	p = P("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	ck_assert_str_eq(prefix6_ntop(&p, buf),
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
}
END_TEST

START_TEST(test_prefix6_mask)
{
	static const struct {
		unsigned	 len;
		const char	*want;
	} v[] = {
		{ 0, "::" },
		{ 1, "8000::" },
		{ 7, "fe00::" },
		{ 8, "ff00::" },
		{ 10, "ffc0::" },
		{ 64, "ffff:ffff:ffff:ffff::" },
		{ 65, "ffff:ffff:ffff:ffff:8000::" },
		{ 127, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe" },
		{ 128, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
		{ 200, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	};
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(&a, 0xff, sizeof(a));
		prefix6_mask(&a, v[i].len);
		ck_assert_msg(strcmp(addr6_ntop(&a, buf), v[i].want) == 0,
		    "/%u gave %s", v[i].len, buf);
	}
}
END_TEST

START_TEST(test_prefix6_compare)
{
	struct prefix6 p32, p48, p64, q64, p0, loose;
	struct in6_addr a;

	p0 = P("::/0");
	p32 = P("2001:db8::/32");
	p48 = P("2001:db8:1::/48");
	p64 = P("2001:db8:1:2::/64");
	q64 = P("2001:db8:2:2::/64");
	ck_assert_int_eq(prefix6_parse_loose("2001:db8:1:2::99/64", &loose),
	    0);

	a = A("2001:db8:1:2::1");
	ck_assert(prefix6_contains(&p64, &a));
	ck_assert(prefix6_contains(&p48, &a));
	ck_assert(prefix6_contains(&p0, &a));
	ck_assert(!prefix6_contains(&q64, &a));
	a = A("2001:db9::");
	ck_assert(!prefix6_contains(&p32, &a));
	/* A bit inside a partial byte: /49 splits the fourth group. */
	{
		struct prefix6 p49 = P("2001:db8:1:8000::/49");

		a = A("2001:db8:1:8001::");
		ck_assert(prefix6_contains(&p49, &a));
		a = A("2001:db8:1:7fff::");
		ck_assert(!prefix6_contains(&p49, &a));
	}

	ck_assert(prefix6_covers(&p32, &p64));
	ck_assert(prefix6_covers(&p64, &p64));
	ck_assert(!prefix6_covers(&p64, &p32));
	ck_assert(!prefix6_covers(&p48, &q64));
	ck_assert(prefix6_covers(&p0, &q64));

	ck_assert(prefix6_eq(&p64, &loose));
	ck_assert(!prefix6_eq(&p64, &q64));
	ck_assert(!prefix6_eq(&p48, &p64));

	ck_assert(prefix6_overlap(&p32, &p64));
	ck_assert(prefix6_overlap(&p64, &p32));
	ck_assert(prefix6_overlap(&p64, &p64));
	ck_assert(!prefix6_overlap(&p64, &q64));
	ck_assert(!prefix6_overlap(&p48, &q64));
	ck_assert(prefix6_overlap(&p0, &q64));
}
END_TEST

START_TEST(test_hash_basic)
{
	struct prefix6 p, loose;
	struct in6_addr a, b;

	a = A("2001:db8::1");
	b = A("2001:db8::2");
	ck_assert_uint_eq(addr6_hash(&a, 7), addr6_hash(&a, 7));
	ck_assert_uint_ne(addr6_hash(&a, 7), addr6_hash(&b, 7));
	ck_assert_uint_ne(addr6_hash(&a, 7), addr6_hash(&a, 8));

	/* Host bits do not matter; the length does. */
	p = P("2001:db8:1:2::/64");
	ck_assert_int_eq(prefix6_parse_loose("2001:db8:1:2::abcd/64", &loose),
	    0);
	ck_assert_uint_eq(prefix6_hash(&p, 1), prefix6_hash(&loose, 1));
	loose = P("2001:db8:1:2::/63");
	ck_assert_uint_ne(prefix6_hash(&p, 1), prefix6_hash(&loose, 1));
	ck_assert_uint_ne(prefix6_hash(&p, 1), prefix6_hash(&p, 2));
}
END_TEST

/*
 * Bucket spread for the key sets a daemon sees: HNPs that differ only in
 * the 16 bits before the interface ID, and addresses differing only in
 * the last 16 bits.  65536 keys into 4096 buckets is 16 a bucket; a
 * fair hash stays far below the limits checked.
 */
#define HB_KEYS		65536
#define HB_BUCKETS	4096

static unsigned
hash_max_load(int use_prefix, int shift)
{
	static unsigned load[HB_BUCKETS];
	struct prefix6 p;
	unsigned i, max = 0, used = 0;
	uint32_t h, b;

	memset(load, 0, sizeof(load));
	for (i = 0; i < HB_KEYS; i++) {
		memset(&p, 0, sizeof(p));
		p.addr.s6_addr[0] = 0x20;
		p.addr.s6_addr[1] = 0x01;
		p.addr.s6_addr[2] = 0x0d;
		p.addr.s6_addr[3] = 0xb8;
		if (use_prefix) {
			p.addr.s6_addr[6] = (uint8_t)(i >> 8);
			p.addr.s6_addr[7] = (uint8_t)i;
			p.len = 64;
			h = prefix6_hash(&p, 0x5eed);
		} else {
			p.addr.s6_addr[14] = (uint8_t)(i >> 8);
			p.addr.s6_addr[15] = (uint8_t)i;
			h = addr6_hash(&p.addr, 0x5eed);
		}
		b = (h >> shift) % HB_BUCKETS;
		if (load[b]++ == 0)
			used++;
		if (load[b] > max)
			max = load[b];
	}
	ck_assert_uint_gt(used, HB_BUCKETS * 99 / 100);
	return max;
}

START_TEST(test_hash_spread)
{
	/* Low bits (mask-indexed tables) and high bits. */
	ck_assert_uint_lt(hash_max_load(1, 0), 48);
	ck_assert_uint_lt(hash_max_load(0, 0), 48);
	ck_assert_uint_lt(hash_max_load(1, 20), 48);
	ck_assert_uint_lt(hash_max_load(0, 20), 48);
}
END_TEST

START_TEST(test_hash_avalanche)
{
	struct in6_addr a, b;
	unsigned bit, flips, total = 0;
	uint32_t d;

	/* Flipping any one input bit flips about half the output bits. */
	a = A("2001:db8:1:2:3:4:5:6");
	for (bit = 0; bit < 128; bit++) {
		b = a;
		b.s6_addr[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
		d = addr6_hash(&a, 0) ^ addr6_hash(&b, 0);
		flips = (unsigned)__builtin_popcount(d);
		ck_assert_msg(flips >= 4, "bit %u flips only %u", bit, flips);
		total += flips;
	}
	ck_assert_uint_gt(total, 128 * 12);
	ck_assert_uint_lt(total, 128 * 20);
}
END_TEST

START_TEST(test_mac_parse)
{
	static const char *const bad[] = {
		"", "02:00:00:00:00", "02:00:00:00:00:01:02",
		"02:00-00:00:00:01", "02.00.00.00.00.01", "0g:00:00:00:00:01",
		"2:0:0:0:0:1:0:0:00", "02:00:00:00:00:1", "020000000001a",
		"02000000000", "02:00:00:00:00:0x", "02:00:00:00:00:01 ",
		"02::00:00:00:00:01",
	};
	static const uint8_t want[6] = { 0x02, 0x00, 0x5e, 0x10, 0xab, 0xcd };
	uint8_t mac[6];
	size_t i;

	ck_assert_int_eq(mac_parse("02:00:5e:10:ab:cd", mac), 0);
	ck_assert_mem_eq(mac, want, 6);
	memset(mac, 0, sizeof(mac));
	ck_assert_int_eq(mac_parse("02-00-5E-10-AB-CD", mac), 0);
	ck_assert_mem_eq(mac, want, 6);
	memset(mac, 0, sizeof(mac));
	ck_assert_int_eq(mac_parse("02005e10AbCd", mac), 0);
	ck_assert_mem_eq(mac, want, 6);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(mac, want, 6);
		ck_assert_msg(mac_parse(bad[i], mac) == -1, "took %s", bad[i]);
		ck_assert_mem_eq(mac, want, 6);	/* untouched on failure */
	}
	ck_assert_int_eq(mac_parse(NULL, mac), -1);
}
END_TEST

START_TEST(test_mac_format)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0xab, 0xcd };
	char buf[MAC_STRLEN], small[13];
	uint8_t back[6];

	ck_assert_str_eq(mac_format(mac, buf, sizeof(buf), MAC_COLON_LOWER),
	    "02:00:5e:10:ab:cd");
	ck_assert_str_eq(mac_format(mac, buf, sizeof(buf), MAC_COLON_UPPER),
	    "02:00:5E:10:AB:CD");
	ck_assert_str_eq(mac_format(mac, buf, sizeof(buf), MAC_DASH_LOWER),
	    "02-00-5e-10-ab-cd");
	ck_assert_str_eq(mac_format(mac, buf, sizeof(buf), MAC_DASH_UPPER),
	    "02-00-5E-10-AB-CD");
	ck_assert_str_eq(mac_format(mac, buf, sizeof(buf), MAC_PLAIN_LOWER),
	    "02005e10abcd");
	ck_assert_str_eq(mac_format(mac, small, sizeof(small), MAC_PLAIN_UPPER),
	    "02005E10ABCD");
	ck_assert_int_eq(mac_parse(small, back), 0);
	ck_assert_mem_eq(back, mac, 6);

	/* Too small: refused, not cut. */
	errno = 0;
	ck_assert_ptr_null(mac_format(mac, small, sizeof(small),
	    MAC_COLON_LOWER));
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_ptr_null(mac_format(mac, small, 12, MAC_PLAIN_LOWER));
	ck_assert_ptr_null(mac_format(mac, buf, sizeof(buf),
	    (enum mac_style)99));
}
END_TEST

static Suite *
addr_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc;

	tc = tcase_create("addr6");
	tcase_add_test(tc, test_addr6_parse);
	tcase_add_test(tc, test_addr6_kinds);
	suite_add_tcase(s, tc);

	tc = tcase_create("prefix6");
	tcase_add_test(tc, test_prefix6_parse);
	tcase_add_test(tc, test_prefix6_mask);
	tcase_add_test(tc, test_prefix6_compare);
	suite_add_tcase(s, tc);

	tc = tcase_create("hash");
	tcase_add_test(tc, test_hash_basic);
	tcase_add_test(tc, test_hash_spread);
	tcase_add_test(tc, test_hash_avalanche);
	suite_add_tcase(s, tc);

	tc = tcase_create("mac");
	tcase_add_test(tc, test_mac_parse);
	tcase_add_test(tc, test_mac_format);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(addr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
