/*
 * confdoc: pmip6.conf(5) from the configuration schemas.
 *
 *   confdoc TEMPLATE      the template with each line "@LMA_SETTINGS@"
 *                         and "@MAG_SETTINGS@" replaced by one man page
 *                         entry per setting of lma.conf or mag.conf
 *   confdoc -l            every setting, one per line: "lma.conf PATH"
 *
 * The schemas (lma_conf_schema, mag_conf_schema with aaa_conf_schema as
 * its radius group) are the single description of every setting; this
 * turns their name, type, range, default, RFC reference and help into
 * troff.  doc/pmip6.conf.5 is its checked-in output and
 * test/doc_check.sh fails when the two drift apart
 * (`make update-doc` regenerates it).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aaa.h"
#include "conf.h"
#include "lma.h"
#include "mag.h"

#define PATH_MAX_LEN	256

/* Text of a man page line: backslashes escaped, and a leading dot or
 * quote kept from being read as a request. */
static void
troff(FILE *fp, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", fp);
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\e", fp);
		else if (*s == '-')
			fputs("\\-", fp);
		else
			fputc(*s, fp);
	}
}

/* The elements of an array, by their type. */
static const char *
elem_name(enum conf_type t)
{
	switch (t) {
	case CONF_INT:
		return "integers";
	case CONF_BOOL:
		return "booleans";
	case CONF_MS:
		return "integers (milliseconds)";
	case CONF_ADDR6:
		return "IPv6 addresses";
	case CONF_PREFIX6:
		return "IPv6 prefixes";
	default:
		return "values";
	}
}

static void
enum_names(FILE *fp, const struct conf_field *f)
{
	int i;

	for (i = 0; f->enum_names[i] != NULL; i++) {
		fputs(i == 0 ? "" : f->enum_names[i + 1] == NULL ? " or " :
		    ", ", fp);
		fputs("\\fB", fp);
		troff(fp, f->enum_names[i]);
		fputs("\\fP", fp);
	}
}

/* What a value looks like and which values are allowed (conf.c's rules:
 * min == max == 0 bounds nothing beyond the storage). */
static void
value_range(FILE *fp, const struct conf_field *f)
{
	long long lo, hi;
	int bounded = f->min != 0 || f->max != 0;

	switch (f->type) {
	case CONF_INT:
		if (bounded)
			fprintf(fp, "an integer from %lld to %lld", f->min,
			    f->max);
		else
			fputs("an integer", fp);
		break;
	case CONF_MS:
		if (bounded)
			fprintf(fp, "milliseconds, from %lld to %lld", f->min,
			    f->max);
		else
			fputs("milliseconds, 0 or more", fp);
		break;
	case CONF_BOOL:
		fputs("true or false", fp);
		break;
	case CONF_STRING:
		lo = f->min > 0 ? f->min : 0;
		hi = (long long)f->size - 1;
		if (f->max > 0 && f->max < hi)
			hi = f->max;
		fprintf(fp, "a string of %lld to %lld characters", lo, hi);
		break;
	case CONF_ADDR6:
		fputs("an IPv6 address", fp);
		break;
	case CONF_PREFIX6:
		lo = bounded ? f->min : 0;
		hi = bounded ? f->max : 128;
		fprintf(fp, "an IPv6 prefix (address/length), length %lld to "
		    "%lld", lo, hi);
		break;
	case CONF_ENUM:
		fputs("one of ", fp);
		enum_names(fp, f);
		break;
	case CONF_GROUP:
		fputs("a group of the settings below", fp);
		break;
	case CONF_LIST:
		switch (f->elem) {
		case CONF_GROUP:
			fputs("a list of groups of the settings below", fp);
			break;
		case CONF_ENUM:
			fputs("an array of names, each one of ", fp);
			enum_names(fp, f);
			break;
		case CONF_STRING:
			fprintf(fp, "an array of strings of at most %zu "
			    "characters", f->size - 1);
			break;
		default:
			fprintf(fp, "an array of %s", elem_name(f->elem));
			break;
		}
		if (f->max > 0)
			fprintf(fp, ", %lld to %lld elements", f->min, f->max);
		else if (f->min > 0)
			fprintf(fp, ", at least %lld elements", f->min);
		break;
	}
}

static void
default_text(FILE *fp, const struct conf_field *f)
{
	if (f->flags & CONF_REQUIRED)
		fputs("none, the setting is required", fp);
	else if (f->type == CONF_LIST)
		fputs("empty", fp);
	else if (f->type == CONF_GROUP)
		fputs("the defaults of its settings", fp);
	else if (f->def == NULL)
		fputs("none", fp);
	else if (f->type == CONF_STRING && f->def[0] == '\0')
		fputs("empty", fp);
	else {
		fputs("\\fB", fp);
		troff(fp, f->def);
		fputs("\\fP", fp);
	}
}

static int
join(char *out, size_t len, const char *prefix, const char *name,
    const char *suffix)
{
	int n = snprintf(out, len, "%s%s%s%s", prefix, prefix[0] ? "." : "",
	    name, suffix);

	if (n < 0 || (size_t)n >= len) {
		fprintf(stderr, "confdoc: setting path too long: %s\n", name);
		return -1;
	}
	return 0;
}

/* One .TP entry per setting, depth first: a group's or a list of
 * groups' own entry comes before those of its members. */
static int
document(FILE *fp, const struct conf_field *schema, const char *prefix)
{
	const struct conf_field *f;
	char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];
	int many;

	for (f = schema; f->name != NULL; f++) {
		many = f->type == CONF_LIST && f->elem == CONF_GROUP;
		if (join(path, sizeof(path), prefix, f->name, "") == -1 ||
		    join(sub, sizeof(sub), prefix, f->name,
		    many ? "[]" : "") == -1)
			return -1;
		fputs(".TP\n.B ", fp);
		troff(fp, path);
		fputs("\n", fp);
		if (f->help != NULL) {
			troff(fp, f->help);
			fputs(f->help[0] != '\0' &&
			    f->help[strlen(f->help) - 1] == '.' ? "\n" : ".\n",
			    fp);
		}
		fputs(".br\nValue: ", fp);
		value_range(fp, f);
		fputs(".\n.br\nDefault: ", fp);
		default_text(fp, f);
		fputs(".\n", fp);
		if (f->rfc != NULL) {
			fputs(".br\nReference: ", fp);
			troff(fp, f->rfc);
			fputs(".\n", fp);
		}
		if ((f->type == CONF_GROUP || many) && f->sub != NULL &&
		    document(fp, f->sub, sub) == -1)
			return -1;
	}
	return 0;
}

static int
list(FILE *fp, const char *file, const struct conf_field *schema,
    const char *prefix)
{
	const struct conf_field *f;
	char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];
	int many;

	for (f = schema; f->name != NULL; f++) {
		many = f->type == CONF_LIST && f->elem == CONF_GROUP;
		if (join(path, sizeof(path), prefix, f->name, "") == -1 ||
		    join(sub, sizeof(sub), prefix, f->name,
		    many ? "[]" : "") == -1)
			return -1;
		fprintf(fp, "%s %s\n", file, path);
		if ((f->type == CONF_GROUP || many) && f->sub != NULL &&
		    list(fp, file, f->sub, sub) == -1)
			return -1;
	}
	return 0;
}

static int
expand(const char *template)
{
	char line[4096];
	FILE *fp;
	int rc = 0;

	if ((fp = fopen(template, "r")) == NULL) {
		perror(template);
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
		if (strcmp(line, "@LMA_SETTINGS@\n") == 0)
			rc = document(stdout, lma_conf_schema, "");
		else if (strcmp(line, "@MAG_SETTINGS@\n") == 0)
			rc = document(stdout, mag_conf_schema, "");
		else
			fputs(line, stdout);
	}
	if (ferror(fp)) {
		perror(template);
		rc = -1;
	}
	fclose(fp);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		perror("confdoc: stdout");
		rc = -1;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		if (list(stdout, "lma.conf", lma_conf_schema, "") == -1 ||
		    list(stdout, "mag.conf", mag_conf_schema, "") == -1)
			return 1;
		return fflush(stdout) == EOF ? 1 : 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: confdoc TEMPLATE | confdoc -l\n");
		return 2;
	}
	return expand(argv[1]) == -1 ? 1 : 0;
}
