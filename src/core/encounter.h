/*
 * encounter.h — hospital encounter events (admission, discharge, emergency
 * visit) for a client at a facility: what the readmission measures count.
 * The HL7 ADT import will record them here; for now people and the demo do.
 */
#ifndef CC_ENCOUNTER_H
#define CC_ENCOUNTER_H

#include "ctx.h"

/* Record an encounter of kind admit | discharge | ed at facility (by code)
 * at instant at ("YYYY-MM-DDTHH:MM:SSZ"). Audited. Sets *id. */
int encounter_record(cc_ctx *ctx, int64_t client_id, const char *facility_code,
                     const char *kind, const char *at, int64_t *id, cc_err *err);

#endif
