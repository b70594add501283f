/*
 * cmd_reach.c — reaching the client and the day's work on the command line:
 * `client reach` (phones, address, primary care), `caregiver add|edit`,
 * `appointment book|kept|no-show|cancel|reschedule|list`, `agenda`, and
 * `encounter add` (a hospital stay learned by phone or fax, as the
 * terminal's encounter form records it).
 * Each gathers its options, calls one core function and prints the result;
 * the rules and the audit are the core's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/appointment.h"
#include "core/client.h"
#include "core/episode.h"
#include "core/notice.h"
#include "core/reach.h"
#include "io/tableout.h"
#include "util/clock.h"

static void print_table(cc_table *t, const char *title)
{
    tableout_text(stdout, t, title, 200);
    table_free(t);
}

/* ---- client reach ------------------------------------------------------ */

static int cmd_client_reach(cli *c, int argc, char **argv)
{
    const char *pos[1], *o[10] = {0}, *pref = NULL;
    const struct cli_opt opts[] = {{"--phone1", &o[0], NULL},
                                   {"--phone1-kind", &o[1], NULL},
                                   {"--phone2", &o[2], NULL},
                                   {"--phone2-kind", &o[3], NULL},
                                   {"--call-times", &o[4], NULL},
                                   {"--address", &o[5], NULL},
                                   {"--city", &o[6], NULL},
                                   {"--pcp-org", &o[7], NULL},
                                   {"--pcp-name", &o[8], NULL},
                                   {"--preferred", &pref, NULL},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    client_reach r, theirs;
    int64_t id;
    int rc, any = pref != NULL;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord client reach CLIENT [--phone1 P] [--phone1-kind K]\n"
            "       [--phone2 P] [--phone2-kind K] [--preferred 1|2]\n"
            "       [--call-times T] [--address A] [--city C] [--pcp-org CODE]\n"
            "       [--pcp-name N]\n"
            "Set how to reach the client (kinds: mobile, home, work, facility;\n"
            "the practice by its directory code, \"\" clears a value); without\n"
            "options, show the contact details and caregivers.\n",
            &rc))
        return rc;
    for (int i = 0; i < 9; i++)
        any |= o[i] != NULL;
    any |= pref != NULL;
    if (cli_parse_id(pos[0], "a client id", &id, &err) != CC_OK ||
        cli_open_ctx(c, &ctx, &err) != CC_OK || reach_get(&ctx, id, &r, &err) != CC_OK)
        return cli_fail(&err);
    if (!any) {
        cc_table t;
        if (record_tab(&ctx, id, "details", &t, &err) != CC_OK)
            return cli_fail(&err);
        print_table(&t, "contact details");
        return CC_OK;
    }
    if (cli_put_opt(r.phone1, sizeof r.phone1, o[0], "--phone1", &err) ||
        cli_put_opt(r.phone1_kind, sizeof r.phone1_kind, o[1], "--phone1-kind", &err) ||
        cli_put_opt(r.phone2, sizeof r.phone2, o[2], "--phone2", &err) ||
        cli_put_opt(r.phone2_kind, sizeof r.phone2_kind, o[3], "--phone2-kind", &err) ||
        cli_put_opt(r.call_times, sizeof r.call_times, o[4], "--call-times", &err) ||
        cli_put_opt(r.address, sizeof r.address, o[5], "--address", &err) ||
        cli_put_opt(r.city, sizeof r.city, o[6], "--city", &err) ||
        cli_put_opt(r.pcp_org, sizeof r.pcp_org, o[7], "--pcp-org", &err) ||
        cli_put_opt(r.pcp_name, sizeof r.pcp_name, o[8], "--pcp-name", &err))
        return cli_fail(&err);
    if (pref)
        r.preferred = !strcmp(pref, "2") ? 2 : !strcmp(pref, "1") ? 1 : 0;
    if (reach_save(&ctx, &r, &theirs, &err) != CC_OK)
        return cli_fail(&err);
    printf("contact details of client %lld saved (version %lld)\n", (long long)id,
           (long long)r.version);
    return CC_OK;
}

/* ---- caregivers -------------------------------------------------------- */

static int caregiver_fields(caregiver *g, const char *const *o, int no_contact,
                            int may_contact, int legal, int not_legal, cc_err *err)
{
    if (cli_put_opt(g->name, sizeof g->name, o[0], "--name", err) ||
        cli_put_opt(g->relationship, sizeof g->relationship, o[1], "--relationship",
                    err) ||
        cli_put_opt(g->phone, sizeof g->phone, o[2], "--phone", err) ||
        cli_put_opt(g->language, sizeof g->language, o[3], "--language", err))
        return err->code;
    if (no_contact)
        g->may_contact = 0;
    if (may_contact)
        g->may_contact = 1;
    if (legal)
        g->legal_rep = 1;
    if (not_legal)
        g->legal_rep = 0;
    return CC_OK;
}

static int cmd_caregiver_add(cli *c, int argc, char **argv)
{
    const char *pos[1], *o[4] = {0};
    int no_contact = 0, legal = 0, rc;
    const struct cli_opt opts[] = {{"--name", &o[0], NULL},
                                   {"--relationship", &o[1], NULL},
                                   {"--phone", &o[2], NULL},
                                   {"--language", &o[3], NULL},
                                   {"--no-contact", NULL, &no_contact},
                                   {"--legal-rep", NULL, &legal},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    caregiver g;
    memset(&g, 0, sizeof g);
    g.may_contact = 1;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord caregiver add CLIENT --name N --relationship R\n"
            "       [--phone P] [--language L] [--no-contact] [--legal-rep]\n"
            "Add a family member, caregiver or legal representative (relationships:\n" CAREGIVER_RELATIONSHIPS
            ").\n",
            &rc))
        return rc;
    if (cli_parse_id(pos[0], "a client id", &g.client_id, &err) != CC_OK ||
        caregiver_fields(&g, o, no_contact, 0, legal, 0, &err) != CC_OK ||
        cli_open_ctx(c, &ctx, &err) != CC_OK || caregiver_add(&ctx, &g, &err) != CC_OK)
        return cli_fail(&err);
    printf("caregiver %lld added to client %lld\n", (long long)g.id,
           (long long)g.client_id);
    return CC_OK;
}

static int cmd_caregiver_edit(cli *c, int argc, char **argv)
{
    const char *pos[1], *o[4] = {0};
    int flags[5] = {0}, rc;
    const struct cli_opt opts[] = {
        {"--name", &o[0], NULL},           {"--relationship", &o[1], NULL},
        {"--phone", &o[2], NULL},          {"--language", &o[3], NULL},
        {"--no-contact", NULL, &flags[0]}, {"--may-contact", NULL, &flags[1]},
        {"--legal-rep", NULL, &flags[2]},  {"--not-legal-rep", NULL, &flags[3]},
        {"--retire", NULL, &flags[4]},     {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    caregiver g, theirs;
    int64_t id;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord caregiver edit ID [--name N] [--relationship R]\n"
            "       [--phone P] [--language L] [--no-contact|--may-contact]\n"
            "       [--legal-rep|--not-legal-rep] [--retire]\n"
            "Change a caregiver; --retire: no longer involved (kept in records).\n",
            &rc))
        return rc;
    if (cli_parse_id(pos[0], "a caregiver id", &id, &err) != CC_OK ||
        cli_open_ctx(c, &ctx, &err) != CC_OK ||
        caregiver_get(&ctx, id, &g, &err) != CC_OK ||
        caregiver_fields(&g, o, flags[0], flags[1], flags[2], flags[3], &err) != CC_OK)
        return cli_fail(&err);
    if (flags[4])
        g.active = 0;
    if (caregiver_update(&ctx, &g, &theirs, &err) != CC_OK)
        return cli_fail(&err);
    printf("caregiver %lld saved%s\n", (long long)id, g.active ? "" : " (retired)");
    return CC_OK;
}

/* ---- appointments ------------------------------------------------------ */

static int cmd_appt_book(cli *c, int argc, char **argv)
{
    const char *pos[1], *o[7] = {0};
    int flags[3] = {0}, rc;
    const struct cli_opt opts[] = {{"--kind", &o[0], NULL},
                                   {"--when", &o[1], NULL},
                                   {"--with", &o[2], NULL},
                                   {"--specialty", &o[3], NULL},
                                   {"--place", &o[4], NULL},
                                   {"--for", &o[5], NULL},
                                   {"--minutes", &o[6], NULL},
                                   {"--transport", NULL, &flags[0]},
                                   {"--interpreter", NULL, &flags[1]},
                                   {"--no-reminder", NULL, &flags[2]},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    appointment a;
    memset(&a, 0, sizeof a);
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord appointment book CLIENT --kind K --when "
                  "\"YYYY-MM-DD HH:MM\"\n"
                  "       [--with ORG] [--specialty S] [--place P] [--for LOGIN]\n"
                  "       [--minutes N] [--transport] [--interpreter] [--no-reminder]\n"
                  "Book an appointment (kinds: " APPOINTMENT_KINDS ");\n"
                  "the time is the site's local time; a reminder call is set for the\n"
                  "day before unless --no-reminder.\n",
                  &rc))
        return rc;
    if (cli_parse_id(pos[0], "a client id", &a.client_id, &err) != CC_OK ||
        cli_put_opt(a.kind, sizeof a.kind, o[0], "--kind", &err) ||
        cli_put_opt(a.when, sizeof a.when, o[1], "--when (YYYY-MM-DD HH:MM)", &err) ||
        cli_put_opt(a.with_org, sizeof a.with_org, o[2], "--with", &err) ||
        cli_put_opt(a.specialty, sizeof a.specialty, o[3], "--specialty", &err) ||
        cli_put_opt(a.place, sizeof a.place, o[4], "--place", &err))
        return cli_fail(&err);
    a.minutes = o[6] ? atoi(o[6]) : 0;
    if (o[6] && a.minutes < 1)
        return cc_err_set(&err, CC_EUSAGE, "--minutes must be a number"),
               cli_fail(&err);
    a.transport = flags[0], a.interpreter = flags[1], a.no_reminder = flags[2];
    if (cli_open_ctx(c, &ctx, &err) != CC_OK)
        return cli_fail(&err);
    if (o[5]) {
        staff s;
        if (staff_find(c->sess.st, o[5], &s, &err) != CC_OK)
            return cli_fail(&err);
        a.staff_id = s.id;
    }
    if (appointment_book(&ctx, &a, &err) != CC_OK)
        return cli_fail(&err);
    printf("appointment %lld booked for client %lld", (long long)a.id,
           (long long)a.client_id);
    if (a.task_new)
        printf("; reminder task %lld the day before", (long long)a.task_new);
    if (a.task_done)
        printf("; protocol task %lld done", (long long)a.task_done);
    printf("\n");
    return CC_OK;
}

/* kept, no-show, cancel: one appointment's status. */
static int mark(cli *c, int argc, char **argv, const char *status)
{
    const char *pos[1], *reason = NULL;
    const struct cli_opt opts[] = {{"--reason", &reason, NULL}, {NULL, NULL, NULL}};
    char help[256];
    cc_err err = {0};
    cc_ctx ctx;
    appointment cur, out;
    int64_t id;
    int rc;
    snprintf(help, sizeof help,
             "usage: carecoord appointment %s ID [--reason TEXT]\n"
             "Mark a booked appointment %s%s.\n",
             !strcmp(status, "cancelled") ? "cancel" : status, status,
             !strcmp(status, "cancelled") ? " (a reason is required)" : "");
    if (!cli_args(argc, argv, opts, pos, 1, 1, help, &rc))
        return rc;
    if (cli_parse_id(pos[0], "an appointment id", &id, &err) != CC_OK ||
        cli_open_ctx(c, &ctx, &err) != CC_OK || appointment_get(&ctx, id, &cur, &err) ||
        appointment_mark(&ctx, id, cur.version, status, reason, &out, &err) != CC_OK)
        return cli_fail(&err);
    printf("appointment %lld %s", (long long)id, status);
    if (out.contact_id)
        printf("; contact %lld logged", (long long)out.contact_id);
    if (out.task_done)
        printf("; protocol task %lld done", (long long)out.task_done);
    if (out.task_new)
        printf("; follow-up task %lld", (long long)out.task_new);
    printf("\n");
    return CC_OK;
}

static int cmd_appt_kept(cli *c, int argc, char **argv)
{
    return mark(c, argc, argv, "kept");
}

static int cmd_appt_no_show(cli *c, int argc, char **argv)
{
    return mark(c, argc, argv, "no-show");
}

static int cmd_appt_cancel(cli *c, int argc, char **argv)
{
    return mark(c, argc, argv, "cancelled");
}

static int cmd_appt_reschedule(cli *c, int argc, char **argv)
{
    const char *pos[1], *when = NULL, *reason = NULL;
    const struct cli_opt opts[] = {
        {"--when", &when, NULL}, {"--reason", &reason, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    appointment cur, out;
    int64_t id;
    int rc;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord appointment reschedule ID --when \"YYYY-MM-DD "
            "HH:MM\" --reason TEXT\n"
            "Move a booked appointment: a new one is booked, the old one names it.\n",
            &rc))
        return rc;
    if (!when)
        return cc_err_set(&err, CC_EUSAGE, "--when is required"), cli_fail(&err);
    if (cli_parse_id(pos[0], "an appointment id", &id, &err) != CC_OK ||
        cli_open_ctx(c, &ctx, &err) != CC_OK || appointment_get(&ctx, id, &cur, &err) ||
        appointment_reschedule(&ctx, id, cur.version, when, reason, &out, &err) !=
            CC_OK)
        return cli_fail(&err);
    printf("appointment %lld moved to %s as appointment %lld\n", (long long)id,
           cli_s(out.when), (long long)out.id);
    return CC_OK;
}

static int cmd_appt_list(cli *c, int argc, char **argv)
{
    const char *pos[1];
    const struct cli_opt opts[] = {{NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    cc_table t;
    int64_t id;
    int rc;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord appointment list CLIENT\n"
                  "The client's appointments, newest first (an audited view).\n",
                  &rc))
        return rc;
    if (cli_parse_id(pos[0], "a client id", &id, &err) != CC_OK ||
        cli_open_ctx(c, &ctx, &err) != CC_OK ||
        record_tab(&ctx, id, "appointments", &t, &err) != CC_OK)
        return cli_fail(&err);
    print_table(&t, "appointments");
    return CC_OK;
}

static int cmd_agenda(cli *c, int argc, char **argv)
{
    const char *pos[1], *from = NULL, *days = NULL;
    int team = 0, rc;
    const struct cli_opt opts[] = {{"--from", &from, NULL},
                                   {"--days", &days, NULL},
                                   {"--team", NULL, &team},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    cc_table t;
    char today[11];
    if (!cli_args(
            argc, argv, opts, pos, 0, 0,
            "usage: carecoord agenda [--from DATE] [--days N] [--team]\n"
            "Your visits, calls, appointments and tasks due from DATE (today) for\n"
            "N days (1); --team: everyone on your teams.\n",
            &rc))
        return rc;
    if (cli_open_ctx(c, &ctx, &err) != CC_OK)
        return cli_fail(&err);
    ctx_today(&ctx, today);
    if (agenda_list(&ctx, from ? from : today, days ? atoi(days) : 1, team, &t, &err) !=
        CC_OK)
        return cli_fail(&err);
    print_table(&t, "agenda");
    return CC_OK;
}

static int cmd_encounter_add(cli *c, int argc, char **argv)
{
    const char *pos[1], *kind = NULL, *facility = NULL, *when = NULL, *visit = "";
    const struct cli_opt opts[] = {{"--kind", &kind, NULL},
                                   {"--facility", &facility, NULL},
                                   {"--when", &when, NULL},
                                   {"--visit", &visit, NULL},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    notice_result r;
    int64_t id;
    int rc;
    char date[11], at[21];
    int h, m;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord encounter add CLIENT --kind admit|ed|discharge|transfer\n"
            "       --facility CODE --when \"YYYY-MM-DD HH:MM\" [--visit NUMBER]\n"
            "A hospital encounter learned by phone or fax, with the effects of a\n"
            "notification (a discharge starts the episode or its tasks; a\n"
            "readmission is flagged and alerts).\n",
            &rc))
        return rc;
    if (!kind || !facility || !when)
        return cc_err_set(&err, CC_EUSAGE,
                          "--kind, --facility and --when are required"),
               cli_fail(&err);
    if (strlen(when) != 16 || sscanf(when, "%10s %d:%d", date, &h, &m) != 3 ||
        !clock_local_instant(date, h, m, 0))
        return cc_err_set(&err, CC_EUSAGE, "--when must be YYYY-MM-DD HH:MM (local)"),
               cli_fail(&err);
    clock_format_iso(clock_local_instant(date, h, m, 0), at);
    if (cli_parse_id(pos[0], "a client id", &id, &err) != CC_OK ||
        cli_open_ctx(c, &ctx, &err) != CC_OK ||
        notice_enter(&ctx, id, kind, facility, at, visit, &r, &err) != CC_OK)
        return cli_fail(&err);
    printf("encounter %lld recorded: %s\n", (long long)r.encounter_id, cli_s(r.what));
    return CC_OK;
}

/* The client's program (its owner's), for the SNF path. */
static int client_program(cc_ctx *ctx, int64_t id, int64_t *program_id, cc_err *err)
{
    client cl;
    if (client_get(ctx, id, &cl, err) != CC_OK)
        return err->code;
    if (!cl.program_id)
        return cc_err_set(err, CC_EINPUT, "client %lld is in no program yet",
                          (long long)id);
    *program_id = cl.program_id;
    return CC_OK;
}

static int cmd_client_snf(cli *c, int argc, char **argv)
{
    const char *pos[1], *facility = NULL, *date = NULL;
    const struct cli_opt opts[] = {
        {"--facility", &facility, NULL}, {"--date", &date, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id, program_id = 0, paused;
    char today[11];
    int rc;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord client snf CLIENT --facility CODE [--date DATE]\n"
            "The client moved into a skilled nursing facility: an open intensive\n"
            "episode pauses into light touch until the move home.\n",
            &rc))
        return rc;
    if (!facility)
        return cc_err_set(&err, CC_EUSAGE, "--facility is required"), cli_fail(&err);
    if (cli_parse_id(pos[0], "a client id", &id, &err) != CC_OK ||
        cli_open_ctx(c, &ctx, &err) != CC_OK ||
        client_program(&ctx, id, &program_id, &err) != CC_OK)
        return cli_fail(&err);
    ctx_today(&ctx, today);
    if (episode_snf_admit(&ctx, id, program_id, facility, date ? date : today, &paused,
                          &err) != CC_OK)
        return cli_fail(&err);
    printf("client %lld is in %s", (long long)id, cli_s(facility));
    if (paused)
        printf("; episode %lld paused into light touch", (long long)paused);
    printf("\n");
    return CC_OK;
}

static int cmd_client_home(cli *c, int argc, char **argv)
{
    const char *pos[1], *date = NULL;
    const struct cli_opt opts[] = {{"--date", &date, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id, program_id = 0, started;
    char today[11];
    int rc;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord client home CLIENT [--date DATE]\n"
            "The client left the SNF for home: still high at the latest assessment\n"
            "(re-assess first) starts a new intensive episode, else light touch.\n",
            &rc))
        return rc;
    if (cli_parse_id(pos[0], "a client id", &id, &err) != CC_OK ||
        cli_open_ctx(c, &ctx, &err) != CC_OK ||
        client_program(&ctx, id, &program_id, &err) != CC_OK)
        return cli_fail(&err);
    ctx_today(&ctx, today);
    if (episode_snf_discharge(&ctx, id, program_id, date ? date : today, &started,
                              &err) != CC_OK)
        return cli_fail(&err);
    if (started)
        printf("client %lld is home; intensive episode %lld started\n", (long long)id,
               (long long)started);
    else
        printf("client %lld is home; light touch\n", (long long)id);
    return CC_OK;
}

const struct cli_command cli_reach_commands[] = {
    {"client", "snf", cmd_client_snf, "client snf CLIENT --facility CODE",
     "moved into an SNF (the episode pauses)"},
    {"client", "home", cmd_client_home, "client home CLIENT [--date D]",
     "home from the SNF (still high: a new episode)"},
    {"encounter", "add", cmd_encounter_add, "encounter add CLIENT --kind K ...",
     "a hospital stay by phone or fax"},
    {"client", "reach", cmd_client_reach, "client reach CLIENT [--phone1 P ...]",
     "phones, address, primary care"},
    {"caregiver", "add", cmd_caregiver_add, "caregiver add CLIENT --name N ...",
     "add family, a caregiver or a legal rep"},
    {"caregiver", "edit", cmd_caregiver_edit, "caregiver edit ID [...] [--retire]",
     "change or retire a caregiver"},
    {"appointment", "book", cmd_appt_book, "appointment book CLIENT --kind K ...",
     "book a visit, call or appointment"},
    {"appointment", "kept", cmd_appt_kept, "appointment kept ID",
     "it took place (closes its task)"},
    {"appointment", "no-show", cmd_appt_no_show, "appointment no-show ID",
     "missed: a follow-up task"},
    {"appointment", "cancel", cmd_appt_cancel, "appointment cancel ID --reason R",
     "cancel a booked appointment"},
    {"appointment", "reschedule", cmd_appt_reschedule,
     "appointment reschedule ID --when W --reason R", "move it"},
    {"appointment", "list", cmd_appt_list, "appointment list CLIENT",
     "a client's appointments"},
    {"agenda", NULL, cmd_agenda, "agenda [--from D] [--days N] [--team]",
     "the day's visits, calls, appointments"},
    {NULL, NULL, NULL, NULL, NULL},
};
