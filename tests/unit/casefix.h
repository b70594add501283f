/*
 * casefix.h — fixtures of the unit tests that work through the core: a store
 * with its first administrator, a staff member and a context acting as them,
 * formatted SQL run or counted, a program or organization by code, an
 * ordinary synthetic client, participation and release consents and an
 * enrolled client (consented, assigned, with an open episode). Linked only
 * into the tests that link the core (tests/meson.build); testutil.h holds
 * what the store-only tests share. Every helper fails the test on error.
 */
#ifndef CC_CASEFIX_H
#define CC_CASEFIX_H

#include <stddef.h>
#include <stdint.h>

#include "core/ctx.h"
#include "store/store.h"
#include "util/err.h"

/* core/client.h and core/consent.h (by tag, so a test may still name a
 * variable client or consent). */
struct client;
struct consent;

/* A store in a fresh scratch directory (*dir, the caller's to remove and
 * free) at dir/name, with admin1 (admin) added: *sys becomes the system's
 * context with admin1 as its actor, *admin (if not NULL) a context as admin1. */
store *cf_store(char **dir, const char *name, cc_ctx *sys, cc_ctx *admin);

/* A store at db as init makes it (Argon2id lowered to one pass): a key slot
 * for root under pass and root ("Root") its first administrator; *root (if
 * not NULL) becomes a context as root. */
store *cf_root_store(const char *db, const char *pass, cc_ctx *root);

/* Make *c act on s as the existing staff member login, in their role, the
 * rest of *c (a cover, a fixed clock) kept; returns c. */
cc_ctx *cf_act(cc_ctx *c, store *s, const char *login);

/* Add staff member login (full name login) with role; *as (if not NULL)
 * becomes a context acting as them; returns their id. */
int64_t cf_staff(store *s, const char *login, const char *role, cc_ctx *as);

/* Add staff member login with role and full_name (no passphrase); their id. */
int64_t cf_person(store *s, const char *login, const char *role, const char *full_name);

/* The id of the existing staff member login. */
int64_t cf_staff_id(store *s, const char *login);

/* A fresh context on s acting as staff member staff_id in role. */
cc_ctx cf_ctx(store *s, int64_t staff_id, const char *role);

/* A fresh context on s acting as the existing staff member login, in their role. */
cc_ctx cf_as(store *s, const char *login);

/* One integer from the SQL that fmt formats. */
long long cf_int(store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Run the SQL that fmt formats. */
void cf_exec(store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The text of the first column of the first row of sql (asserted to exist;
 * "" for NULL) into out. */
void cf_text(store *s, const char *sql, char *out, size_t outsz);

/* The id of the organization with facility_code code (0 if none). */
int64_t cf_org(store *s, const char *code);

/* The id of the program with code, looked up as c. */
int64_t cf_program(cc_ctx *c, const char *code);

/* Assert that rc is CC_OK, printing err's message if not. */
void cf_ok(int rc, const cc_err *err);

/* Assert that err's message contains needle, printing both if not. */
void cf_expect_msg(const cc_err *err, const char *needle);

/* A valid client record, not yet saved: the names and birth date given, zip
 * 20810, medicare, English, at home. */
struct client cf_client(const char *family, const char *given, const char *dob);

/* Participation consent for client_id granted on signed_date (expires NULL:
 * never), not yet recorded. */
struct consent cf_participation(int64_t client_id, const char *signed_date,
                                const char *expires);

/* A release of client_id's information to organization org for care
 * coordination, granted on 2026-11-01 (expires NULL: never), with or
 * without substance-use records; not yet recorded. */
struct consent cf_release(int64_t client_id, int64_t org, int substance_use,
                          const char *expires);

/* Record participation granted on signed_date for client_id as c; its id. */
int64_t cf_consent(cc_ctx *c, int64_t client_id, const char *signed_date);

/* Save *cl as sys, record its participation consent of signed_date, assign
 * it to coach in program_id and start an episode there on start (discharged
 * at discharge_at, or NULL); returns the client's id. */
int64_t cf_enrolled(cc_ctx *sys, struct client *cl, const char *signed_date,
                    int64_t coach, int64_t program_id, const char *start,
                    const char *discharge_at);

#endif
