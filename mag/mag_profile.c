/*
 * mag_profile.c: the static profile table (profile_source = "static")
 * indexed by MAC.  The configuration keeps MACs as text; they are parsed
 * once here, so a new MN costs one hash probe sequence instead of a
 * parse of every entry.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mag.h"

struct mag_profile_slot {
	uint8_t		 mac[6];
	uint8_t		 used;
	uint32_t	 idx;		/* into the profiles list */
};

static size_t
slot_of(const struct mag_profiles *ix, const uint8_t *mac)
{
	uint64_t k = ix->seed;
	unsigned i;

	/* Seeded: the MACs looked up come from the access link. */
	for (i = 0; i < 6; i++)
		k = (k ^ mac[i]) * 0x100000001b3ULL;
	k ^= k >> 31;
	k *= 0x94d049bb133111ebULL;
	k ^= k >> 29;
	return (size_t)k & ix->mask;
}

int
mag_profiles_build(struct mag_profiles *ix, const struct conf_list *profiles,
    uint64_t seed)
{
	const struct mag_static_profile *p = profiles->v;
	size_t n = 8, i, h;
	uint8_t mac[6];

	memset(ix, 0, sizeof(*ix));
	ix->seed = seed;
	ix->profiles = p;
	/* At most half full: probe sequences stay short. */
	while (n < 2 * profiles->n)
		n <<= 1;
	if ((ix->slot = calloc(n, sizeof(*ix->slot))) == NULL)
		return -1;
	ix->mask = n - 1;
	for (i = 0; i < profiles->n; i++) {
		/* mag_conf_load() refused unparsable MACs. */
		if (mac_parse(p[i].mac, mac) == -1)
			continue;
		for (h = slot_of(ix, mac); ix->slot[h].used;
		    h = (h + 1) & ix->mask)
			if (memcmp(ix->slot[h].mac, mac, 6) == 0)
				break;
		/* A MAC listed twice: the first entry counts. */
		if (ix->slot[h].used)
			continue;
		memcpy(ix->slot[h].mac, mac, 6);
		ix->slot[h].used = 1;
		ix->slot[h].idx = (uint32_t)i;
	}
	return 0;
}

void
mag_profiles_free(struct mag_profiles *ix)
{
	free(ix->slot);
	memset(ix, 0, sizeof(*ix));
}

const struct mag_static_profile *
mag_profiles_find(const struct mag_profiles *ix, const uint8_t *mac)
{
	size_t h;

	if (ix->slot == NULL)
		return NULL;
	for (h = slot_of(ix, mac); ix->slot[h].used; h = (h + 1) & ix->mask)
		if (memcmp(ix->slot[h].mac, mac, 6) == 0)
			return &ix->profiles[ix->slot[h].idx];
	return NULL;
}
