/*
 * conf.h: table-driven configuration over libconfig.
 *
 * A daemon describes each configuration struct with a schema: an array
 * of struct conf_field ending in CONF_END, one entry per setting, named
 * after RFC 5213's own variables where one exists.  conf_defaults()
 * fills a struct from the defaults, conf_apply() from a libconfig group;
 * both only ever write the struct they are given, so a reload can parse
 * into a fresh struct and compare it with the running one field by field
 * before changing anything.  conf_print() writes the effective values
 * back in libconfig syntax (for -n and golden tests).
 */
#ifndef PMIP6_CONF_H
#define PMIP6_CONF_H

#include <stddef.h>
#include <stdio.h>
#include <libconfig.h>

#include "addr.h"

/*
 * Each type names the C storage found at `off' in the struct, and what
 * min/max bound.  min == max == 0 means no bound beyond the storage's.
 * libconfig 1.5 silently wraps plain integers above 2147483647: larger
 * values must be written with an L suffix (conf_print() does so).
 */
enum conf_type {
	CONF_INT,	/* int; value min..max */
	CONF_BOOL,	/* int, 0 or 1; libconfig true/false only */
	CONF_STRING,	/* char[size], NUL-terminated; length min..max */
	CONF_MS,	/* uint64_t milliseconds, integer; value min..max */
	CONF_ADDR6,	/* struct in6_addr, from "2001:db8::1" */
	CONF_PREFIX6,	/* struct prefix6, from "2001:db8::/64"; len min..max */
	CONF_ENUM,	/* int, index into enum_names, from the name */
	CONF_GROUP,	/* a nested struct described by sub */
	CONF_LIST,	/* struct conf_list of elem; element count min..max */
};

/*
 * Storage of CONF_LIST: n elements of the element type laid out as an
 * array (int, uint64_t, struct in6_addr, struct prefix6, char[size], or
 * a struct of size bytes for groups).  Allocated by conf_apply(),
 * released by conf_free().  Elements carry no min/max of their own.
 */
struct conf_list {
	size_t	 n;
	void	*v;
};

#define CONF_REQUIRED	0x01	/* must be present in the file */

struct conf_field {
	const char		*name;
	enum conf_type		 type;
	size_t			 off;		/* offsetof() in the struct */
	long long		 min;
	long long		 max;
	const char		*def;		/* default as config text */
	const char *const	*enum_names;	/* CONF_ENUM, NULL-ended */
	const char		*rfc;		/* "RFC 5213 9.1", for docs */
	const char		*help;		/* one line, for docs */
	unsigned		 flags;		/* CONF_REQUIRED */
	size_t			 size;		/* see below */
	enum conf_type		 elem;		/* CONF_LIST element type */
	const struct conf_field	*sub;		/* see below */
};

/*
 * size: the char array of CONF_STRING (and of each CONF_LIST element of
 * CONF_STRING), or the struct of each CONF_LIST element of CONF_GROUP.
 * sub: the schema of a CONF_GROUP, or of each CONF_GROUP list element.
 * def is parsed as its type would be in a file (decimal integers,
 * "true"/"false", a bare string or name); lists and groups take none:
 * lists start empty and groups take their fields' defaults.
 */
#define CONF_END	{ .name = NULL }
#define CONF_SIZE(type, member)	sizeof(((type *)0)->member)

/*
 * Where and why configuration was refused.  file is empty and line 0
 * when unknown (a bad default is a bug in a schema, not in a file).
 */
struct conf_err {
	char	file[256];
	int	line;
	char	msg[512];	/* "setting.path: reason" */
};

/* Set obj's fields to their defaults; -1 only for a broken schema. */
int		 conf_defaults(const struct conf_field *schema, void *obj,
		    struct conf_err *err);
/*
 * Fill obj from group (config_root_setting() or a nested group),
 * refusing unknown settings, wrong types, out-of-range values, bad
 * addresses, prefixes and names, and missing CONF_REQUIRED ones (also
 * inside groups that are absent altogether).  Fields the file omits
 * keep what obj held, so run conf_defaults() first.  Stops at the first
 * error.  Whether it succeeded or not, conf_free() releases the lists.
 */
int		 conf_apply(const config_setting_t *group,
		    const struct conf_field *schema, void *obj,
		    struct conf_err *err);
/*
 * Fill out from a libconfig list of groups, each element starting from
 * sub's defaults: for lists a daemon handles outside any schema.
 */
int		 conf_apply_list(const config_setting_t *list,
		    const struct conf_field *sub, size_t elem_size,
		    struct conf_list *out, struct conf_err *err);
/* Free every CONF_LIST in obj (recursively) and empty them. */
void		 conf_free(const struct conf_field *schema, void *obj);
void		 conf_list_free(const struct conf_field *sub, size_t elem_size,
		    struct conf_list *l);

/*
 * config_init() cfg first; on failure the caller still owns cfg and
 * must config_destroy() it.  Relative @include paths resolve against
 * the file's own directory unless an include dir is already set.
 */
int		 conf_load_file(config_t *cfg, const char *path,
		    struct conf_err *err);
/* "file:line: setting: reason" into buf; returns buf. */
const char	*conf_strerror(const struct conf_err *err, char *buf,
		    size_t len);

/*
 * Print obj as libconfig settings, one per line, indented by `indent'
 * tabs; reading the output back gives the same values.
 */
void		 conf_print(FILE *fp, const struct conf_field *schema,
		    const void *obj, int indent);

#endif /* PMIP6_CONF_H */
