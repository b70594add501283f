/*
 * form_common.h — what the case forms share: small helpers for reading what
 * was typed, and early hints. may_change tells the person before a form
 * opens that they may not change the client; the core refuses (and audits)
 * again whatever the screen says, so nothing depends on the hint.
 */
#ifndef CC_UI_FORM_COMMON_H
#define CC_UI_FORM_COMMON_H

#include "core/referral.h"
#include "form.h"

/* ---- early hints (the core decides again) ----------------------------- */

/* The person may change this client, else why not on the status line. */
int may_change(app *a, int64_t client_id);

/* The client's program (the owner's), else that of its open referral. */
int64_t program_of(app *a, int64_t client_id);

/* ---- helpers ------------------------------------------------------------ */

/* A zeroed form (or a struct that starts with one) of size bytes; NULL with
 * "WHAT: out of memory" on the status line. */
form *form_alloc(size_t size, const char *what, app *a);

/* Field field of fm holds exactly word. */
int form_is(const form *fm, int field, const char *word);

/* A whole positive number, or 0. */
int64_t form_positive(const char *s);

/* Copy a typed value into a field of the core's struct, refusing (rather
 * than silently cutting) what does not fit. */
int form_take(char *dst, size_t dstsz, const char *src, const char *what, cc_err *err);

/* Today (the one clock) plus days, as YYYY-MM-DD. */
void form_today_plus(app *a, int days, char out[11]);

/* The active organizations of the directory of the kinds listed (a comma
 * list: "practice,clinic"), as a choice list after first (e.g. "none"; NULL
 * for nothing before them). */
void form_org_choices(app *a, const char *kinds, const char *first, char *buf,
                      size_t n);

/* "me" and the colleagues of the person's teams, as a choice list. */
void form_team_mates(app *a, char *buf, size_t n);

/* The first word of a choice list. */
void form_first_choice(const char *choices, char *out, size_t outsz);

/* Now, to the minute, in the site's time, as "YYYY-MM-DD HH:MM", plus
 * days. */
void form_local_now(app *a, int days, char out[17]);

/* "Family, Given" of a client, or "client ID" if it cannot be read. */
void form_client_name(app *a, int64_t client_id, char *out, size_t outsz);

#endif
