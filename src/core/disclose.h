/*
 * disclose.h — client data leaving carecoord: the accounting of disclosures
 * (what went to which organization, when, why, by whom) and the one use
 * case through which a client's record is written out whole, for an
 * outside organization (checked against consent like a hand-off and
 * recorded as a disclosure) or for internal use (audited). The format is
 * not the core's business: a builder from src/io writes it, inside the
 * transaction that checks and records it, so a record never leaves without
 * its entry and an entry never stands for a record that was refused.
 */
#ifndef CC_DISCLOSE_H
#define CC_DISCLOSE_H

#include "ctx.h"

/* Record in the accounting of disclosures that what went to organization
 * org_id for purpose (substance_use: it held substance-use information;
 * handoff_id 0 unless a hand-off carried it), audited as "disclosure" on
 * the client. Runs inside the caller's transaction. */
int disclosure_record(cc_ctx *ctx, int64_t client_id, int64_t org_id, const char *what,
                      const char *purpose, int substance_use, int64_t handoff_id,
                      cc_err *err);

/* Writes one client's record; include_su says whether substance-use
 * information may be in it. Fills what (for the accounting: the kinds of
 * information written) and returns CC_OK, or fails with err set. */
typedef int (*disclose_builder)(cc_ctx *ctx, int64_t client_id, int include_su,
                                void *arg, char *what, size_t whatsz, cc_err *err);

typedef struct disclose_request {
    int64_t client_id;
    const char *to_org;  /* an organization's code; NULL or "": internal use */
    const char *purpose; /* why it goes there (required with to_org) */
    int substance_use;   /* out: substance-use information was included */
} disclose_request;

/* In one transaction: the client within the actor's scope (export.record),
 * for an outside organization an active release naming it (substance-use
 * information is included only if a release covers it for that
 * organization), the builder, then the disclosure (outside) and the audit
 * entry "export.record" on the client. Any failure leaves nothing. */
int disclose_record(cc_ctx *ctx, disclose_request *req, disclose_builder build,
                    void *arg, cc_err *err);

/* The role check and audit entry (action "export.<format>", details what)
 * of a bulk export, in its own transaction, before anything is written. */
int disclose_bulk_audit(cc_ctx *ctx, const char *action, const char *format,
                        const char *what, cc_err *err);

#endif
