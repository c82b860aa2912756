/*
 * pmip6_policy.h: the inbound MH policies that keep unprotected
 * signaling away from the daemons when the kernel does the ESP
 * (transport mode; ipsec_site_guards() says which).
 *
 * @defgroup pmip6_policy pmip6_policy
 * @{ @ingroup pmip6
 */
#ifndef PMIP6_POLICY_H_
#define PMIP6_POLICY_H_

#include "pmip6_config.h"

typedef struct pmip6_policy_t pmip6_policy_t;

struct pmip6_policy_t {

	/**
	 * Install what the current configuration asks for and remove what
	 * it no longer does (after a reload).
	 */
	void (*update)(pmip6_policy_t *this);

	/**
	 * Remove every policy installed and destroy.
	 */
	void (*destroy)(pmip6_policy_t *this);
};

/**
 * Create, installing the policies config asks for.
 */
pmip6_policy_t *pmip6_policy_create(pmip6_config_t *config);

#endif /** PMIP6_POLICY_H_ @}*/
