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

/* Score answers (0/1, one per question in order) — pure. */
void hra_score(const questionnaire *q, const int *answers, hra_result *out);

/* 3 high, 2 moderate, 1 low, 0 unknown. */
int hra_level_rank(const char *level);

/* Record an assessment of client in program and apply the program's rules
 * (see above). Needs active participation consent. */
int assessment_record(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                      const questionnaire *q, const int *answers,
                      assessment_outcome *out, cc_err *err);

#endif
