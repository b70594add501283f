/*
 * cmd_org.c — subcommands that set a site up and take a client in without
 * the demo: the organization directory (org add|edit|retire|remove|list),
 * teams (team add|rename|capacity|retire|member|cover|list), and a
 * coach's first steps with a client (client intake with an eligibility
 * override, client consent, client assess). Each parses its options, calls
 * one core function and prints one sanitized line or a table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/assessment.h"
#include "core/consent.h"
#include "core/episode.h"
#include "core/intake.h"
#include "core/org.h"
#include "core/team.h"
#include "io/tableout.h"

/* Open the session for action, or print why not. */
static int open_for(cli *c, const char *action, cc_ctx *ctx, cc_err *err)
{
    if (cli_open(c, action, 0, err) != CC_OK)
        return err->code;
    *ctx = cli_ctx(c);
    return CC_OK;
}

static int show_table(cc_table *t, const char *title)
{
    tableout_text(stdout, t, title, 200);
    table_free(t);
    return CC_OK;
}

static int whole_number(const char *s, int lo, int hi, int *out, cc_err *err)
{
    char *end;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || *end || v < lo || v > hi)
        return cc_err_set(err, CC_EUSAGE, "'%s' is not a number from %d to %d",
                          s ? s : "", lo, hi);
    *out = (int)v;
    return CC_OK;
}

/* ---- organizations ----------------------------------------------------- */

static int cmd_org_add(cli *c, int argc, char **argv)
{
    const char *pos[1], *kind = NULL, *name = NULL;
    const struct cli_opt opts[] = {
        {"--kind", &kind, NULL}, {"--name", &name, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    int rc;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord org add CODE --kind KIND --name TEXT\n"
                  "Add an organization to the directory (administrators). CODE is\n"
                  "what consents, referrals, hand-offs and identifiers name it by\n"
                  "(a hospital's facility code). KIND: hospital, snf, senior-living,\n"
                  "primary-care, clinic, payer, agency, hie, ems, other.\n",
                  &rc))
        return rc;
    if (open_for(c, "org.manage", &ctx, &err) != CC_OK ||
        org_add(&ctx, pos[0], kind, name, &id, &err) != CC_OK)
        return cli_fail(&err);
    printf("added organization %s (%s): %s\n", cli_s(pos[0]), cli_s(org_kind_of(kind)),
           cli_s(name));
    return CC_OK;
}

static int cmd_org_edit(cli *c, int argc, char **argv)
{
    const char *pos[1], *kind = NULL, *name = NULL;
    const struct cli_opt opts[] = {
        {"--kind", &kind, NULL}, {"--name", &name, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    int rc;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord org edit CODE [--name TEXT] [--kind KIND]\n"
                  "Change an organization's name or kind; its code never changes.\n",
                  &rc))
        return rc;
    if (open_for(c, "org.manage", &ctx, &err) != CC_OK ||
        org_edit(&ctx, pos[0], name, kind, &err) != CC_OK)
        return cli_fail(&err);
    printf("changed organization %s\n", cli_s(pos[0]));
    return CC_OK;
}

static int org_state(cli *c, int argc, char **argv, int remove)
{
    const char *pos[1];
    cc_err err = {0};
    cc_ctx ctx;
    int rc;
    if (!cli_args(argc, argv, NULL, pos, 1, 1,
                  remove ? "usage: carecoord org remove CODE\nDelete an organization "
                           "nothing has ever named (a typo); otherwise retire it.\n"
                         : "usage: carecoord org retire CODE\nRetire an organization: "
                           "records naming it keep it, new ones cannot.\n",
                  &rc))
        return rc;
    if (open_for(c, "org.manage", &ctx, &err) != CC_OK ||
        (remove ? org_remove : org_retire)(&ctx, pos[0], &err) != CC_OK)
        return cli_fail(&err);
    printf("%s organization %s\n", remove ? "removed" : "retired", cli_s(pos[0]));
    return CC_OK;
}

static int cmd_org_retire(cli *c, int argc, char **argv)
{
    return org_state(c, argc, argv, 0);
}

static int cmd_org_remove(cli *c, int argc, char **argv)
{
    return org_state(c, argc, argv, 1);
}

static int cmd_org_list(cli *c, int argc, char **argv)
{
    const char *kind = "";
    const struct cli_opt opts[] = {{"--kind", &kind, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    cc_table t;
    int rc;
    if (!cli_args(argc, argv, opts, NULL, 0, 0,
                  "usage: carecoord org list [--kind KIND]\nThe organization "
                  "directory, retired ones last.\n",
                  &rc))
        return rc;
    if (open_for(c, "org.view", &ctx, &err) != CC_OK ||
        org_list(&ctx, kind, &t, &err) != CC_OK)
        return cli_fail(&err);
    return show_table(&t, "Organizations");
}

/* ---- teams ------------------------------------------------------------- */

static int cmd_team_add(cli *c, int argc, char **argv)
{
    const char *pos[1], *prog = NULL, *capacity = NULL;
    const struct cli_opt opts[] = {{"--program", &prog, NULL},
                                   {"--capacity", &capacity, NULL},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    int rc, cap = 0;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord team add NAME --program CODE [--capacity N]\n"
                  "Create a care team of a program; --capacity gives the team a limit "
                  "of its\nown (the ACT team: 100 clients) besides each coach's.\n",
                  &rc))
        return rc;
    if (!prog)
        return cc_err_set(&err, CC_EUSAGE, "team add needs --program CODE"),
               cli_fail(&err);
    if ((capacity && whole_number(capacity, 1, 100000, &cap, &err) != CC_OK) ||
        open_for(c, "team.manage", &ctx, &err) != CC_OK ||
        team_create(&ctx, pos[0], prog, cap, &id, &err) != CC_OK)
        return cli_fail(&err);
    printf("team %lld created: %s (%s)\n", (long long)id, cli_s(pos[0]), cli_s(prog));
    return CC_OK;
}

static int cmd_team_rename(cli *c, int argc, char **argv)
{
    const char *pos[2];
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    int rc;
    if (!cli_args(argc, argv, NULL, pos, 2, 2,
                  "usage: carecoord team rename TEAM NEW-NAME\nTEAM is a team's id or "
                  "name.\n",
                  &rc))
        return rc;
    if (open_for(c, "team.manage", &ctx, &err) != CC_OK ||
        !(id = team_find(&ctx, pos[0], &err)) ||
        team_rename(&ctx, id, pos[1], &err) != CC_OK)
        return cli_fail(&err);
    printf("team %lld renamed %s\n", (long long)id, cli_s(pos[1]));
    return CC_OK;
}

static int cmd_team_capacity(cli *c, int argc, char **argv)
{
    const char *pos[2];
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    int rc, cap;
    if (!cli_args(argc, argv, NULL, pos, 2, 2,
                  "usage: carecoord team capacity TEAM N\nThe team's own capacity "
                  "(0: none, only each coach's).\n",
                  &rc))
        return rc;
    if (whole_number(pos[1], 0, 100000, &cap, &err) != CC_OK ||
        open_for(c, "team.manage", &ctx, &err) != CC_OK ||
        !(id = team_find(&ctx, pos[0], &err)) ||
        team_set_capacity(&ctx, id, cap, &err) != CC_OK)
        return cli_fail(&err);
    printf("team %lld capacity %d\n", (long long)id, cap);
    return CC_OK;
}

static int cmd_team_retire(cli *c, int argc, char **argv)
{
    const char *pos[1];
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    int rc;
    if (!cli_args(argc, argv, NULL, pos, 1, 1,
                  "usage: carecoord team retire TEAM\nRetire a team that owns no "
                  "clients; its members and cover end.\n",
                  &rc))
        return rc;
    if (open_for(c, "team.manage", &ctx, &err) != CC_OK ||
        !(id = team_find(&ctx, pos[0], &err)) || team_retire(&ctx, id, &err) != CC_OK)
        return cli_fail(&err);
    printf("team %lld retired\n", (long long)id);
    return CC_OK;
}

/* "team member add|remove TEAM LOGIN", "team cover add|remove TEAM LOGIN". */
static int team_people(cli *c, int argc, char **argv, int cover)
{
    const char *pos[3];
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    staff s;
    int rc;
    if (!cli_args(argc, argv, NULL, pos, 3, 3,
                  cover ? "usage: carecoord team cover add|remove TEAM LOGIN\nA "
                          "program manager or social worker covers up to 3 teams.\n"
                        : "usage: carecoord team member add|remove TEAM LOGIN\nPut "
                          "someone on a team (with their role) or take them off.\n",
                  &rc))
        return rc;
    int add = !strcmp(pos[0], "add");
    if (!add && strcmp(pos[0], "remove") != 0)
        return cc_err_set(&err, CC_EUSAGE, "say add or remove, not '%s'", pos[0]),
               cli_fail(&err);
    if (open_for(c, "team.manage", &ctx, &err) != CC_OK ||
        !(id = team_find(&ctx, pos[1], &err)) ||
        staff_find(c->sess.st, pos[2], &s, &err) != CC_OK)
        return cli_fail(&err);
    int (*fn)(cc_ctx *, int64_t, int64_t, cc_err *) =
        cover ? (add ? team_cover_add : team_cover_remove)
              : (add ? team_member_add : team_member_remove);
    if (fn(&ctx, id, s.id, &err) != CC_OK)
        return cli_fail(&err);
    printf("%s %s team %lld\n", cli_s(s.login),
           cover ? (add ? "covers" : "no longer covers")
                 : (add ? "is now on" : "has left"),
           (long long)id);
    return CC_OK;
}

static int cmd_team_member(cli *c, int argc, char **argv)
{
    return team_people(c, argc, argv, 0);
}

static int cmd_team_cover(cli *c, int argc, char **argv)
{
    return team_people(c, argc, argv, 1);
}

static int cmd_team_list(cli *c, int argc, char **argv)
{
    cc_err err = {0};
    cc_ctx ctx;
    cc_table t;
    int rc;
    if (!cli_args(argc, argv, NULL, NULL, 0, 0,
                  "usage: carecoord team list\nTeams, their members (login:role) and "
                  "who covers them.\n",
                  &rc))
        return rc;
    if (open_for(c, "staff.list", &ctx, &err) != CC_OK ||
        team_list(&ctx, &t, &err) != CC_OK)
        return cli_fail(&err);
    return show_table(&t, "Teams");
}

/* ---- a client's first steps -------------------------------------------- */

struct intake_opts {
    const char *family, *given, *dob, *zip, *payer, *setting, *setting_org, *language;
    const char *program, *source, *source_org, *person, *criteria, *received;
    const char *override, *risk;
    int outside_zip, duplicate;
};

/* src (NULL: empty) into dst of n bytes; a value that does not fit is
 * refused, naming the option, never cut short. */
static int copy(char *dst, size_t n, const char *src, const char *what, cc_err *err)
{
    return cli_put_opt(dst, n, src ? src : "", what, err);
}

static int fill_intake(cc_ctx *ctx, const struct intake_opts *o, intake_request *in,
                       cc_err *err)
{
    program p;
    memset(in, 0, sizeof *in);
    client *k = &in->client;
    if (copy(k->family_name, sizeof k->family_name, o->family, "--family", err) ||
        copy(k->given_name, sizeof k->given_name, o->given, "--given", err) ||
        copy(k->dob, sizeof k->dob, o->dob, "--dob", err) ||
        copy(k->zip, sizeof k->zip, o->zip, "--zip", err) ||
        copy(k->payer, sizeof k->payer, o->payer, "--payer", err) ||
        copy(k->setting, sizeof k->setting, o->setting ? o->setting : "home",
             "--setting", err) ||
        copy(k->language, sizeof k->language, o->language ? o->language : "en",
             "--language", err))
        return err->code;
    if (o->setting_org && !(k->setting_org_id = org_resolve(ctx, o->setting_org, err)))
        return err->code;
    if (program_by_code(ctx, o->program, &p, err) != CC_OK)
        return err->code;
    referral *r = &in->referral;
    r->program_id = p.id;
    if (copy(r->source_type, sizeof r->source_type, o->source ? o->source : "other",
             "--source", err) ||
        copy(r->source_person, sizeof r->source_person, o->person, "--source-person",
             err) ||
        copy(r->criteria, sizeof r->criteria, o->criteria, "--criteria", err) ||
        referral_parse_risk(o->risk, r, err))
        return err->code;
    if (o->received) {
        if (copy(r->received_date, sizeof r->received_date, o->received, "--received",
                 err))
            return err->code;
    } else {
        ctx_today(ctx, r->received_date);
    }
    if (o->source_org && !(r->source_org_id = org_resolve(ctx, o->source_org, err)))
        return err->code;
    in->flags = (o->outside_zip ? CLIENT_ALLOW_OUTSIDE_ZIP : 0) |
                (o->duplicate ? CLIENT_ACCEPT_DUPLICATE : 0);
    in->override = o->override;
    return CC_OK;
}

static int cmd_client_intake(cli *c, int argc, char **argv)
{
    struct intake_opts o = {0};
    const struct cli_opt opts[] = {{"--family", &o.family, NULL},
                                   {"--given", &o.given, NULL},
                                   {"--dob", &o.dob, NULL},
                                   {"--zip", &o.zip, NULL},
                                   {"--payer", &o.payer, NULL},
                                   {"--setting", &o.setting, NULL},
                                   {"--setting-org", &o.setting_org, NULL},
                                   {"--language", &o.language, NULL},
                                   {"--program", &o.program, NULL},
                                   {"--source", &o.source, NULL},
                                   {"--source-org", &o.source_org, NULL},
                                   {"--source-person", &o.person, NULL},
                                   {"--criteria", &o.criteria, NULL},
                                   {"--received", &o.received, NULL},
                                   {"--readmit-risk", &o.risk, NULL},
                                   {"--override", &o.override, NULL},
                                   {"--outside-area", NULL, &o.outside_zip},
                                   {"--duplicate-ok", NULL, &o.duplicate},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    intake_request in;
    intake_result out;
    int rc;
    if (!cli_args(
            argc, argv, opts, NULL, 0, 0,
            "usage: carecoord client intake --family NAME --given NAME --dob DATE\n"
            "       --zip ZIP --payer PAYER --program CODE [--setting home|senior-living|snf]\n"
            "       [--setting-org CODE] [--source TYPE] [--source-org CODE]\n"
            "       [--source-person TEXT] [--criteria A,B] [--received DATE]\n"
            "       [--readmit-risk PERCENT] [--override REASON] [--outside-area]\n"
            "       [--duplicate-ok]\n"
            "Take in a new client and their referral in one step (intake_submit): the\n"
            "service-area and duplicate checks, the program's eligibility (overridden\n"
            "only with --override REASON, audited), and a coach with room takes it.\n",
            &rc))
        return rc;
    if (!o.family || !o.given || !o.dob || !o.zip || !o.payer || !o.program)
        return cc_err_set(&err, CC_EUSAGE,
                          "client intake needs --family --given --dob --zip --payer "
                          "--program"),
               cli_fail(&err);
    if (open_for(c, "client.write", &ctx, &err) != CC_OK ||
        fill_intake(&ctx, &o, &in, &err) != CC_OK ||
        intake_submit(&ctx, &in, &out, &err) != CC_OK)
        return cli_fail(&err);
    printf("client %lld taken in, referral %lld to %s%s%s\n", (long long)in.client.id,
           (long long)in.referral.id, cli_s(o.program), out.note[0] ? "; " : "",
           cli_s(out.note));
    return CC_OK;
}

static int parse_client(const char *s, int64_t *id, cc_err *err)
{
    char *end;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v < 1)
        return cc_err_set(err, CC_EUSAGE, "'%s' is not a client id", s ? s : "");
    *id = v;
    return CC_OK;
}

/* "--to A,B" organization codes into the consent's recipients. */
static int recipients(cc_ctx *ctx, const char *list, consent *k, cc_err *err)
{
    char buf[512], *save = NULL;
    if (copy(buf, sizeof buf, list, "--to", err))
        return err->code;
    for (char *code = strtok_r(buf, ",", &save); code;
         code = strtok_r(NULL, ",", &save)) {
        if (k->nrecipients == CONSENT_MAX_RECIPIENTS)
            return cc_err_set(err, CC_EINPUT, "at most %d recipients",
                              CONSENT_MAX_RECIPIENTS);
        if (!(k->recipients[k->nrecipients++] = org_resolve(ctx, code, err)))
            return err->code;
    }
    return CC_OK;
}

static int cmd_client_consent(cli *c, int argc, char **argv)
{
    const char *pos[1], *kind = "participation", *decision = "granted",
                        *signed_on = NULL;
    const char *expires = NULL, *reason = NULL, *to = NULL, *purpose = "", *info = "";
    const char *witness = "", *signer = NULL;
    int su = 0;
    const struct cli_opt opts[] = {{"--kind", &kind, NULL},
                                   {"--signed-by", &signer, NULL},
                                   {"--decision", &decision, NULL},
                                   {"--signed", &signed_on, NULL},
                                   {"--expires", &expires, NULL},
                                   {"--reason", &reason, NULL},
                                   {"--to", &to, NULL},
                                   {"--purpose", &purpose, NULL},
                                   {"--information", &info, NULL},
                                   {"--witness", &witness, NULL},
                                   {"--substance-use", NULL, &su},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    consent k = {0};
    int rc;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord client consent CLIENT [--kind participation|release]\n"
            "       [--decision granted|declined] [--reason TEXT] [--signed DATE]\n"
            "       [--expires DATE] [--to ORG,ORG] [--purpose TEXT]\n"
            "       [--information TEXT] [--witness TEXT] [--substance-use]\n"
            "       [--signed-by CAREGIVER]\n"
            "Record a consent decision (a release names its recipients by "
            "organization\ncode; --substance-use: it covers substance-use "
            "information, 42 CFR\nPart 2; --signed-by: the legal representative "
            "who signed, by caregiver\nid); participation moves the referral.\n",
            &rc))
        return rc;
    if (parse_client(pos[0], &k.client_id, &err) != CC_OK ||
        open_for(c, "client.write", &ctx, &err) != CC_OK)
        return cli_fail(&err);
    if (copy(k.kind, sizeof k.kind, kind, "--kind", &err) ||
        copy(k.decision, sizeof k.decision, decision, "--decision", &err) ||
        copy(k.decline_reason, sizeof k.decline_reason, reason, "--reason", &err) ||
        copy(k.purpose, sizeof k.purpose, purpose, "--purpose", &err) ||
        copy(k.information, sizeof k.information, info, "--information", &err) ||
        copy(k.witness, sizeof k.witness, witness, "--witness", &err) ||
        copy(k.expires_date, sizeof k.expires_date, expires, "--expires", &err))
        return cli_fail(&err);
    k.substance_use = su;
    if (signer && (k.signed_by_rep = atoll(signer)) < 1)
        return cc_err_set(&err, CC_EUSAGE, "'%s' is not a caregiver id", signer),
               cli_fail(&err);
    if (!signed_on)
        ctx_today(&ctx, k.signed_date);
    else if (copy(k.signed_date, sizeof k.signed_date, signed_on, "--signed", &err))
        return cli_fail(&err);
    if ((to && recipients(&ctx, to, &k, &err) != CC_OK) ||
        consent_record(&ctx, &k, &err) != CC_OK)
        return cli_fail(&err);
    printf("consent %lld recorded: %s %s for client %lld\n", (long long)k.id,
           cli_s(k.kind), cli_s(k.decision), (long long)k.client_id);
    return CC_OK;
}

static int cmd_client_revoke(cli *c, int argc, char **argv)
{
    const char *pos[1], *reason = NULL, *date = NULL;
    const struct cli_opt opts[] = {
        {"--reason", &reason, NULL}, {"--date", &date, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    char today[11];
    int64_t id;
    int rc;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord client revoke CONSENT --reason TEXT [--date DATE]\n"
            "Record that the client revoked consent CONSENT (from DATE, today by\n"
            "default); nothing is shared under it from then on.\n",
            &rc))
        return rc;
    char *end;
    id = strtoll(pos[0], &end, 10);
    if (!*pos[0] || *end || id < 1)
        return cc_err_set(&err, CC_EUSAGE, "'%s' is not a consent id", pos[0]),
               cli_fail(&err);
    if (open_for(c, "client.write", &ctx, &err) != CC_OK)
        return cli_fail(&err);
    ctx_today(&ctx, today);
    if (consent_revoke(&ctx, id, date ? date : today, reason ? reason : "", &err) !=
        CC_OK)
        return cli_fail(&err);
    printf("consent %lld revoked from %s\n", (long long)id, date ? date : today);
    return CC_OK;
}

/* "--answers 1,0,1,..." one 0/1 per question, in order. */
static int parse_answers(const char *s, const questionnaire *q, int *answers,
                         cc_err *err)
{
    int n = 0;
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == ',')
            continue;
        if ((*p != '0' && *p != '1') || n == q->n)
            return cc_err_set(err, CC_EUSAGE,
                              "--answers takes %d answers 0 or 1, comma-separated",
                              q->n);
        answers[n++] = *p - '0';
    }
    if (n != q->n)
        return cc_err_set(err, CC_EUSAGE, "--answers takes %d answers, not %d", q->n,
                          n);
    return CC_OK;
}

static int cmd_client_assess(cli *c, int argc, char **argv)
{
    const char *pos[1], *prog = NULL, *answers_s = NULL;
    const struct cli_opt opts[] = {{"--program", &prog, NULL},
                                   {"--answers", &answers_s, NULL},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    program p;
    questionnaire q;
    assessment_outcome out;
    int answers[HRA_MAX_QUESTIONS], rc;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord client assess CLIENT --program CODE --answers "
                  "1,0,...\nRecord the health risk assessment (one 0/1 per question, "
                  "in order): high\nstarts an intensive episode where the program "
                  "says so; a rise alerts the nurse.\n",
                  &rc))
        return rc;
    if (!prog || !answers_s)
        return cc_err_set(&err, CC_EUSAGE,
                          "client assess needs --program and --answers"),
               cli_fail(&err);
    if (parse_client(pos[0], &id, &err) != CC_OK ||
        open_for(c, "client.write", &ctx, &err) != CC_OK ||
        program_by_code(&ctx, prog, &p, &err) != CC_OK ||
        questionnaire_load(&ctx, "hra", &q, &err) != CC_OK ||
        parse_answers(answers_s, &q, answers, &err) != CC_OK ||
        assessment_record(&ctx, id, p.id, &q, answers, &out, &err) != CC_OK)
        return cli_fail(&err);
    printf("assessment %lld: %s risk (score %d)", (long long)out.assessment_id,
           cli_s(out.result.level), out.result.score);
    if (out.episode_id)
        printf("; intensive episode %lld started", (long long)out.episode_id);
    if (out.monitoring)
        printf("; light-touch monitoring");
    printf("\n");
    return CC_OK;
}

/* Extend an open episode by --days, within the program's maximum; the
 * episode's version is read first, so a change made meanwhile by someone
 * else is a conflict (exit 4), never overwritten. */
static int cmd_episode_extend(cli *c, int argc, char **argv)
{
    const char *pos[1], *days_s = NULL, *reason = NULL;
    const struct cli_opt opts[] = {
        {"--days", &days_s, NULL}, {"--reason", &reason, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    episode e;
    char *end;
    int rc;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord episode extend EPISODE --days N --reason TEXT\n"
                  "Extend an open intensive episode, never past its program's "
                  "maximum.\n",
                  &rc))
        return rc;
    long days = days_s ? strtol(days_s, &end, 10) : 0;
    if (!days_s || !reason || *end || days < 1 || days > 365)
        return cc_err_set(&err, CC_EUSAGE,
                          "episode extend needs --days 1-365 and --reason"),
               cli_fail(&err);
    long long v = strtoll(pos[0], &end, 10);
    if (!*pos[0] || *end || v < 1)
        return cc_err_set(&err, CC_EUSAGE, "'%s' is not an episode id", pos[0]),
               cli_fail(&err);
    id = v;
    if (open_for(c, "client.write", &ctx, &err) != CC_OK ||
        episode_get(&ctx, id, &e, &err) != CC_OK ||
        episode_extend(&ctx, id, e.version, (int)days, reason, &err) != CC_OK)
        return cli_fail(&err);
    printf("episode %lld extended by %ld days (target %d days)\n", (long long)id, days,
           e.target_days + e.extended_days + (int)days);
    return CC_OK;
}

/* End a client's light-touch monitoring in --program for --reason (on
 * --date, today by default): the client leaves the active caseload. */
static int cmd_episode_end_monitoring(cli *c, int argc, char **argv)
{
    const char *pos[1], *prog = NULL, *reason = NULL, *date = NULL;
    const struct cli_opt opts[] = {{"--program", &prog, NULL},
                                   {"--reason", &reason, NULL},
                                   {"--date", &date, NULL},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    program p;
    char today[11];
    int rc;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord episode end-monitoring CLIENT --program CODE "
                  "--reason R [--date YYYY-MM-DD]\nEnd the client's light-touch "
                  "monitoring (R: stable, moved, died, declined-further,\n"
                  "unreachable, transferred); its re-screens are cancelled and the "
                  "referral closes.\n",
                  &rc))
        return rc;
    if (!prog || !reason)
        return cc_err_set(&err, CC_EUSAGE,
                          "episode end-monitoring needs --program and --reason"),
               cli_fail(&err);
    if (parse_client(pos[0], &id, &err) != CC_OK ||
        open_for(c, "client.write", &ctx, &err) != CC_OK ||
        program_by_code(&ctx, prog, &p, &err) != CC_OK)
        return cli_fail(&err);
    ctx_today(&ctx, today);
    if (monitoring_end(&ctx, id, p.id, date ? date : today, reason, &err) != CC_OK)
        return cli_fail(&err);
    printf("client %lld: light-touch monitoring in %s ended (%s)\n", (long long)id,
           cli_s(p.code), cli_s(reason));
    return CC_OK;
}

const struct cli_command cli_org_commands[] = {
    {"org", "add", cmd_org_add, "org add CODE --kind K --name N",
     "add an organization to the directory"},
    {"org", "edit", cmd_org_edit, "org edit CODE [--name N]", "change one"},
    {"org", "retire", cmd_org_retire, "org retire CODE",
     "retire one (kept in records)"},
    {"org", "remove", cmd_org_remove, "org remove CODE",
     "delete one nothing ever named"},
    {"org", "list", cmd_org_list, "org list [--kind K]", "the directory"},
    {"team", "add", cmd_team_add, "team add NAME --program P", "create a care team"},
    {"team", "rename", cmd_team_rename, "team rename TEAM NAME", "rename a team"},
    {"team", "capacity", cmd_team_capacity, "team capacity TEAM N",
     "a team's own capacity"},
    {"team", "retire", cmd_team_retire, "team retire TEAM",
     "retire a team with no clients"},
    {"team", "member", cmd_team_member, "team member add|remove T LOGIN",
     "team membership"},
    {"team", "cover", cmd_team_cover, "team cover add|remove T LOGIN",
     "who covers a team (at most 3 each)"},
    {"team", "list", cmd_team_list, "team list", "teams, members, cover"},
    {"client", "intake", cmd_client_intake, "client intake --family N ...",
     "take in a client and referral"},
    {"client", "consent", cmd_client_consent, "client consent CLIENT ...",
     "record a consent decision"},
    {"client", "revoke", cmd_client_revoke, "client revoke CONSENT --reason R",
     "the client revoked a consent"},
    {"episode", "extend", cmd_episode_extend, "episode extend ID --days N --reason R",
     "extend an open episode (within the maximum)"},
    {"episode", "end-monitoring", cmd_episode_end_monitoring,
     "episode end-monitoring CLIENT ...", "end light-touch monitoring"},
    {"client", "assess", cmd_client_assess, "client assess CLIENT ...",
     "record the risk assessment"},
    {NULL, NULL, NULL, NULL, NULL},
};
