/*
 * quarterly_out.c — the four writers of the quarterly report (see
 * quarterly_out.h), chosen from a table. Numbers are written by us, with at
 * most four decimals and no trailing zeros, so CSV cells that hold them are
 * never mistaken for formulas; every string from the database passes
 * text_sanitize, and in HTML html_put escapes it too. Text is laid out in
 * three columns (measure, value, numerator / denominator) that fit 80
 * columns; a part that would not fit goes on a line of its own.
 */
#include "quarterly_out.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tableout.h"
#include "util/text.h"

enum { WIDTH = 80, LABEL_COLS = 38, VALUE_COLS = 12 };

/* v with at most decimals places and no trailing zeros ("26.19", "35"). */
static void num_text(double v, int decimals, char *out, size_t outsz)
{
    snprintf(out, outsz, "%.*f", decimals, v);
    if (strchr(out, '.')) {
        char *end = out + strlen(out) - 1;
        while (*end == '0')
            *end-- = '\0';
        if (*end == '.')
            *end = '\0';
    }
    if (!strcmp(out, "-0"))
        snprintf(out, outsz, "0");
}

void quarterly_out_value(const qm_def *d, const qm_value *v, char *out, size_t outsz)
{
    char n[48];
    if (!v->known) {
        snprintf(out, outsz, "n/a");
        return;
    }
    switch (d->unit) {
    case QM_PERCENT:
        snprintf(out, outsz, "%.1f%%", v->value);
        break;
    case QM_DAYS:
        num_text(v->value, 1, n, sizeof n);
        snprintf(out, outsz, "%s days", n);
        break;
    case QM_POINTS:
        snprintf(out, outsz, "%+.1f pts", v->value);
        break;
    case QM_RATIO:
        snprintf(out, outsz, "%.2f", v->value);
        break;
    case QM_DOLLARS:
        snprintf(out, outsz, "$%.2f", v->value);
        break;
    default:
        num_text(v->value, 1, n, sizeof n);
        snprintf(out, outsz, "%s", n);
    }
}

/* "11 / 42", the reason it is not known, or "". */
static void parts_text(const qm_value *v, char *out, size_t outsz)
{
    char a[48], b[48];
    if (v->parts) {
        num_text(v->num, 4, a, sizeof a);
        num_text(v->den, 4, b, sizeof b);
        snprintf(out, outsz, "%s / %s", a, b);
    } else {
        snprintf(out, outsz, "%s", !v->known && v->why ? v->why : "");
    }
}

/* ---- text -------------------------------------------------------------- */

/* prefix, then s sanitized and wrapped to WIDTH; continuation lines are
 * indented by prefix's width. Nothing is cut. */
static int text_wrapped(FILE *f, const char *prefix, const char *s)
{
    char clean[1024];
    int indent = text_width(prefix);
    size_t n = text_sanitize(s, clean, sizeof clean, 0), at = 0;
    fputs(prefix, f);
    do {
        size_t len = text_wrap_len(clean + at, n - at, WIDTH - indent);
        if (at && fprintf(f, "%*s", indent, "") < 0)
            return -1;
        if (fprintf(f, "%.*s\n", (int)len, clean + at) < 0)
            return -1;
        at += len;
        while (at < n && clean[at] == ' ')
            at++;
    } while (at < n);
    return 0;
}

static int text_header(FILE *f, const quarterly *q)
{
    char who[256];
    fprintf(f, "Quarterly report %s: %s to %s%s\n", q->quarter, q->from, q->to,
            q->partial ? " (to date)" : "");
    if (q->by_name[0])
        snprintf(who, sizeof who, "%s by %s (%s), %s", q->generated_at, q->by_login,
                 q->by_name, q->by_role);
    else
        snprintf(who, sizeof who, "%s by %s%s%s", q->generated_at,
                 q->by_login[0] ? q->by_login : "the system", q->by_role[0] ? ", " : "",
                 q->by_role);
    text_wrapped(f, "Site:        ", q->site[0] ? q->site : "(no site name set)");
    text_wrapped(f, "Generated:   ", who);
    fprintf(f, "Audit head:  entry %lld\n             %s\n", (long long)q->audit_seq,
            q->audit_hash);
    fputs("Definitions: docs/MEASURES.md, by each measure's id\n", f);
    return 0;
}

static void text_measure(FILE *f, const qm_def *d, const qm_value *v)
{
    char value[48], parts[128];
    quarterly_out_value(d, v, value, sizeof value);
    parts_text(v, parts, sizeof parts);
    int room = WIDTH - 2 - LABEL_COLS - 1 - VALUE_COLS - 1;
    if (!parts[0])
        fprintf(f, "  %-*s %s\n", LABEL_COLS, d->label, value);
    else if ((int)strlen(parts) <= room)
        fprintf(f, "  %-*s %-*s %s\n", LABEL_COLS, d->label, VALUE_COLS, value, parts);
    else
        fprintf(f, "  %-*s %s\n%*s%s\n", LABEL_COLS, d->label, value,
                WIDTH - (int)strlen(parts), "", parts);
}

static void text_loads(FILE *f, const quarterly_program *p)
{
    char clean[128];
    if (p->m.coaches)
        fputs("  Caseload by coach (active / target):\n", f);
    for (int i = 0; i < p->m.coaches; i++) {
        text_sanitize(p->m.coach[i].login, clean, sizeof clean, 0);
        fprintf(f, "    %-32s %d / %d\n", clean, p->m.coach[i].active,
                p->m.coach[i].capacity);
    }
    if (p->m.teams)
        fputs("  Teams (active / capacity):\n", f);
    for (int i = 0; i < p->m.teams; i++) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "    %d / %d  ", p->m.team[i].active,
                 p->m.team[i].capacity);
        text_wrapped(f, prefix, p->m.team[i].name);
    }
}

static int write_text(FILE *f, const quarterly *q)
{
    text_header(f, q);
    for (int i = 0; i < q->nprograms; i++) {
        const quarterly_program *p = &q->program[i];
        char prefix[48], clean[40];
        text_sanitize(p->code, clean, sizeof clean, 0);
        snprintf(prefix, sizeof prefix, "\n%s  ", clean);
        text_wrapped(f, prefix, p->name);
        fprintf(f, "  %-*s %-*s %s\n", LABEL_COLS, "measure", VALUE_COLS, "value",
                "numerator / denominator");
        for (int k = 0; k < QM_COUNT; k++)
            text_measure(f, quarterly_def(k), &p->v[0][k]);
        text_loads(f, p);
    }
    if (!q->nprograms)
        fputs("\n(no program in your reach)\n", f);
    return ferror(f) ? -1 : 0;
}

/* ---- CSV --------------------------------------------------------------- */

static void csv_text(FILE *f, const char *s, int last)
{
    char cell[512];
    tableout_csv_cell(s, cell, sizeof cell);
    fprintf(f, "%s%s", cell, last ? "\r\n" : ",");
}

static void csv_number(FILE *f, int known, double v, int last)
{
    char n[48] = "n/a";
    if (known)
        num_text(v, 4, n, sizeof n);
    fprintf(f, "%s%s", n, last ? "\r\n" : ",");
}

static int write_csv(FILE *f, const quarterly *q)
{
    fputs("program,quarter,from,to,measure,label,value,unit,numerator,denominator\r\n",
          f);
    for (int i = 0; i < q->nprograms; i++)
        for (int k = 0; k < QM_COUNT; k++) {
            const qm_def *d = quarterly_def(k);
            const qm_value *v = &q->program[i].v[0][k];
            csv_text(f, q->program[i].code, 0);
            fprintf(f, "%s,%s,%s,%s,", q->quarter, q->from, q->to, d->id);
            csv_text(f, d->label, 0);
            csv_number(f, v->known, v->value, 0);
            fprintf(f, "%s,", quarterly_unit_name(d->unit));
            if (v->parts) {
                csv_number(f, 1, v->num, 0);
                csv_number(f, 1, v->den, 1);
            } else {
                fputs(",\r\n", f);
            }
        }
    return ferror(f) ? -1 : 0;
}

/* ---- JSON -------------------------------------------------------------- */

static void json_string(cJSON *o, const char *name, const char *s)
{
    char clean[1024];
    text_sanitize(s, clean, sizeof clean, 0);
    cJSON_AddStringToObject(o, name, clean);
}

/* v rounded to four places, or null. */
static void json_number(cJSON *o, const char *name, int known, double v)
{
    char n[48];
    if (!known) {
        cJSON_AddNullToObject(o, name);
        return;
    }
    num_text(v, 4, n, sizeof n);
    cJSON_AddNumberToObject(o, name, strtod(n, NULL));
}

static cJSON *json_measure(const quarterly_program *p, int k)
{
    const qm_def *d = quarterly_def(k);
    const qm_value *v = &p->v[0][k];
    cJSON *o = cJSON_CreateObject(), *trend;
    cJSON_AddStringToObject(o, "id", d->id);
    cJSON_AddStringToObject(o, "label", d->label);
    cJSON_AddStringToObject(o, "unit", quarterly_unit_name(d->unit));
    json_number(o, "value", v->known, v->value);
    json_number(o, "numerator", v->parts, v->num);
    json_number(o, "denominator", v->parts, v->den);
    if (!v->known && v->why)
        cJSON_AddStringToObject(o, "why", v->why);
    trend = cJSON_AddArrayToObject(o, "trend");
    for (int t = QUARTERLY_TREND - 1; t >= 0; t--) {
        if (!p->quarter[t][0])
            continue;
        cJSON *point = cJSON_CreateObject();
        cJSON_AddStringToObject(point, "quarter", p->quarter[t]);
        json_number(point, "value", p->v[t][k].known, p->v[t][k].value);
        cJSON_AddItemToArray(trend, point);
    }
    return o;
}

static cJSON *json_program(const quarterly_program *p)
{
    cJSON *o = cJSON_CreateObject(), *list;
    json_string(o, "code", p->code);
    json_string(o, "name", p->name);
    list = cJSON_AddArrayToObject(o, "measures");
    for (int k = 0; k < QM_COUNT; k++)
        cJSON_AddItemToArray(list, json_measure(p, k));
    list = cJSON_AddArrayToObject(o, "coaches");
    for (int i = 0; i < p->m.coaches; i++) {
        cJSON *c = cJSON_CreateObject();
        json_string(c, "login", p->m.coach[i].login);
        cJSON_AddNumberToObject(c, "active", p->m.coach[i].active);
        cJSON_AddNumberToObject(c, "capacity", p->m.coach[i].capacity);
        cJSON_AddItemToArray(list, c);
    }
    list = cJSON_AddArrayToObject(o, "teams");
    for (int i = 0; i < p->m.teams; i++) {
        cJSON *t = cJSON_CreateObject();
        json_string(t, "name", p->m.team[i].name);
        cJSON_AddNumberToObject(t, "active", p->m.team[i].active);
        cJSON_AddNumberToObject(t, "capacity", p->m.team[i].capacity);
        cJSON_AddItemToArray(list, t);
    }
    return o;
}

static int write_json(FILE *f, const quarterly *q)
{
    cJSON *doc = cJSON_CreateObject(), *o, *list;
    cJSON_AddStringToObject(doc, "report", "quarterly");
    cJSON_AddStringToObject(doc, "quarter", q->quarter);
    o = cJSON_AddObjectToObject(doc, "period");
    cJSON_AddStringToObject(o, "from", q->from);
    cJSON_AddStringToObject(o, "to", q->to);
    cJSON_AddBoolToObject(o, "partial", q->partial);
    json_string(doc, "site", q->site);
    cJSON_AddStringToObject(doc, "generated_at", q->generated_at);
    o = cJSON_AddObjectToObject(doc, "generated_by");
    json_string(o, "login", q->by_login);
    json_string(o, "name", q->by_name);
    json_string(o, "role", q->by_role);
    o = cJSON_AddObjectToObject(doc, "audit_head");
    cJSON_AddNumberToObject(o, "seq", (double)q->audit_seq);
    cJSON_AddStringToObject(o, "hash", q->audit_hash);
    cJSON_AddStringToObject(doc, "definitions", "docs/MEASURES.md");
    list = cJSON_AddArrayToObject(doc, "programs");
    for (int i = 0; i < q->nprograms; i++)
        cJSON_AddItemToArray(list, json_program(&q->program[i]));
    char *text = cJSON_Print(doc);
    int rc = text && fprintf(f, "%s\n", text) >= 0 ? 0 : -1;
    free(text);
    cJSON_Delete(doc);
    return rc;
}

/* ---- HTML -------------------------------------------------------------- */

/* s sanitized and escaped for HTML text and attribute values. */
static void html_put(FILE *f, const char *s)
{
    char clean[1024];
    text_sanitize(s, clean, sizeof clean, 0);
    for (const char *p = clean; *p; p++) {
        const char *e = *p == '&'    ? "&amp;"
                        : *p == '<'  ? "&lt;"
                        : *p == '>'  ? "&gt;"
                        : *p == '"'  ? "&quot;"
                        : *p == '\'' ? "&#39;"
                                     : NULL;
        if (e)
            fputs(e, f);
        else
            fputc(*p, f);
    }
}

static const char html_style[] =
    "<style>\n"
    "@page { margin: 14mm; } /* the paper the printer has: A4 or Letter */\n"
    "body { font: 10pt/1.35 Helvetica, Arial, sans-serif; color: #111; "
    "max-width: 180mm; margin: 0 auto; }\n"
    "h1 { font-size: 15pt; margin: 0 0 4pt; }\n"
    "h2 { font-size: 12pt; margin: 14pt 0 4pt; border-bottom: 1px solid #999; "
    "page-break-after: avoid; }\n"
    "dl.head { display: grid; grid-template-columns: 9em 1fr; gap: 1pt 8pt; "
    "margin: 0 0 8pt; }\n"
    "dl.head dt { color: #555; } dl.head dd { margin: 0; word-break: break-all; }\n"
    "table { border-collapse: collapse; width: 100%; page-break-inside: auto; }\n"
    "tr { page-break-inside: avoid; }\n"
    "th, td { text-align: left; padding: 2pt 4pt; border-bottom: 1px solid #ddd; "
    "vertical-align: middle; }\n"
    "td.n { text-align: right; font-variant-numeric: tabular-nums; "
    "white-space: nowrap; }\n"
    "td.na { color: #777; }\n"
    "svg { display: block; }\n"
    "section { page-break-before: auto; }\n"
    "</style>\n";

/* The measure over the four quarters, oldest first, as bars scaled to the
 * largest known value (100 for percentages); n/a is an empty outline. */
static void html_trend(FILE *f, const quarterly_program *p, int k)
{
    const qm_def *d = quarterly_def(k);
    double top = d->unit == QM_PERCENT ? 100 : 0;
    char value[48];
    for (int t = 0; t < QUARTERLY_TREND; t++)
        if (p->v[t][k].known && fabs(p->v[t][k].value) > top)
            top = fabs(p->v[t][k].value);
    fputs("<svg width=\"92\" height=\"22\" viewBox=\"0 0 92 22\" role=\"img\">", f);
    for (int t = QUARTERLY_TREND - 1, x = 2; t >= 0; t--, x += 23) {
        const qm_value *v = &p->v[t][k];
        quarterly_out_value(d, v, value, sizeof value);
        int h = v->known && top > 0 ? (int)(20.0 * fabs(v->value) / top + 0.5) : 0;
        if (v->known && h < 1)
            h = 1;
        fprintf(f,
                "<rect x=\"%d\" y=\"%d\" width=\"18\" height=\"%d\" %s><title>%s: %s"
                "</title></rect>",
                x, v->known ? 21 - h : 1, v->known ? h : 20,
                v->known ? (t ? "fill=\"#8aa\"" : "fill=\"#246\"")
                         : "fill=\"none\" stroke=\"#bbb\" stroke-dasharray=\"2 2\"",
                p->quarter[t][0] ? p->quarter[t] : "-", value);
    }
    fputs("</svg>", f);
}

static void html_measures(FILE *f, const quarterly_program *p)
{
    char value[48], parts[128];
    fputs("<table>\n<tr><th>Measure</th><th>Value</th><th>Numerator / "
          "denominator</th><th>Last 4 quarters</th></tr>\n",
          f);
    for (int k = 0; k < QM_COUNT; k++) {
        const qm_def *d = quarterly_def(k);
        const qm_value *v = &p->v[0][k];
        quarterly_out_value(d, v, value, sizeof value);
        parts_text(v, parts, sizeof parts);
        fputs("<tr id=\"", f);
        html_put(f, p->code);
        fprintf(f, "-%s\"><td>", d->id);
        html_put(f, d->label);
        fprintf(f, "</td><td class=\"n%s\">", v->known ? "" : " na");
        html_put(f, value);
        fputs("</td><td class=\"n\">", f);
        html_put(f, parts);
        fputs("</td><td>", f);
        html_trend(f, p, k);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* One bar per coach against the target line; over the target in red. */
static void html_caseload(FILE *f, const quarterly_program *p)
{
    int top = p->m.program_capacity;
    if (!p->m.coaches)
        return;
    for (int i = 0; i < p->m.coaches; i++)
        top = p->m.coach[i].active > top ? p->m.coach[i].active : top;
    top = top ? top : 1;
    int h = 16 * p->m.coaches + 4, target = 150 + 300 * p->m.program_capacity / top;
    fprintf(f,
            "<h3>Caseload by coach</h3>\n<svg width=\"500\" height=\"%d\" "
            "viewBox=\"0 0 500 %d\" role=\"img\">",
            h, h);
    for (int i = 0; i < p->m.coaches; i++) {
        const coach_load *c = &p->m.coach[i];
        int y = 2 + 16 * i, w = 300 * c->active / top;
        fprintf(f, "<text x=\"0\" y=\"%d\" font-size=\"10\">", y + 11);
        html_put(f, c->login);
        fprintf(f,
                "</text><rect x=\"150\" y=\"%d\" width=\"%d\" height=\"12\" "
                "fill=\"%s\"><title>%d of %d</title></rect>"
                "<text x=\"%d\" y=\"%d\" font-size=\"10\">%d</text>",
                y, w, c->active > c->capacity ? "#b33" : "#246", c->active, c->capacity,
                155 + w, y + 11, c->active);
    }
    fprintf(f,
            "<line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%d\" stroke=\"#000\" "
            "stroke-dasharray=\"3 2\"/></svg>\n",
            target, target, h);
}

static void html_header(FILE *f, const quarterly *q)
{
    char seq[32];
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>Quarterly report ",
          f);
    html_put(f, q->quarter);
    fprintf(f, "</title>\n%s</head>\n<body>\n<h1>Quarterly report ", html_style);
    html_put(f, q->quarter);
    fprintf(f,
            "</h1>\n<dl class=\"head\">\n<dt>Period</dt><dd>%s to %s%s</dd>\n"
            "<dt>Site</dt><dd>",
            q->from, q->to, q->partial ? " (to date)" : "");
    html_put(f, q->site[0] ? q->site : "(no site name set)");
    fprintf(f, "</dd>\n<dt>Generated</dt><dd>%s by ", q->generated_at);
    html_put(f, q->by_login[0] ? q->by_login : "the system");
    fputs(" (", f);
    html_put(f, q->by_name);
    fputs("), ", f);
    html_put(f, q->by_role);
    snprintf(seq, sizeof seq, "%lld", (long long)q->audit_seq);
    fprintf(f,
            "</dd>\n<dt>Audit head</dt><dd>entry %s, %s</dd>\n"
            "<dt>Definitions</dt><dd>docs/MEASURES.md, by each measure's id</dd>\n"
            "</dl>\n",
            seq, q->audit_hash);
}

static int write_html(FILE *f, const quarterly *q)
{
    html_header(f, q);
    for (int i = 0; i < q->nprograms; i++) {
        const quarterly_program *p = &q->program[i];
        fputs("<section>\n<h2>", f);
        html_put(f, p->code);
        fputs(": ", f);
        html_put(f, p->name);
        fputs("</h2>\n", f);
        html_measures(f, p);
        html_caseload(f, p);
        fputs("</section>\n", f);
    }
    if (!q->nprograms)
        fputs("<p>No program in your reach.</p>\n", f);
    fputs("</body>\n</html>\n", f);
    return ferror(f) ? -1 : 0;
}

/* ---- choosing ---------------------------------------------------------- */

static const struct writer {
    const char *format;
    int (*write)(FILE *f, const quarterly *q);
} writers[] = {
    {"text", write_text},
    {"csv", write_csv},
    {"json", write_json},
    {"html", write_html},
};

const char *quarterly_out_formats(void)
{
    return "text, csv, json or html";
}

static const struct writer *find(const char *format)
{
    for (size_t i = 0; format && i < sizeof writers / sizeof *writers; i++)
        if (!strcmp(writers[i].format, format))
            return &writers[i];
    return NULL;
}

int quarterly_out_known(const char *format)
{
    return find(format) != NULL;
}

int quarterly_out_write(FILE *f, const quarterly *q, const char *format)
{
    const struct writer *w = find(format);
    return w ? w->write(f, q) : -1;
}
