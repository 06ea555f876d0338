/*
 * row.h - optional values into table cells (table.h): an unset integer
 * (SOFA_UNSET), a NULL string or an unknown boolean (-1) is null.
 */
#ifndef SOFA_ROW_H
#define SOFA_ROW_H

#include <stdbool.h>

#include "jget.h"
#include "table.h"

static inline void
sofa_tab_oint(struct sofa_tab *t, size_t col, int64_t v)
{
	if (v != SOFA_UNSET)
		sofa_tab_int(t, col, v);
}

static inline void
sofa_tab_obool(struct sofa_tab *t, size_t col, int v)
{
	if (v >= 0)
		sofa_tab_bool(t, col, v != 0);
}

/* Unix times the tables accept: years 1000 to 9999. */
#define SOFA_TIME_MIN (-30610224000LL)
#define SOFA_TIME_MAX 253402300799LL

/*
 * A Unix time as UTC ISO 8601 ("2024-08-16T19:00:00Z"), or with date_only
 * its date ("2024-08-16"), formatted into buf (SOFA_UTC_LEN bytes, alive
 * until the row is written).  Null when unset; false (and null) when out
 * of range, for the caller to report.
 */
bool sofa_tab_outc(struct sofa_tab *t, size_t col, int64_t v, bool date_only,
    char *buf);

#endif
