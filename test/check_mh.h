/*
 * check_mh.h: what the Check suites of the MH codec share.
 */
#ifndef PMIP6_CHECK_MH_H
#define PMIP6_CHECK_MH_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "mh.h"

/* The addresses of the shared vectors (shared/protocol.md H). */
extern const struct in6_addr tmh_mag;	/* 2001:db8:ff::2, Proxy-CoA */
extern const struct in6_addr tmh_lma;	/* 2001:db8:ff::1, LMAA */

/* "3b 01 05 00 ..." into out; returns the octet count. */
size_t tmh_hex(const char *hex, uint8_t *out, size_t cap);

/*
 * Walk the options of a built message and check the sender rules: every
 * option's Type octet on its xn+y boundary, padding only as much as the
 * next alignment needs, total a multiple of 8.
 */
void tmh_check_layout(const uint8_t *buf, size_t len);

/* Field-by-field comparison of two parsed messages (n_unknown ignored). */
void tmh_assert_msg_eq(const struct mh_msg *a, const struct mh_msg *b);

Suite *mh_vector_suite(void);
Suite *mh_util_suite(void);
Suite *mh_roundtrip_suite(void);
Suite *mh_malformed_suite(void);

#endif /* PMIP6_CHECK_MH_H */
