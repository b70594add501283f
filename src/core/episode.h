/*
 * episode.h — intensive care-coordination episodes and light-touch
 * monitoring between them.
 *
 * Day N of M: the start date is day 1; the target end is start + M - 1
 * where M = the program's episode length plus extensions; from day M + 1
 * the episode is past target. Extensions never pass the program maximum.
 * A client never has two open episodes in one program.
 */
#ifndef CC_EPISODE_H
#define CC_EPISODE_H

#include "ctx.h"

typedef struct episode {
    int64_t id;
    int64_t client_id;
    int64_t program_id;
    char start_date[11];
    int target_days;
    int extended_days;
    char closed_date[11]; /* "" while open */
    char outcome[24];
    int64_t version;
    int64_t program_version; /* the program version it started under */
} episode;

typedef struct episode_day {
    int day;             /* today's day number (1 on the start date) */
    int length;          /* M: target days plus extensions */
    int past_target;     /* day > length */
    char target_end[11]; /* start + M - 1 */
} episode_day;

typedef struct monitoring {
    int64_t id;
    int64_t client_id;
    int64_t program_id;
    char since_date[11];
    char rescreen_date[11];
    char ended_date[11];
} monitoring;

/* Day N of M for e on today (pure). */
void episode_day_of(const episode *e, const char *today, episode_day *out);

/* True if outcome is one of goals-met readmitted declined-further
 * unreachable moved died transferred. */
int episode_outcome_valid(const char *outcome);

/* Start an intensive episode of client in program on start_date. anchor_at
 * ("YYYY-MM-DDTHH:MM:SSZ", e.g. the hospital discharge) times the protocol
 * tasks anchored on discharge; NULL uses the start date. Needs active
 * participation consent and no open episode in that program; ends open
 * monitoring there. Sets *id. The _in form runs in the caller's transaction. */
int episode_start(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                  const char *start_date, const char *anchor_at, int64_t *id,
                  cc_err *err);
int episode_start_in(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                     const char *start_date, const char *anchor_at, int64_t *id,
                     cc_err *err);

/* Extend episode id (read at version) by days with a reason; refused past
 * the program maximum; CC_ECONFLICT if someone changed it first. */
int episode_extend(cc_ctx *ctx, int64_t id, int64_t version, int days,
                   const char *reason, cc_err *err);

/* Close episode id on date with an outcome; its open tasks are cancelled.
 * Unless the client left care (moved, died, transferred, declined-further:
 * then every open task of the client is cancelled), light-touch monitoring
 * starts with the next re-screen due. */
int episode_close(cc_ctx *ctx, int64_t id, int64_t version, const char *date,
                  const char *outcome, cc_err *err);

/* Put client on light-touch monitoring in program from since (a no-op if
 * already); the next re-screen is since + the program's interval. */
int monitoring_start_in(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                        const char *since, cc_err *err);

/* End client's light-touch monitoring in program on date (from its start
 * to today) for a reason: stable, moved, died, declined-further, unreachable
 * or transferred. The client's open tasks are cancelled, the referral is
 * closed, and the client leaves the caseload's active count. */
int monitoring_end(cc_ctx *ctx, int64_t client_id, int64_t program_id, const char *date,
                   const char *reason, cc_err *err);

/* 1 if reason is one monitoring_end accepts. */
int monitoring_end_reason_valid(const char *reason);

/* The client moves into the skilled nursing facility facility_code on date:
 * the living setting becomes that SNF, and an open intensive episode in
 * program pauses into light touch (closed as "snf": its tasks cancelled,
 * monitoring starts). *paused is that episode (0 if none was open). */
int episode_snf_admit(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                      const char *facility_code, const char *date, int64_t *paused,
                      cc_err *err);

/* The client leaves the SNF on date: setting becomes home, and if the
 * latest assessment in program is high, an intensive episode starts. Sets
 * *episode_id (0 if none started). */
int episode_snf_discharge(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                          const char *date, int64_t *episode_id, cc_err *err);

/* The rules episode e runs under: its program as saved in the version the
 * episode started under (program.h program_version_get). */
struct program;
int episode_rules(cc_ctx *ctx, const episode *e, struct program *out, cc_err *err);

/* Read an episode; the open episode of client in program (0 if none). */
int episode_get(cc_ctx *ctx, int64_t id, episode *out, cc_err *err);
int64_t episode_open_for(cc_ctx *ctx, int64_t client_id, int64_t program_id);

/* The client's open intensive episode in any program (the latest), or 0:
 * what the tasks an appointment, a plan or a reconciliation makes belong to. */
int64_t episode_open_any(cc_ctx *ctx, int64_t client_id);

/* The open monitoring of client in program; CC_EUSAGE if none. */
int monitoring_get_open(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                        monitoring *out, cc_err *err);

#endif
