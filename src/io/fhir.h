/*
 * fhir.h — a client's record as HL7 FHIR R4 resources: Patient, Consent,
 * EpisodeOfCare, Task (protocol and manual tasks, hand-offs),
 * QuestionnaireResponse and RiskAssessment (each risk assessment),
 * Encounter (hospital visits), ServiceRequest (referrals), CarePlan and
 * Goal (the client's plan and its goals) and MedicationStatement (the
 * medication list). For one
 * client, a Bundle of type collection written through the core's
 * disclosure use case (core/disclose.h); for every client, Bulk Data style
 * NDJSON, one resource type per file. docs/FHIR.md maps each field.
 */
#ifndef CC_IO_FHIR_H
#define CC_IO_FHIR_H

#include <stdint.h>

#include "core/ctx.h"

#define FHIR_NTYPES 11

/* The resource types, in the order of the counts below. */
extern const char *const fhir_types[FHIR_NTYPES];

/* A disclose_builder: the client's record as one Bundle (JSON, malloc'd,
 * into *(char **)arg); substance-use information (consents naming it,
 * hand-offs carrying it) only when include_su. what gets the resource
 * counts, for the accounting of disclosures. */
int fhir_bundle_builder(cc_ctx *ctx, int64_t client_id, int include_su, void *arg,
                        char *what, size_t whatsz, cc_err *err);

/* Receives one resource of type fhir_types[type] as a line of JSON with its
 * newline; returns 0 to go on. */
typedef int (*fhir_sink)(void *arg, int type, const char *line);

/* Every client's record (export.case: supervisors), audited first, then read
 * from one snapshot; counts[i] gets the resources of fhir_types[i]. */
int fhir_export_all(cc_ctx *ctx, fhir_sink sink, void *arg, int64_t counts[FHIR_NTYPES],
                    cc_err *err);

#endif
