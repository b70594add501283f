/*
 * cmd_report.c — `carecoord report KIND`: the same tables the manager's and
 * supervisor's screens show, for cron and spreadsheets, as text (80
 * columns), CSV or JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/reports.h"
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
        return cc_err_set(&err, CC_EUSAGE, "no report '%s' (choose %s)", pos[0],
                          report_kinds()),
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
    {"report", NULL, cmd_report, "report KIND [options]",
     "manager and supervisor reports"},
    {NULL, NULL, NULL, NULL, NULL},
};
