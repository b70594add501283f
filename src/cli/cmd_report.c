/*
 * cmd_report.c — `carecoord report KIND`: the same tables the manager's and
 * supervisor's screens show, for cron and spreadsheets, as text (80
 * columns), CSV or JSON; `report quarterly`, the learning collaboratives'
 * document, also as HTML; and the settings its header and cost figures read
 * (`site name`, `program budget`).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/quarterly.h"
#include "core/reports.h"
#include "io/quarterly_out.h"
#include "util/clock.h"
#include "io/export.h"
#include "io/tableout.h"

static int parse_params(const char *program, const char *from, const char *to,
                        const char *client, const char *staff_login,
                        const char *quarter, const char *days, report_params *p,
                        cc_err *err)
{
    char *end;
    memset(p, 0, sizeof *p);
    snprintf(p->program, sizeof p->program, "%.31s", program ? program : "");
    snprintf(p->from, sizeof p->from, "%.10s", quarter ? quarter : from ? from : "");
    snprintf(p->to, sizeof p->to, "%.10s", to ? to : "");
    snprintf(p->staff, sizeof p->staff, "%.32s", staff_login ? staff_login : "");
    if (client && ((p->client_id = strtoll(client, &end, 10)) < 1 || *end))
        return cc_err_set(err, CC_EUSAGE, "--client takes a client id");
    if (days && ((p->days = (int)strtol(days, &end, 10)) < 1 || *end))
        return cc_err_set(err, CC_EUSAGE, "--days takes a number of days");
    if ((from && strlen(from) > 10) || (to && strlen(to) > 10))
        return cc_err_set(err, CC_EINPUT, "dates are YYYY-MM-DD");
    return CC_OK;
}

static int write_out(FILE *f, const char *format, const char *kind,
                     const report_params *p, const cc_table *t, cc_err *err)
{
    char client[24], title[160];
    snprintf(client, sizeof client, "%lld", (long long)p->client_id);
    const char *params[] = {"program", p->program, "from", p->from, "to",
                            p->to,     "client",   client, "staff", p->staff};
    snprintf(title, sizeof title, "%s report, %s to %s%s%s", kind, p->from, p->to,
             p->program[0] ? ", program " : "", p->program);
    int rc = !strcmp(format, "csv")    ? tableout_csv(f, t)
             : !strcmp(format, "json") ? tableout_json(f, t, kind, params, 5)
                                       : tableout_text(f, t, title, 80);
    return rc == 0 ? CC_OK : cc_err_set(err, CC_EDATA, "cannot write the report");
}

/* The quarter before today's: the one a report is usually due for. */
static void last_quarter(cli *c, char q[8])
{
    char today[11];
    cc_ctx ctx = cli_ctx(c);
    ctx_today(&ctx, today);
    if (clock_quarter_of(today, -1, q) != 0)
        snprintf(q, 8, "1900Q1");
}

static int write_quarterly(cli *c, const char *quarter, const char *program,
                           const char *format, const char *output, cc_err *err)
{
    quarterly q;
    char qbuf[8];
    cc_ctx ctx = cli_ctx(c);
    if (!quarter)
        last_quarter(c, qbuf), quarter = qbuf;
    if (quarterly_compute(&ctx, quarter, program, &q, err) != CC_OK)
        return err->code;
    FILE *out = output ? export_create_file(output, err) : stdout;
    if (out && quarterly_out_write(out, &q, format) != 0)
        cc_err_set(err, CC_EDATA, "cannot write the report");
    if (out && output && fclose(out) != 0 && !err->code)
        cc_err_set(err, CC_EDATA, "cannot write %s", output);
    if (out && output && err->code)
        export_remove_file(output);
    quarterly_free(&q);
    return err->code;
}

static int cmd_quarterly(cli *c, int argc, char **argv)
{
    const char *pos[1], *program = NULL, *quarter = NULL, *format = "text",
                        *output = NULL;
    const struct cli_opt opts[] = {{"--program", &program, NULL},
                                   {"--quarter", &quarter, NULL},
                                   {"--format", &format, NULL},
                                   {"--output", &output, NULL},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    int rc;
    if (!cli_args(
            argc, argv, opts, pos, 0, 0,
            "usage: carecoord report quarterly [--quarter 2026Q3] [--program P]\n"
            "       [--format text|csv|json|html] [--output FILE]\n"
            "Every measure of every program in your reach for the quarter (default\n"
            "the last one ended), with a header that traces the figures (site,\n"
            "period, who and when, the audit head). Defined in docs/MEASURES.md;\n"
            "JSON follows docs/quarterly.schema.json; HTML is one file that prints.\n",
            &rc))
        return rc;
    if (!quarterly_out_known(format))
        return cc_err_set(&err, CC_EUSAGE, "--format is %s", quarterly_out_formats()),
               cli_fail(&err);
    if (cli_open(c, "measures.view", 0, &err) != CC_OK ||
        write_quarterly(c, quarter, program, format, output, &err) != CC_OK)
        return cli_fail(&err);
    return CC_OK;
}

static int cmd_site_name(cli *c, int argc, char **argv)
{
    const char *pos[1];
    const struct cli_opt opts[] = {{NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    int rc;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord site name NAME\n"
                  "The site's name, as report headers print it (administrators).\n",
                  &rc))
        return rc;
    if (cli_open_ctx(c, &ctx, &err) != CC_OK ||
        quarterly_set_site_name(&ctx, pos[0], &err) != CC_OK)
        return cli_fail(&err);
    printf("site name set\n");
    return CC_OK;
}

/* "1234.56", "1234.5" or "1234" dollars as cents; -1 if it is not one. */
static int64_t parse_dollars(const char *s)
{
    int64_t whole = 0, cents = 0;
    int digits = 0, places = -1;
    for (const char *p = s; p && *p; p++) {
        if (*p == '.' && places < 0) {
            places = 0;
        } else if (*p >= '0' && *p <= '9' && places < 2 && digits < 13) {
            if (places < 0)
                whole = whole * 10 + (*p - '0'), digits++;
            else
                cents = cents * 10 + (*p - '0'), places++;
        } else {
            return -1;
        }
    }
    if (!digits || places == 0)
        return -1;
    return whole * 100 + (places == 1 ? cents * 10 : cents);
}

static int cmd_program_budget(cli *c, int argc, char **argv)
{
    const char *pos[1], *quarter = NULL, *amount = NULL;
    const struct cli_opt opts[] = {
        {"--quarter", &quarter, NULL}, {"--amount", &amount, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    int rc;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord program budget CODE --quarter 2026Q3 --amount 1234.56\n"
            "The program's budget for a quarter, in dollars (administrators): the\n"
            "quarterly report's cost per client served. Setting it again replaces it.\n",
            &rc))
        return rc;
    int64_t cents = parse_dollars(amount);
    if (!quarter || cents < 0)
        return cc_err_set(&err, CC_EUSAGE,
                          "give --quarter YYYYQn and --amount in dollars (1234.56)"),
               cli_fail(&err);
    if (cli_open_ctx(c, &ctx, &err) != CC_OK ||
        quarterly_set_budget(&ctx, pos[0], quarter, cents, &err) != CC_OK)
        return cli_fail(&err);
    printf("budget of %s for %s set to %lld.%02lld\n", pos[0], quarter,
           (long long)(cents / 100), (long long)(cents % 100));
    return CC_OK;
}

static int cmd_report(cli *c, int argc, char **argv)
{
    const char *pos[1], *program = NULL, *from = NULL, *to = NULL, *client = NULL,
                        *staff_login = NULL, *format = "text", *quarter = NULL,
                        *days = NULL, *output = NULL;
    const struct cli_opt opts[] = {{"--program", &program, NULL},
                                   {"--from", &from, NULL},
                                   {"--to", &to, NULL},
                                   {"--client", &client, NULL},
                                   {"--staff", &staff_login, NULL},
                                   {"--format", &format, NULL},
                                   {"--quarter", &quarter, NULL},
                                   {"--days", &days, NULL},
                                   {"--output", &output, NULL},
                                   {NULL, NULL, NULL}};
    report_params p;
    cc_table t;
    cc_err err = {0};
    int rc;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord report KIND [--program P] [--from DATE --to DATE]\n"
            "       [--quarter 2026Q3] [--client ID] [--staff LOGIN] [--days N]\n"
            "       [--format text|csv|json] [--output FILE]\n"
            "KIND: caseload, measures, consent, disclosures (one --client), access\n"
            "(--client or --staff; default the last 7 days), stale (--days, default "
            "30).\nThe same numbers as the screens. CSV follows RFC 4180 and "
            "neutralizes cells\nthat would start a formula; text fits 80 columns. "
            "--output writes a new\nfile, yours, mode 0600.\n",
            &rc))
        return rc;
    if (!report_known(pos[0]))
        return cc_err_set(&err, CC_EUSAGE, "no report '%s' (choose %s, quarterly)",
                          pos[0], report_kinds()),
               cli_fail(&err);
    if (strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "json"))
        return cc_err_set(&err, CC_EUSAGE, "--format is text, csv or json"),
               cli_fail(&err);
    if (parse_params(program, from, to, client, staff_login, quarter, days, &p, &err))
        return cli_fail(&err);
    FILE *out = output ? export_create_file(output, &err) : stdout;
    if (!out)
        return cli_fail(&err);
    cc_ctx ctx;
    if (cli_open(c, report_action(pos[0]), 0, &err) == CC_OK &&
        (ctx = cli_ctx(c), report_resolve(&ctx, pos[0], &p, &err)) == CC_OK &&
        report_run(&ctx, pos[0], &p, &t, &err) == CC_OK) {
        write_out(out, format, pos[0], &p, &t, &err);
        table_free(&t);
    }
    if (output && fclose(out) != 0 && !err.code)
        cc_err_set(&err, CC_EDATA, "cannot write %s", output);
    if (output && err.code)
        export_remove_file(output);
    return err.code ? cli_fail(&err) : CC_OK;
}

const struct cli_command cli_report_commands[] = {
    {"report", "quarterly", cmd_quarterly, "report quarterly [--quarter Q]",
     "the quarterly report, every program and measure"},
    {"report", NULL, cmd_report, "report KIND [options]",
     "manager and supervisor reports"},
    {"site", "name", cmd_site_name, "site name NAME", "the site's name for reports"},
    {"program", "budget", cmd_program_budget, "program budget CODE --quarter Q",
     "a program's budget for a quarter"},
    {NULL, NULL, NULL, NULL, NULL},
};
