/*
 * program.h — interventions as templates: eligibility hints, episode length
 * and maximum, caseload capacity, re-screen interval, overlap group, and
 * the protocol tasks each creates. Administrators change them as data.
 */
#ifndef CC_PROGRAM_H
#define CC_PROGRAM_H

#include "ctx.h"

typedef struct program {
    int64_t id;
    char code[32];
    char name[96];
    char kind[24];
    int64_t hospital_id;
    int min_age; /* 0 = none */
    char payers[128];
    char settings[64];
    char episode_start[20]; /* assessment-high | discharge | enrollment */
    int episode_days;
    int max_days;
    int capacity;
    int rescreen_days;
    char overlap_group[32];
    int active;
    int64_t version;
} program;

/* Read a program by id or by code. */
int program_get(cc_ctx *ctx, int64_t id, program *out, cc_err *err);
int program_by_code(cc_ctx *ctx, const char *code, program *out, cc_err *err);

/* All programs, ordered by id; *out malloc'd. */
int program_list(cc_ctx *ctx, program **out, int *n, cc_err *err);

/* Create or update (by code) a program from a filled struct, replacing its
 * protocol tasks with tasks[0..ntasks). Validated; audited. */
typedef struct protocol_task {
    char code[32];
    char title[128];
    char anchor[16]; /* episode-start | discharge */
    int offset_hours;
    int repeat_days;
    int repeat_count;
} protocol_task;

int program_save(cc_ctx *ctx, program *p, const protocol_task *tasks, int ntasks,
                 cc_err *err);

/* program_save, saying whether it made a version: each save that changes
 * any rule or protocol task writes a new immutable version (p->version) and
 * sets *created = 1; an identical save changes nothing, audits nothing and
 * sets *created = 0 (p is then the current program). Administrators only. */
int program_save_version(cc_ctx *ctx, program *p, const protocol_task *tasks,
                         int ntasks, int *created, cc_err *err);

/* Version `version` of program program_id as it was saved (out->version is
 * that version), and its protocol tasks when tasks != NULL (*tasks
 * malloc'd). CC_EINPUT if there is no such version. */
int program_version_get(cc_ctx *ctx, int64_t program_id, int64_t version, program *out,
                        protocol_task **tasks, int *ntasks, cc_err *err);

typedef struct program_version_info {
    int64_t version;
    char saved_at[21];
    char saved_by[64]; /* login, or "system" for the seeded first version */
    int episode_days, max_days;
    int ntasks;
    int episodes; /* episodes started under this version */
} program_version_info;

/* The saved versions of a program, oldest first; *out malloc'd. */
int program_versions(cc_ctx *ctx, int64_t program_id, program_version_info **out,
                     int *n, cc_err *err);

/* The id of the organization with facility code, or 0; and back (out "" if
 * none). */
int64_t organization_by_code(cc_ctx *ctx, const char *code);
void organization_code(cc_ctx *ctx, int64_t id, char *out, size_t outsz);

/* The service area: add or remove a 5-digit ZIP (administrators; audited),
 * list them into out (comma-separated). */
int area_add(cc_ctx *ctx, const char *zip, cc_err *err);
int area_remove(cc_ctx *ctx, const char *zip, cc_err *err);
/* Add zips[0..n) to the service area in one transaction, all or nothing: a
 * ZIP that is not 5 digits refuses the whole import naming its line
 * (line_no[i], or i + 1 when line_no is NULL). *added counts new ZIPs,
 * *present those already in it; one audit entry. Administrators only. */
int area_import(cc_ctx *ctx, const char *const *zips, const int *line_no, int n,
                int *added, int *present, cc_err *err);
int area_list(cc_ctx *ctx, char *out, size_t outsz, cc_err *err);

/* The protocol tasks of a program; *out malloc'd. */
int program_tasks(cc_ctx *ctx, int64_t program_id, protocol_task **out, int *n,
                  cc_err *err);

#endif
