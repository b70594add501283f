/*
 * cmd_referrals.c — `carecoord import referrals FILE.csv` (- for standard
 * input): the referral spreadsheets hospitals and facilities send, one
 * client per row, the first row naming the columns (docs/REFERRAL_IMPORT.md).
 * The file is read as the person running the command (src/io/csv.c), each
 * row filled into an intake request as `client intake` fills one from its
 * options, and the rows go to the core together (intake_import): all or
 * nothing by default; with --partial the good rows go in and the rejected
 * ones are reported with their line and reason (and written with their
 * fields to --rejects FILE).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "core/intake.h"
#include "core/org.h"
#include "io/csv.h"
#include "io/export.h"
#include "io/tableout.h"

#define MAX_ROWS  20000
#define MAX_BYTES ((size_t)64 << 20)

/* The columns, named as `client intake`'s options. */
enum col {
    C_FAMILY,
    C_GIVEN,
    C_DOB,
    C_ZIP,
    C_PAYER,
    C_SETTING,
    C_SETTING_ORG,
    C_LANGUAGE,
    C_PROGRAM,
    C_SOURCE,
    C_SOURCE_ORG,
    C_PERSON,
    C_CRITERIA,
    C_RECEIVED,
    C_OVERRIDE,
    NCOLS
};

static const struct column {
    const char *name;
    int required;
} columns[NCOLS] = {
    {"family", 1},   {"given", 1},    {"dob", 1},         {"zip", 1},
    {"payer", 1},    {"setting", 0},  {"setting_org", 0}, {"language", 0},
    {"program", 1},  {"source", 0},   {"source_org", 0},  {"person", 0},
    {"criteria", 0}, {"received", 0}, {"override", 0},
};

/* The file read: its header, every record after it, and for each record
 * why it was not imported (code 0: it was, or was never tried). */
struct sheet {
    const char *name; /* as given on the command line */
    csv_record header;
    int col_of[NCOLS]; /* the header's field of each column, -1 if absent */
    csv_record *rec;
    cc_err *why;
    char **override; /* each row's reason, kept for the core */
    int n;
};

static void sheet_free(struct sheet *s)
{
    csv_record_free(&s->header);
    for (int i = 0; i < s->n; i++) {
        csv_record_free(&s->rec[i]);
        free(s->override[i]);
    }
    free(s->rec), free(s->why), free(s->override);
}

/* The whole of f into a malloc'd buffer (*n bytes); NULL if too large. */
static char *slurp(FILE *f, size_t *n)
{
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    *n = 0;
    while (buf) {
        size_t got = fread(buf + *n, 1, cap - *n, f);
        *n += got;
        if (got == 0)
            break;
        if (*n == cap) {
            char *b = cap >= MAX_BYTES ? NULL : realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    return buf;
}

/* A header's name: case, surrounding spaces and '-' for '_' do not matter. */
static int column_named(const char *field)
{
    char name[32];
    size_t n = 0;
    while (*field == ' ' || *field == '\t')
        field++;
    for (; *field && n + 1 < sizeof name; field++)
        name[n++] = *field == '-' ? '_' : *field;
    while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
        n--;
    name[n] = '\0';
    for (int c = 0; c < NCOLS; c++)
        if (!strcasecmp(name, columns[c].name))
            return c;
    return -1;
}

static int read_header(struct sheet *s, cc_err *err)
{
    for (int c = 0; c < NCOLS; c++)
        s->col_of[c] = -1;
    for (int i = 0; i < s->header.n; i++) {
        int c = column_named(s->header.field[i]);
        if (c < 0 && !s->header.field[i][strspn(s->header.field[i], " \t")])
            return cc_err_set(err, CC_EINPUT, "%s: column %d of the header has no name",
                              s->name, i + 1);
        if (c < 0)
            return cc_err_set(err, CC_EINPUT,
                              "%s: unknown column '%.40s' in the header (the columns: "
                              "docs/REFERRAL_IMPORT.md, `carecoord import referrals "
                              "--help`)",
                              s->name, s->header.field[i]);
        if (s->col_of[c] >= 0)
            return cc_err_set(err, CC_EINPUT, "%s: column '%s' twice in the header",
                              s->name, columns[c].name);
        s->col_of[c] = i;
    }
    for (int c = 0; c < NCOLS; c++)
        if (columns[c].required && s->col_of[c] < 0)
            return cc_err_set(err, CC_EINPUT,
                              "%s: the header has no '%s' column (required: family, "
                              "given, dob, zip, payer, program)",
                              s->name, columns[c].name);
    return CC_OK;
}

/* A row of empty cells only (a spreadsheet's trailing rows) is no row. */
static int blank_row(const csv_record *r)
{
    for (int i = 0; i < r->n; i++)
        if (r->field[i][strspn(r->field[i], " \t")])
            return 0;
    return 1;
}

/* Every record after the header into s (malformed ones with why set). */
static int read_records(struct sheet *s, csv_reader *rd, cc_err *err)
{
    int cap = 0;
    for (;;) {
        char why[200] = "";
        csv_record r;
        int got = csv_next(rd, &r, why, sizeof why);
        if (got == 0)
            return CC_OK;
        if (got > 0 && blank_row(&r)) {
            csv_record_free(&r);
            continue;
        }
        if (s->n == MAX_ROWS) {
            csv_record_free(&r);
            return cc_err_set(err, CC_EINPUT, "%s: more than %d rows: split the file",
                              s->name, MAX_ROWS);
        }
        if (s->n == cap) {
            cap = cap ? 2 * cap : 64;
            csv_record *nr = realloc(s->rec, cap * sizeof *nr);
            cc_err *nw = nr ? realloc(s->why, cap * sizeof *nw) : NULL;
            char **no = nw ? realloc(s->override, cap * sizeof *no) : NULL;
            s->rec = nr ? nr : s->rec;
            s->why = nw ? nw : s->why;
            s->override = no ? no : s->override;
            if (!no) {
                csv_record_free(&r);
                return cc_err_set(err, CC_EDATA, "%s: out of memory", s->name);
            }
        }
        s->rec[s->n] = r;
        s->override[s->n] = NULL;
        cc_err_clear(&s->why[s->n]);
        if (got < 0)
            cc_err_set(&s->why[s->n], CC_EINPUT, "%s", why);
        s->n++;
    }
}

/* Read the file named s->name as the person, its header and its records. */
static int sheet_read(struct sheet *s, cc_err *err)
{
    int stdin_ = !strcmp(s->name, "-");
    FILE *f = stdin_ ? stdin : cli_fopen_as_user(s->name);
    size_t n;
    char why[200] = "";
    csv_reader rd;
    if (!f)
        return cc_err_set(err, CC_EINPUT, "%s: %s", s->name, strerror(errno));
    char *buf = slurp(f, &n);
    int failed = ferror(f);
    if (!stdin_)
        fclose(f);
    if (!buf || failed) {
        free(buf);
        return cc_err_set(err, CC_EINPUT, "%s: cannot read it (over 64 MiB?)", s->name);
    }
    csv_open(&rd, buf, n);
    int got = csv_next(&rd, &s->header, why, sizeof why);
    int rc = got < 0 ? cc_err_set(err, CC_EINPUT, "%s: the header (line %d): %s",
                                  s->name, s->header.line, why)
             : !got  ? cc_err_set(err, CC_EINPUT, "%s: empty file (no header)", s->name)
                     : CC_OK;
    if (rc == CC_OK)
        rc = read_header(s, err);
    if (rc == CC_OK)
        rc = read_records(s, &rd, err);
    free(buf);
    return rc;
}

/* Cell c of record r, surrounding spaces trimmed and each line break a
 * space, into buf; NULL when the column is absent or the cell empty. */
static const char *cell(const struct sheet *s, const csv_record *r, int c, char *buf,
                        size_t n)
{
    int i = s->col_of[c];
    if (i < 0 || i >= r->n)
        return NULL;
    const char *v = r->field[i] + strspn(r->field[i], " \t");
    size_t len = 0;
    for (; *v && len + 1 < n; v++)
        if (!(v[0] == '\r' && v[1] == '\n')) /* CRLF: one space, at its LF */
            buf[len++] = (*v == '\r' || *v == '\n') ? ' ' : *v;
    while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
        len--;
    buf[len] = '\0';
    return len ? buf : NULL;
}

/* Copy cell c into dst (n bytes), refusing what does not fit. */
static int put(const struct sheet *s, const csv_record *r, int c, char *dst, size_t n,
               const char *dflt, cc_err *err)
{
    char v[CSV_MAX_FIELD + 1];
    const char *got = cell(s, r, c, v, sizeof v);
    if (!got && columns[c].required)
        return cc_err_set(err, CC_EINPUT, "%s is empty", columns[c].name);
    if (!got)
        got = dflt ? dflt : "";
    if (strlen(got) >= n)
        return cc_err_set(err, CC_EINPUT, "%s is too long (at most %zu bytes)",
                          columns[c].name, n - 1);
    memcpy(dst, got, strlen(got) + 1);
    return CC_OK;
}

/* An organization code cell into *id (0 when empty). */
static int put_org(cc_ctx *ctx, const struct sheet *s, const csv_record *r, int c,
                   int64_t *id, cc_err *err)
{
    char v[CSV_MAX_FIELD + 1];
    const char *code = cell(s, r, c, v, sizeof v);
    cc_err why = {0};
    *id = 0;
    if (code && !(*id = org_resolve(ctx, code, &why)))
        return cc_err_set(err, why.code ? why.code : CC_EINPUT, "%s: %s",
                          columns[c].name, why.msg);
    return CC_OK;
}

/* Row i into an intake request, as `client intake` fills one (cmd_org.c). */
static int fill(cc_ctx *ctx, struct sheet *s, int i, intake_request *in, cc_err *err)
{
    const csv_record *r = &s->rec[i];
    char code[CSV_MAX_FIELD + 1], v[CSV_MAX_FIELD + 1];
    program p;
    memset(in, 0, sizeof *in);
    client *k = &in->client;
    referral *f = &in->referral;
    if (r->n != s->header.n)
        return cc_err_set(err, CC_EINPUT, "%d fields, the header has %d", r->n,
                          s->header.n);
    if (put(s, r, C_FAMILY, k->family_name, sizeof k->family_name, NULL, err) ||
        put(s, r, C_GIVEN, k->given_name, sizeof k->given_name, NULL, err) ||
        put(s, r, C_DOB, k->dob, sizeof k->dob, NULL, err) ||
        put(s, r, C_ZIP, k->zip, sizeof k->zip, NULL, err) ||
        put(s, r, C_PAYER, k->payer, sizeof k->payer, NULL, err) ||
        put(s, r, C_SETTING, k->setting, sizeof k->setting, "home", err) ||
        put(s, r, C_LANGUAGE, k->language, sizeof k->language, "en", err) ||
        put_org(ctx, s, r, C_SETTING_ORG, &k->setting_org_id, err) ||
        put(s, r, C_PROGRAM, code, sizeof code, NULL, err))
        return err->code;
    if (program_by_code(ctx, code, &p, err) != CC_OK)
        return err->code;
    f->program_id = p.id;
    if (put(s, r, C_SOURCE, f->source_type, sizeof f->source_type, "other", err) ||
        put(s, r, C_PERSON, f->source_person, sizeof f->source_person, NULL, err) ||
        put(s, r, C_CRITERIA, f->criteria, sizeof f->criteria, NULL, err) ||
        put(s, r, C_RECEIVED, f->received_date, sizeof f->received_date, NULL, err) ||
        put_org(ctx, s, r, C_SOURCE_ORG, &f->source_org_id, err))
        return err->code;
    if (!f->received_date[0])
        ctx_today(ctx, f->received_date);
    if (cell(s, r, C_OVERRIDE, v, sizeof v) && !(s->override[i] = strdup(v)))
        return cc_err_set(err, CC_EDATA, "out of memory");
    in->override = s->override[i];
    return CC_OK;
}

static void report_reject(const struct sheet *s, int i)
{
    fprintf(stderr, "%s: line %d: rejected: %s\n", cli_s(s->name), s->rec[i].line,
            cli_s(s->why[i].msg));
}

/* What the import did, for the summary. */
struct outcome {
    int imported, rejected, aborted; /* aborted: all or nothing, nothing in */
};

/* Fill every row; rows that fill go to the core. Rows it refuses get their
 * reason in s->why. CC_OK unless the import itself failed (err). */
static int import_rows(cc_ctx *ctx, struct sheet *s, int partial, struct outcome *o,
                       cc_err *err)
{
    intake_request *in = calloc(s->n ? s->n : 1, sizeof *in);
    intake_result *res = calloc(s->n ? s->n : 1, sizeof *res);
    cc_err *errs = calloc(s->n ? s->n : 1, sizeof *errs);
    int *row = calloc(s->n ? s->n : 1, sizeof *row), nb = 0, rc = CC_OK;
    if (!in || !res || !errs || !row)
        rc = cc_err_set(err, CC_EDATA, "out of memory");
    for (int i = 0; rc == CC_OK && i < s->n && !o->aborted; i++) {
        if (!s->why[i].code && fill(ctx, s, i, &in[nb], &s->why[i]) == CC_OK)
            row[nb++] = i;
        else if (s->why[i].code == CC_EDATA || s->why[i].code == CC_EBUSY)
            rc = cc_err_set(err, s->why[i].code, "%s",
                            s->why[i].msg); /* not the row's */
        else if ((o->aborted = !partial))
            for (int j = i + 1; j < s->n; j++) /* all or nothing: the first only */
                cc_err_clear(&s->why[j]);
    }
    if (rc == CC_OK && !o->aborted) {
        rc = intake_import(ctx, in, nb, res, errs, partial,
                           strcmp(s->name, "-") ? s->name : "standard input", err);
        for (int k = 0; k < nb; k++)
            if (errs[k].code && (rc == CC_OK || !partial))
                s->why[row[k]] = errs[k];
        for (int k = 0; rc != CC_OK && !partial && k < nb; k++)
            if (errs[k].code)
                o->aborted = 1, rc = CC_OK; /* a row refused: report it below */
    }
    for (int k = 0; rc == CC_OK && !o->aborted && k < nb; k++) {
        char code[CSV_MAX_FIELD + 1];
        if (errs[k].code)
            continue;
        o->imported++;
        printf("line %d: client %lld taken in, referral %lld to %s%s%s\n",
               s->rec[row[k]].line, (long long)in[k].client.id,
               (long long)in[k].referral.id,
               cli_s(cell(s, &s->rec[row[k]], C_PROGRAM, code, sizeof code)),
               res[k].note[0] ? "; " : "", cli_s(res[k].note));
    }
    free(in), free(res), free(errs), free(row);
    return rc;
}

/* The rejected rows to f: line, reason, then the row's own fields. */
static int write_rejects(FILE *f, const struct sheet *s)
{
    static char out[2 * CSV_MAX_FIELD + 8];
    fputs("line,reason", f);
    for (int i = 0; i < s->header.n; i++) {
        tableout_csv_cell(s->header.field[i], out, sizeof out);
        fprintf(f, ",%s", out);
    }
    fputs("\r\n", f);
    for (int i = 0; i < s->n; i++) {
        if (!s->why[i].code)
            continue;
        tableout_csv_cell(s->why[i].msg, out, sizeof out);
        fprintf(f, "%d,%s", s->rec[i].line, out);
        for (int j = 0; j < s->rec[i].n; j++) {
            tableout_csv_cell(s->rec[i].field[j], out, sizeof out);
            fprintf(f, ",%s", out);
        }
        fputs("\r\n", f);
    }
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

static const char usage_text[] =
    "usage: carecoord import referrals FILE.csv [--partial [--rejects FILE]]\n"
    "Take in the referrals of a spreadsheet (RFC 4180 CSV, - for standard input),\n"
    "each row as `client intake` would: the service-area and duplicate checks, the\n"
    "program's eligibility (an override column gives the reason), a coach with room\n"
    "takes the case. The first row names the columns: family given dob zip payer\n"
    "program (required), setting setting_org language source source_org person\n"
    "criteria received override (docs/REFERRAL_IMPORT.md). All or nothing: one\n"
    "row refused and none is imported. --partial imports the good rows and\n"
    "reports the others; --rejects FILE (a new file) gets them with their line,\n"
    "reason and fields. Exit 0 when every row was imported, 3 when any was not.\n";

static int cmd_import_referrals(cli *c, int argc, char **argv)
{
    const char *pos[1], *rejects = NULL;
    int partial = 0, rc;
    const struct cli_opt opts[] = {{"--partial", NULL, &partial},
                                   {"--rejects", &rejects, NULL},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    struct sheet s = {0};
    struct outcome o = {0};
    FILE *rf = NULL;
    if (!cli_args(argc, argv, opts, pos, 1, 1, usage_text, &rc))
        return rc;
    if (rejects && !partial)
        return cc_err_set(
                   &err, CC_EUSAGE,
                   "--rejects goes with --partial (all or nothing keeps no row)"),
               cli_fail(&err);
    s.name = pos[0];
    if (cli_open(c, "client.write", 0, &err) != CC_OK ||
        sheet_read(&s, &err) != CC_OK ||
        (rejects && !(rf = export_create_file(rejects, &err)))) {
        sheet_free(&s);
        return cli_fail(&err);
    }
    cc_ctx ctx = cli_ctx(c);
    rc = import_rows(&ctx, &s, partial, &o, &err);
    for (int i = 0; rc == CC_OK && i < s.n; i++)
        if (s.why[i].code)
            o.rejected++, report_reject(&s, i);
    if (rc == CC_OK && rf && write_rejects(rf, &s) != 0)
        fprintf(stderr, "carecoord: %s: could not write the rejected rows\n",
                cli_s(rejects));
    if (rf)
        fclose(rf);
    if (rc != CC_OK && rf)
        export_remove_file(rejects);
    sheet_free(&s);
    if (rc != CC_OK)
        return cli_fail(&err);
    if (o.aborted)
        fprintf(stderr,
                "carecoord: nothing imported: all or nothing (--partial imports the "
                "good rows)\n");
    printf("%d imported, %d rejected\n", o.imported, o.rejected);
    return o.rejected ? cc_exit_code(CC_EINPUT) : CC_OK;
}

const struct cli_command cli_referrals_commands[] = {
    {"import", "referrals", cmd_import_referrals,
     "import referrals FILE.csv [--partial [--rejects FILE]]",
     "take in the referrals of a spreadsheet"},
    {NULL, NULL, NULL, NULL, NULL},
};
