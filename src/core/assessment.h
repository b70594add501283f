/*
 * assessment.h — the health risk assessment: a questionnaire held as data
 * (up to 15 yes/no questions in three categories, each with a weight and the
 * issue it names), scored into high / moderate / low with the issues that
 * drove it, kept as a full history per client.
 *
 * Recording an assessment applies the program's rules in the same
 * transaction: a rise in level raises an alert for the team's nurse; in a
 * program whose episodes start on a high assessment, high starts an
 * intensive episode (or, while the client is in a SNF, light-touch
 * monitoring until discharge) and moderate/low puts the client on
 * monitoring with the next re-screen due.
 */
#ifndef CC_ASSESSMENT_H
#define CC_ASSESSMENT_H

#include "ctx.h"

#define HRA_MAX_QUESTIONS 15

typedef struct hra_question {
    int64_t id;
    int position;
    char category[16];
    char text[256];
    char driver[64];
    int weight;
} hra_question;

typedef struct questionnaire {
    int64_t id;
    char code[16];
    int version;
    char title[96];
    int active; /* the version new assessments are given under */
    int high_min, moderate_min;
    int n;
    hra_question q[HRA_MAX_QUESTIONS];
} questionnaire;

typedef struct hra_result {
    int score;
    char level[10];     /* high | moderate | low */
    char drivers[1024]; /* the issues answered yes, heaviest first, "; "-separated */
} hra_result;

typedef struct assessment_outcome {
    int64_t assessment_id;
    hra_result result;
    int alert_raised;   /* the level rose: the nurse was alerted */
    int64_t episode_id; /* an intensive episode started (0 if not) */
    int monitoring;     /* the client is (now) on light-touch monitoring */
} assessment_outcome;

/* The active (newest) version of questionnaire code. */
int questionnaire_load(cc_ctx *ctx, const char *code, questionnaire *out, cc_err *err);

/* Version `version` of questionnaire code (the active one when version < 1);
 * and the questionnaire with row id id. CC_EINPUT if there is none. */
int questionnaire_version(cc_ctx *ctx, const char *code, int version,
                          questionnaire *out, cc_err *err);
int questionnaire_by_id(cc_ctx *ctx, int64_t id, questionnaire *out, cc_err *err);

/* Save q (code, title, thresholds, questions; ids and version ignored) as a
 * new version of its code that becomes the active one; earlier versions stay
 * for the assessments given under them. Validated (1-15 questions, known
 * categories, weights 1-100, 1 <= moderate < high <= total weight). An
 * identical questionnaire changes nothing (*created = 0, q = the active
 * one); else *created = 1 and q has its new id and version. Administrators
 * only; audited. */
int questionnaire_save(cc_ctx *ctx, questionnaire *q, int *created, cc_err *err);

/* Score answers (0/1, one per question in order) — pure. */
void hra_score(const questionnaire *q, const int *answers, hra_result *out);

/* 3 high, 2 moderate, 1 low, 0 unknown. */
int hra_level_rank(const char *level);

/* Record an assessment of client in program and apply the program's rules
 * (see above). Needs active participation consent. */
int assessment_record(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                      const questionnaire *q, const int *answers,
                      assessment_outcome *out, cc_err *err);

typedef struct assessment_detail {
    int64_t id, client_id;
    char at[21];
    int score; /* as recorded */
    char level[10];
    char drivers[1024];
    questionnaire q; /* the version it was given under */
    int answers[HRA_MAX_QUESTIONS];
    hra_result rescored; /* its answers scored by q, never the active version */
} assessment_detail;

/* Assessment id as given: its recorded result, the questionnaire version it
 * was given under, its answers, and those answers re-scored by that same
 * version. A view of the client record: guarded and audited. */
int assessment_view(cc_ctx *ctx, int64_t id, assessment_detail *out, cc_err *err);

#endif
