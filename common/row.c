/*
 * row.c - optional values into table cells (row.h).
 */
#include <time.h>

#include "row.h"
#include "timeutil.h"

bool
sofa_tab_outc(struct sofa_tab *t, size_t col, int64_t v, bool date_only,
    char *buf)
{
	if (v == SOFA_UNSET)
		return true;
	if (v < SOFA_TIME_MIN || v > SOFA_TIME_MAX ||
	    (int64_t)(time_t)v != v)
		return false;
	sofa_fmt_utc((time_t)v, buf);
	sofa_tab_strn(t, col, buf, date_only ? 10 : 20);
	return true;
}
