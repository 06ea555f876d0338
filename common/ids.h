/*
 * ids.h - the match ids a program works on.
 *
 * The input convention of sofa-fetch and every transform: ids as operands,
 * or one per line on stdin (also for the operand "-"), either plain
 * ("11352380") or NDJSON lines of the match index (their "event_id").  An
 * id is a positive integer below SOFA_ID_MAX, checked before it touches a
 * path or a URL; "../../etc", "12a", "-1", empty and over-long lines are
 * warned about with their line number and skipped, and the caller exits 1
 * at the end (sofa_ids_nbad()).
 */
#ifndef SOFA_IDS_H
#define SOFA_IDS_H

#include <stdbool.h>
#include <stdint.h>

#define SOFA_ID_MAX 999999999999LL

struct sofa_ids;

/* Flags of sofa_ids_new(). */
enum {
	SOFA_IDS_UNIQUE = 1,	/* pass each id once, skip repeats quietly */
	SOFA_IDS_BLANK_OK = 2	/* skip blank lines without a warning */
};

/*
 * A new reader over the argc operands in argv (borrowed) or, when argc is
 * 0, stdin; lines longer than maxline bytes are refused (0: default).
 * Caller frees.
 */
struct sofa_ids *sofa_ids_new(int argc, char *const argv[], size_t maxline,
    int flags);
void sofa_ids_free(struct sofa_ids *ids);

/* Next valid id into *id: 1, or 0 at the end.  Bad entries are warned
 * about ("NAME:LINE: ...") and skipped. */
int sofa_ids_next(struct sofa_ids *ids, int64_t *id);

/*
 * The NDJSON index line the last id came from (borrowed, NUL-terminated,
 * valid until the next sofa_ids_next()), or NULL when it was a plain id
 * or an operand.  For callers that want more of the line than event_id.
 */
const char *sofa_ids_line(const struct sofa_ids *ids);

/* Entries refused so far (the caller's exit status should be 1 if any). */
unsigned long sofa_ids_nbad(const struct sofa_ids *ids);

/*
 * Check one id given as text; false with *why set ("not a positive
 * integer", "too large") when it is not one.
 */
bool sofa_id_parse(const char *s, size_t len, int64_t *id, const char **why);

#endif
