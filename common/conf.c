/*
 * conf.c: the configuration engine: schema tables applied to libconfig
 * settings, defaults, error reporting as file:line, and a printer.
 *
 * The engine knows no daemon setting; each daemon owns its tables.
 * Errors name the offending setting by its path ("peers[1].address")
 * and the file and line libconfig recorded for it, so one message is
 * enough for an operator to find and fix the line.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "conf.h"

#define CONF_PATH_MAX	256
#define CONF_WHY_MAX	384

static int	conf_set(const config_setting_t *s, const struct conf_field *f,
		    void *dst, struct conf_err *err);

/* Where a setting came from; settings without a file take a parent's. */
static void
conf_err_where(struct conf_err *err, const config_setting_t *s)
{
	const config_setting_t *p;
	const char *file = NULL;

	err->file[0] = '\0';
	err->line = 0;
	if (s == NULL)
		return;
	err->line = config_setting_source_line(s);
	for (p = s; p != NULL && file == NULL; p = config_setting_parent(p))
		file = config_setting_source_file(p);
	if (file != NULL)
		snprintf(err->file, sizeof(err->file), "%s", file);
}

static void
conf_err_set(struct conf_err *err, const config_setting_t *s,
    const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
conf_err_set(struct conf_err *err, const config_setting_t *s,
    const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	conf_err_where(err, s);
	n = snprintf(err->msg, sizeof(err->msg), "%s: ", path);
	if (n < 0 || (size_t)n >= sizeof(err->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
}

const char *
conf_strerror(const struct conf_err *err, char *buf, size_t len)
{
	if (err->file[0] != '\0' && err->line > 0)
		snprintf(buf, len, "%s:%d: %s", err->file, err->line, err->msg);
	else if (err->file[0] != '\0')
		snprintf(buf, len, "%s: %s", err->file, err->msg);
	else if (err->line > 0)
		snprintf(buf, len, "line %d: %s", err->line, err->msg);
	else
		snprintf(buf, len, "%s", err->msg);
	return buf;
}

/* "group.name" or "list[3]": how an operator finds the setting. */
static void
conf_path(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t *parent;
	const char *name;
	size_t n;

	buf[0] = '\0';
	if (s == NULL || (parent = config_setting_parent(s)) == NULL)
		return;
	conf_path(parent, buf, len);
	n = strlen(buf);
	if ((name = config_setting_name(s)) != NULL)
		snprintf(buf + n, len - n, "%s%s", n ? "." : "", name);
	else
		snprintf(buf + n, len - n, "[%d]", config_setting_index(s));
}

static const char *
conf_cfgtype_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a float";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	default:
		return "nothing";
	}
}

static size_t
conf_elem_size(const struct conf_field *f)
{
	switch (f->elem) {
	case CONF_INT:
	case CONF_BOOL:
	case CONF_ENUM:
		return sizeof(int);
	case CONF_MS:
		return sizeof(uint64_t);
	case CONF_ADDR6:
		return sizeof(struct in6_addr);
	case CONF_PREFIX6:
		return sizeof(struct prefix6);
	case CONF_STRING:
	case CONF_GROUP:
		return f->size;
	default:
		return 0;
	}
}

/* The field describing one element of list field f. */
static struct conf_field
conf_elem_field(const struct conf_field *f)
{
	struct conf_field ef = *f;

	ef.type = f->elem;
	ef.min = ef.max = 0;
	ef.flags = 0;
	ef.def = NULL;
	return ef;
}

/* Store an integer for CONF_INT or CONF_MS after its range check. */
static int
conf_int(const struct conf_field *f, long long v, void *dst, char *why,
    size_t wl)
{
	long long lo, hi;

	if (f->type == CONF_INT) {
		lo = INT_MIN;
		hi = INT_MAX;
	} else {
		lo = 0;
		hi = LLONG_MAX;
	}
	if (f->min != 0 || f->max != 0) {
		lo = f->min > lo ? f->min : lo;
		hi = f->max < hi ? f->max : hi;
	}
	if (v < lo || v > hi) {
		snprintf(why, wl, "%lld%s is out of range %lld..%lld", v,
		    f->type == CONF_MS ? " ms" : "", lo, hi);
		return -1;
	}
	if (f->type == CONF_INT)
		*(int *)dst = (int)v;
	else
		*(uint64_t *)dst = (uint64_t)v;
	return 0;
}

static int
conf_enum(const struct conf_field *f, const char *s, void *dst, char *why,
    size_t wl)
{
	size_t n;
	int i;

	for (i = 0; f->enum_names != NULL && f->enum_names[i] != NULL; i++)
		if (strcasecmp(s, f->enum_names[i]) == 0) {
			*(int *)dst = i;
			return 0;
		}
	n = (size_t)snprintf(why, wl, "\"%s\" is not one of", s);
	for (i = 0; f->enum_names != NULL && f->enum_names[i] != NULL &&
	    n < wl; i++)
		n += (size_t)snprintf(why + n, wl - n, "%s %s",
		    i ? "," : "", f->enum_names[i]);
	return -1;
}

/* Store a value given as text: string-typed settings and defaults. */
static int
conf_text(const struct conf_field *f, const char *s, void *dst, char *why,
    size_t wl)
{
	char buf[PREFIX6_STRLEN];
	struct prefix6 p;
	long long lo, hi, v;
	size_t len, maxlen;
	char *end;

	switch (f->type) {
	case CONF_INT:
	case CONF_MS:
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno != 0 || end == s || *end != '\0') {
			snprintf(why, wl, "\"%s\" is not an integer", s);
			return -1;
		}
		return conf_int(f, v, dst, why, wl);
	case CONF_BOOL:
		if (strcasecmp(s, "true") == 0)
			*(int *)dst = 1;
		else if (strcasecmp(s, "false") == 0)
			*(int *)dst = 0;
		else {
			snprintf(why, wl, "\"%s\" is not true or false", s);
			return -1;
		}
		return 0;
	case CONF_STRING:
		if (f->size == 0) {
			snprintf(why, wl, "schema gives no string size");
			return -1;
		}
		len = strlen(s);
		maxlen = f->size - 1;
		if (f->max > 0 && (unsigned long long)f->max < maxlen)
			maxlen = (size_t)f->max;
		if (f->min > 0 && len < (unsigned long long)f->min) {
			snprintf(why, wl, "must have at least %lld characters",
			    f->min);
			return -1;
		}
		if (len > maxlen) {
			snprintf(why, wl, "must have at most %zu characters",
			    maxlen);
			return -1;
		}
		memcpy(dst, s, len + 1);
		return 0;
	case CONF_ADDR6:
		if (addr6_parse(s, dst) == -1) {
			snprintf(why, wl, "\"%s\" is not an IPv6 address", s);
			return -1;
		}
		return 0;
	case CONF_PREFIX6:
		if (prefix6_parse(s, &p) == -1) {
			if (prefix6_parse_loose(s, &p) == 0) {
				prefix6_mask(&p.addr, p.len);
				snprintf(why, wl, "\"%s\" has bits set past /%u"
				    " (did you mean %s?)", s, (unsigned)p.len,
				    prefix6_ntop(&p, buf));
			} else
				snprintf(why, wl, "\"%s\" is not an IPv6 prefix"
				    " (address/length)", s);
			return -1;
		}
		lo = f->min != 0 || f->max != 0 ? f->min : 0;
		hi = f->min != 0 || f->max != 0 ? f->max : 128;
		if (p.len < lo || p.len > hi) {
			snprintf(why, wl, "prefix length /%u is out of range"
			    " /%lld../%lld", (unsigned)p.len, lo, hi);
			return -1;
		}
		memcpy(dst, &p, sizeof(p));
		return 0;
	case CONF_ENUM:
		return conf_enum(f, s, dst, why, wl);
	default:
		snprintf(why, wl, "cannot be given as text");
		return -1;
	}
}

int
conf_defaults(const struct conf_field *schema, void *obj,
    struct conf_err *err)
{
	const struct conf_field *f;
	char why[CONF_WHY_MAX];
	char *dst;

	for (f = schema; f->name != NULL; f++) {
		dst = (char *)obj + f->off;
		switch (f->type) {
		case CONF_GROUP:
			if (f->sub == NULL) {
				conf_err_set(err, NULL, f->name,
				    "schema gives no sub-schema");
				return -1;
			}
			if (conf_defaults(f->sub, dst, err) == -1)
				return -1;
			continue;
		case CONF_LIST:
			if (conf_elem_size(f) == 0 ||
			    (f->elem == CONF_GROUP && f->sub == NULL) ||
			    f->elem == CONF_LIST) {
				conf_err_set(err, NULL, f->name,
				    "schema gives no usable element type");
				return -1;
			}
			memset(dst, 0, sizeof(struct conf_list));
			continue;
		case CONF_STRING:
			if (f->size == 0) {
				conf_err_set(err, NULL, f->name,
				    "schema gives no string size");
				return -1;
			}
			memset(dst, 0, f->size);
			break;
		case CONF_INT:
		case CONF_BOOL:
		case CONF_ENUM:
			*(int *)dst = 0;
			break;
		case CONF_MS:
			*(uint64_t *)dst = 0;
			break;
		case CONF_ADDR6:
			memset(dst, 0, sizeof(struct in6_addr));
			break;
		case CONF_PREFIX6:
			memset(dst, 0, sizeof(struct prefix6));
			break;
		default:
			conf_err_set(err, NULL, f->name, "schema gives type %d",
			    (int)f->type);
			return -1;
		}
		if (f->def != NULL && conf_text(f, f->def, dst, why,
		    sizeof(why)) == -1) {
			conf_err_set(err, NULL, f->name, "bad default: %s",
			    why);
			return -1;
		}
	}
	return 0;
}

static const struct conf_field *
conf_find(const struct conf_field *schema, const char *name)
{
	const struct conf_field *f;

	for (f = schema; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

void
conf_list_free(const struct conf_field *sub, size_t elem_size,
    struct conf_list *l)
{
	size_t i;

	if (sub != NULL)
		for (i = 0; i < l->n; i++)
			conf_free(sub, (char *)l->v + i * elem_size);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
conf_free(const struct conf_field *schema, void *obj)
{
	const struct conf_field *f;
	char *dst;

	for (f = schema; f->name != NULL; f++) {
		dst = (char *)obj + f->off;
		if (f->type == CONF_GROUP && f->sub != NULL)
			conf_free(f->sub, dst);
		else if (f->type == CONF_LIST)
			conf_list_free(f->elem == CONF_GROUP ? f->sub : NULL,
			    conf_elem_size(f), (struct conf_list *)dst);
	}
}

static int
conf_list(const config_setting_t *s, const struct conf_field *f,
    struct conf_list *l, struct conf_err *err)
{
	struct conf_field ef = conf_elem_field(f);
	char path[CONF_PATH_MAX];
	size_t esize = conf_elem_size(f);
	char *v, *dst;
	int i, n;

	n = config_setting_length(s);
	if (n < f->min || (f->max > 0 && n > f->max)) {
		conf_path(s, path, sizeof(path));
		if (f->max > 0)
			conf_err_set(err, s, path, "has %d elements, wants"
			    " %lld..%lld", n, f->min, f->max);
		else
			conf_err_set(err, s, path, "has %d elements, wants at"
			    " least %lld", n, f->min);
		return -1;
	}
	conf_list_free(f->elem == CONF_GROUP ? f->sub : NULL, esize, l);
	if ((v = calloc(n > 0 ? (size_t)n : 1, esize)) == NULL) {
		conf_path(s, path, sizeof(path));
		conf_err_set(err, s, path, "%s", strerror(errno));
		return -1;
	}
	l->v = v;
	for (i = 0; i < n; i++) {
		dst = v + (size_t)i * esize;
		/* Count it first so conf_free() sees a half-filled group. */
		l->n = (size_t)i + 1;
		if (f->elem == CONF_GROUP &&
		    conf_defaults(f->sub, dst, err) == -1)
			return -1;
		if (conf_set(config_setting_get_elem(s, (unsigned)i), &ef, dst,
		    err) == -1)
			return -1;
	}
	return 0;
}

/* Store setting s, described by f, at dst. */
static int
conf_set(const config_setting_t *s, const struct conf_field *f, void *dst,
    struct conf_err *err)
{
	char path[CONF_PATH_MAX], why[CONF_WHY_MAX];
	const char *want;
	int type = config_setting_type(s);

	switch (f->type) {
	case CONF_INT:
	case CONF_MS:
		if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
			want = "an integer";
			goto badtype;
		}
		if (conf_int(f, config_setting_get_int64(s), dst, why,
		    sizeof(why)) == -1)
			goto bad;
		return 0;
	case CONF_BOOL:
		if (type != CONFIG_TYPE_BOOL) {
			want = "true or false";
			goto badtype;
		}
		*(int *)dst = config_setting_get_bool(s) ? 1 : 0;
		return 0;
	case CONF_STRING:
	case CONF_ADDR6:
	case CONF_PREFIX6:
	case CONF_ENUM:
		if (type != CONFIG_TYPE_STRING) {
			want = "a string";
			goto badtype;
		}
		if (conf_text(f, config_setting_get_string(s), dst, why,
		    sizeof(why)) == -1)
			goto bad;
		return 0;
	case CONF_GROUP:
		if (type != CONFIG_TYPE_GROUP) {
			want = "a group { ... }";
			goto badtype;
		}
		return conf_apply(s, f->sub, dst, err);
	case CONF_LIST:
		/* libconfig arrays hold scalars only; groups need a list. */
		if (f->elem == CONF_GROUP && type != CONFIG_TYPE_LIST) {
			want = "a list ( { ... }, ... )";
			goto badtype;
		}
		if (type != CONFIG_TYPE_LIST && type != CONFIG_TYPE_ARRAY) {
			want = "an array [ ... ]";
			goto badtype;
		}
		return conf_list(s, f, dst, err);
	default:
		snprintf(why, sizeof(why), "schema gives type %d",
		    (int)f->type);
		goto bad;
	}
badtype:
	snprintf(why, sizeof(why), "expected %s, not %s", want,
	    conf_cfgtype_name(type));
bad:
	conf_path(s, path, sizeof(path));
	conf_err_set(err, s, path, "%s", why);
	return -1;
}

/*
 * Report the first CONF_REQUIRED field of schema missing from group.
 * An absent group (NULL) is checked as if empty, so its required
 * fields are reported too, at the line of the nearest group present.
 */
static int
conf_required(const config_setting_t *anchor, const config_setting_t *group,
    const char *prefix, const struct conf_field *schema, struct conf_err *err)
{
	const struct conf_field *f;
	char path[CONF_PATH_MAX];

	for (f = schema; f->name != NULL; f++) {
		if (group != NULL && config_setting_get_member(group,
		    f->name) != NULL)
			continue;
		snprintf(path, sizeof(path), "%s%s%s", prefix,
		    prefix[0] ? "." : "", f->name);
		if (f->flags & CONF_REQUIRED) {
			conf_err_set(err, anchor, path,
			    "required setting missing");
			return -1;
		}
		if (f->type == CONF_GROUP && f->sub != NULL &&
		    conf_required(anchor, NULL, path, f->sub, err) == -1)
			return -1;
	}
	return 0;
}

int
conf_apply(const config_setting_t *group, const struct conf_field *schema,
    void *obj, struct conf_err *err)
{
	const struct conf_field *f;
	const config_setting_t *s;
	char path[CONF_PATH_MAX];
	int i, n;

	if (!config_setting_is_group(group)) {
		conf_path(group, path, sizeof(path));
		conf_err_set(err, group, path,
		    "expected a group { ... }, not %s",
		    conf_cfgtype_name(config_setting_type(group)));
		return -1;
	}
	n = config_setting_length(group);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(group, (unsigned)i);
		if ((f = conf_find(schema, config_setting_name(s))) == NULL) {
			conf_path(s, path, sizeof(path));
			conf_err_set(err, s, path, "unknown setting");
			return -1;
		}
		if (conf_set(s, f, (char *)obj + f->off, err) == -1)
			return -1;
	}
	conf_path(group, path, sizeof(path));
	return conf_required(group, group, path, schema, err);
}

int
conf_apply_list(const config_setting_t *list, const struct conf_field *sub,
    size_t elem_size, struct conf_list *out, struct conf_err *err)
{
	struct conf_field f;

	memset(&f, 0, sizeof(f));
	f.name = config_setting_name(list) ? config_setting_name(list) : "";
	f.type = CONF_LIST;
	f.elem = CONF_GROUP;
	f.size = elem_size;
	f.sub = sub;
	return conf_set(list, &f, out, err);
}

int
conf_load_file(config_t *cfg, const char *path, struct conf_err *err)
{
	char dir[PATH_MAX];
	const char *slash, *file;
	int saved;

	if (config_get_include_dir(cfg) == NULL &&
	    (slash = strrchr(path, '/')) != NULL &&
	    (size_t)(slash - path) < sizeof(dir)) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		config_set_include_dir(cfg, slash == path ? "/" : dir);
	}
	errno = 0;
	if (config_read_file(cfg, path) == CONFIG_TRUE)
		return 0;
	saved = errno;
	memset(err, 0, sizeof(*err));
	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO) {
		snprintf(err->file, sizeof(err->file), "%s", path);
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s",
		    saved ? strerror(saved) : "I/O error");
		return -1;
	}
	/* libconfig may leave the file unset for the top-level file. */
	file = config_error_file(cfg) ? config_error_file(cfg) : path;
	snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = config_error_line(cfg);
	snprintf(err->msg, sizeof(err->msg), "%s", config_error_text(cfg) ?
	    config_error_text(cfg) : "syntax error");
	return -1;
}

/* printer */

static void
conf_print_indent(FILE *fp, int indent)
{
	while (indent-- > 0)
		fputc('\t', fp);
}

/* A string in libconfig syntax, escaped so it reads back unchanged. */
static void
conf_print_string(FILE *fp, const char *s)
{
	const unsigned char *p;

	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\t')
			fputs("\\t", fp);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

/* One scalar value, or a group body, as libconfig text. */
static void
conf_print_value(FILE *fp, const struct conf_field *f, const void *src,
    int indent)
{
	char buf[PREFIX6_STRLEN];
	uint64_t ms;
	int n, v;

	switch (f->type) {
	case CONF_INT:
		fprintf(fp, "%d", *(const int *)src);
		break;
	case CONF_BOOL:
		fputs(*(const int *)src ? "true" : "false", fp);
		break;
	case CONF_MS:
		ms = *(const uint64_t *)src;
		fprintf(fp, "%llu%s", (unsigned long long)ms,
		    ms > INT_MAX ? "L" : "");
		break;
	case CONF_STRING:
		conf_print_string(fp, src);
		break;
	case CONF_ADDR6:
		conf_print_string(fp, addr6_ntop(src, buf));
		break;
	case CONF_PREFIX6:
		conf_print_string(fp, prefix6_ntop(src, buf));
		break;
	case CONF_ENUM:
		v = *(const int *)src;
		for (n = 0; f->enum_names != NULL && f->enum_names[n] != NULL;
		    n++)
			;
		if (v >= 0 && v < n)
			conf_print_string(fp, f->enum_names[v]);
		else
			fprintf(fp, "%d", v);
		break;
	case CONF_GROUP:
		fputs("{\n", fp);
		conf_print(fp, f->sub, src, indent + 1);
		conf_print_indent(fp, indent);
		fputc('}', fp);
		break;
	default:
		break;
	}
}

static void
conf_print_list(FILE *fp, const struct conf_field *f,
    const struct conf_list *l, int indent)
{
	struct conf_field ef = conf_elem_field(f);
	size_t i, esize = conf_elem_size(f);
	const char *v = l->v;

	if (f->elem != CONF_GROUP) {
		fputc('[', fp);
		for (i = 0; i < l->n; i++) {
			fputs(i ? ", " : " ", fp);
			conf_print_value(fp, &ef, v + i * esize, indent);
		}
		fputs(l->n ? " ]" : "]", fp);
		return;
	}
	if (l->n == 0) {
		fputs("()", fp);
		return;
	}
	fputs("(\n", fp);
	for (i = 0; i < l->n; i++) {
		conf_print_indent(fp, indent + 1);
		conf_print_value(fp, &ef, v + i * esize, indent + 1);
		fputs(i + 1 < l->n ? ",\n" : "\n", fp);
	}
	conf_print_indent(fp, indent);
	fputc(')', fp);
}

void
conf_print(FILE *fp, const struct conf_field *schema, const void *obj,
    int indent)
{
	const struct conf_field *f;
	const char *src;

	for (f = schema; f->name != NULL; f++) {
		src = (const char *)obj + f->off;
		conf_print_indent(fp, indent);
		fprintf(fp, "%s = ", f->name);
		if (f->type == CONF_LIST)
			conf_print_list(fp, f, (const struct conf_list *)src,
			    indent);
		else
			conf_print_value(fp, f, src, indent);
		fputs(";\n", fp);
	}
}
