/*
 * check_aaa.h: what the files of test/check_aaa share: the fixture of
 * the message and pool tests, and the test cases kept in other files.
 */
#ifndef PMIP6_CHECK_AAA_H
#define PMIP6_CHECK_AAA_H

#include <check.h>
#include <sys/types.h>

#include "aaa_int.h"

/* check_aaa.c: the fixture. */
extern const uint8_t	 MAC1[6];	/* 02-00-00-00-00-01 */
extern rc_handle	*rh;		/* dictionaries */
extern struct aaa_config conf;		/* defaults, then apply_text() */
extern char		 tmpdir[64];	/* emptied by aaa_teardown() */
void	aaa_setup(void);
void	aaa_teardown(void);
void	write_file(const char *path, const char *text, mode_t mode);
/* Parse text (a file with a radius group) into conf; -1 with err. */
int	apply_text(const char *text, char *err, size_t len);

/* check_aaa_pool.c: the worker pool with a scripted transport. */
void	aaa_pool_tcases(Suite *s);
/* check_aaa_wire.c: MD5, the packet codec, exchanges with a fake server. */
void	aaa_wire_tcases(Suite *s);

#endif /* PMIP6_CHECK_AAA_H */
