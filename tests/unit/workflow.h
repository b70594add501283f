/*
 * workflow.h — the small day of work the failure tests (test_iofault,
 * test_memfault) break at every step: open the store, take in a client, edit
 * them, record consent, log a contact and an assessment, close. After a
 * failure the store is reopened and checked: integrity, the audit chain,
 * every acknowledged change there with its audit entry, no change there
 * without one (nor an entry without its change), no stray file.
 */
#ifndef CC_WORKFLOW_H
#define CC_WORKFLOW_H

#include "util/err.h"

enum wf_step {
    WF_OPEN,
    WF_INTAKE,
    WF_EDIT,
    WF_CONSENT,
    WF_CONTACT,
    WF_ASSESS,
    WF_STEPS
};

typedef struct wf_result {
    int acked[WF_STEPS];  /* the step returned CC_OK */
    int ran[WF_STEPS];    /* the step was tried */
    int failed;           /* the first step that failed, or -1 */
    cc_err err;           /* its message */
    long marks[WF_STEPS]; /* wf_mark() right after each step that ran */
} wf_result;

/* Called (when set) after each step; kept in wf_result.marks. */
extern long (*wf_mark)(void);

/* Build the base store at dir/base.db once: staff, a team, nothing else. */
void wf_prepare(const char *dir);

/* A fresh copy of the base store as dir/run.db (any old run removed). */
void wf_reset(const char *dir);

/* Run the workflow on dir/run.db; steps after a failed intake are skipped
 * (there is no client), the rest are all tried. */
void wf_run(const char *dir, wf_result *r);

/* Reopen dir/run.db with nothing failing and check everything (fails the
 * test on any breach, naming label). */
void wf_verify(const char *dir, const wf_result *r, const char *label);

/* Scratch directories in memory (/dev/shm) unless TMPDIR says otherwise:
 * the fault VFS stands for the disk here, and hundreds of runs of real
 * fsyncs would take minutes on a busy one. */
void wf_fast_tmpdir(void);

/* True if msg is one printable line. */
int wf_one_line(const char *msg);

/* The fault tests' long mode: FAULT_LONG=1 or CARECOORD_LONG_TESTS=1. */
int wf_long_mode(void);

#endif
