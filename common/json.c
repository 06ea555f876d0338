/*
 * json.c - the out-of-line half of the JSON seam (json.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "json.h"
#include "xalloc.h"

struct sofa_jdoc {
	yyjson_doc *y;
	char *buf;		/* owned input buffer of sofa_jdoc_load() */
};

static void
fill_err(struct sofa_jerr *err, const char *buf, size_t len,
    const yyjson_read_err *ye)
{
	size_t line = 0, col = 0, chr = 0;

	if (err == NULL)
		return;
	err->pos = ye->pos;
	if (ye->pos <= len && yyjson_locate_pos(buf, len, ye->pos, &line, &col,
	    &chr)) {
		err->line = line;
		err->col = col;
	} else
		err->line = err->col = 0;
	snprintf(err->msg, sizeof(err->msg), "%s", ye->msg ? ye->msg :
	    "invalid JSON");
}

struct sofa_jdoc *
sofa_jdoc_parse(char *buf, size_t len, bool insitu, struct sofa_jerr *err)
{
	struct sofa_jdoc *doc;
	yyjson_read_err ye;
	yyjson_doc *y;

	y = yyjson_read_opts(buf, len, insitu ? YYJSON_READ_INSITU : 0, NULL,
	    &ye);
	if (y == NULL) {
		fill_err(err, buf, len, &ye);
		return NULL;
	}
	doc = xmalloc(sizeof(*doc));
	doc->y = y;
	doc->buf = NULL;
	return doc;
}

struct sofa_jdoc *
sofa_jdoc_load(const char *path, size_t max, int *ioerr, struct sofa_jerr *err)
{
	struct sofa_jdoc *doc;
	char *buf;
	size_t len;
	int e;

	*ioerr = 0;
	if ((e = sofa_readfile(path, max, &buf, &len)) != 0) {
		*ioerr = e;
		return NULL;
	}
	doc = sofa_jdoc_parse(buf, len, true, err);
	if (doc == NULL) {
		free(buf);
		return NULL;
	}
	doc->buf = buf;
	return doc;
}

void
sofa_jdoc_free(struct sofa_jdoc *doc)
{
	if (doc == NULL)
		return;
	yyjson_doc_free(doc->y);
	free(doc->buf);
	free(doc);
}

struct sofa_jv *
sofa_jdoc_root(const struct sofa_jdoc *doc)
{
	return (struct sofa_jv *)yyjson_doc_get_root(doc->y);
}

char *
sofa_jv_write(const struct sofa_jv *v, size_t *len)
{
	char *s, *out;
	size_t n;

	s = yyjson_val_write(sofa_jv_y_(v), 0, &n);
	if (s == NULL)
		return xstrdup("null");
	out = xstrndup(s, n);
	free(s);
	if (len != NULL)
		*len = n;
	return out;
}

const char *
sofa_jv_type(const struct sofa_jv *v)
{
	yyjson_val *y = sofa_jv_y_(v);

	if (y == NULL)
		return "absent";
	switch (yyjson_get_type(y)) {
	case YYJSON_TYPE_OBJ:
		return "object";
	case YYJSON_TYPE_ARR:
		return "array";
	case YYJSON_TYPE_STR:
		return "string";
	case YYJSON_TYPE_NUM:
		return yyjson_is_real(y) ? "number" : "integer";
	case YYJSON_TYPE_BOOL:
		return "boolean";
	case YYJSON_TYPE_NULL:
		return "null";
	default:
		return "unknown";
	}
}
