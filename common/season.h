/*
 * season.h - the seasons of a competition and the words that select them.
 *
 * A competition (Sofascore "unique tournament") lists its seasons newest
 * first at unique-tournament/{ut}/seasons, each with an id, a name and a
 * year written the Sofascore way: "15/16" or "1969/1970" for a split
 * season, "2024" for a calendar one.  Wherever a season is asked for (the
 * operands of sofa-discover, the seasons key of a [competition] section)
 * one word selects it:
 *
 *	current		the first season the API lists (its newest)
 *	all		every season
 *	ID, id:ID	the season with that id
 *	YEAR, year:YEAR	the season whose year is YEAR: 2023/24, 23/24,
 *			2023/2024, 2023-24 (one season), 2024 (a calendar
 *			season)
 *
 * Two-digit years are read as POSIX strptime's %y (69-99: 1969-1999,
 * 00-68: 2000-2068) and an end year takes the first century that does not
 * put it before the start, so 99/00 is 1999/2000.  A bare number of four
 * digits between 1900 and 2100 may be a calendar year or a season id; it
 * is whichever the list has, and an error when the list has both.
 */
#ifndef SOFA_SEASON_H
#define SOFA_SEASON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

struct sofa_season {
	int64_t id;
	char *name;		/* NULL when the API gave none */
	char *year;		/* as written, NULL when none */
	int start, end;		/* year span; 0 when year does not parse */
};

struct sofa_seasons {
	struct sofa_season *v;
	size_t n;
};

/*
 * Read a seasons body (root of unique-tournament/{ut}/seasons): fills ss
 * with new memory (sofa_seasons_free).  A missing or mistyped "seasons"
 * array, or an entry without an integer id, is reported as a contract
 * problem naming where (the API path) and the key, and false is returned
 * (entries without an id are skipped; the rest are kept).
 */
bool sofa_seasons_parse(const struct sofa_jv *root, const char *where,
    struct sofa_seasons *ss);
void sofa_seasons_free(struct sofa_seasons *ss);

/*
 * Parse a season year ("15/16", "2015/16", "2015-2016", "2024") into the
 * first and last calendar years.  False when s is none of those forms.
 */
bool sofa_season_span(const char *s, int *start, int *end);

/*
 * Check the syntax of one selection word (no list lookup).  False with a
 * static reason in *why when the word can never select anything.
 */
bool sofa_season_word_ok(const char *word, const char **why);

/*
 * Select the seasons word names in ss: marks sel[i] (ss->n booleans) for
 * every match.  Returns the number marked, or 0 with a message in err:
 * why nothing matched, or that the word is ambiguous.
 */
size_t sofa_season_select(const struct sofa_seasons *ss, const char *word,
    bool *sel, char *err, size_t errlen);

/*
 * Split a list of words (separated by blanks or commas, as the config's
 * list keys) into new strings: returns their number and sets *words (a new
 * array of new strings; sofa_words_free).
 */
size_t sofa_words(const char *list, char ***words);
void sofa_words_free(char **words, size_t n);

#endif
