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

/* The id of the organization with facility code, or 0; and back (out "" if
 * none). */
int64_t organization_by_code(cc_ctx *ctx, const char *code);
void organization_code(cc_ctx *ctx, int64_t id, char *out, size_t outsz);

/* The service area: add or remove a 5-digit ZIP (audited), list them into
 * out (comma-separated). */
int area_add(cc_ctx *ctx, const char *zip, cc_err *err);
int area_remove(cc_ctx *ctx, const char *zip, cc_err *err);
int area_list(cc_ctx *ctx, char *out, size_t outsz, cc_err *err);

/* The protocol tasks of a program; *out malloc'd. */
int program_tasks(cc_ctx *ctx, int64_t program_id, protocol_task **out, int *n,
                  cc_err *err);

#endif
