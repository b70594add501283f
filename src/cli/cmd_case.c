/*
 * cmd_case.c — subcommands over the case data: export (JSON Lines, CSV,
 * a FHIR R4 record or every record as NDJSON), the
 * program templates (list, show as JSON, load from JSON, versions:
 * administrators change programs without a rebuild, each change a new
 * version), the risk questionnaire (show, load a new version) and the
 * service area (list, add, remove, import from a file).
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/assessment.h"
#include "core/program.h"
#include "core/disclose.h"
#include "io/export.h"
#include "io/fhir.h"

static int print_record(void *arg, const char *rec)
{
    return fputs(rec, arg ? arg : stdout) < 0 ? -1 : 0;
}

struct export_opts {
    const char *format, *what, *output, *client, *dir, *to, *purpose;
    int all;
};

/* ---- FHIR --------------------------------------------------------------- */

static int fhir_one(cli *c, const struct export_opts *o, cc_err *err)
{
    char *end, *json = NULL;
    long long id = strtoll(o->client, &end, 10);
    if (*end || id <= 0)
        return cc_err_set(err, CC_EUSAGE, "--client takes a client id, not '%s'",
                          o->client);
    disclose_request req = {.client_id = id, .to_org = o->to, .purpose = o->purpose};
    FILE *out = o->output ? export_create_file(o->output, err) : NULL;
    if (o->output && !out)
        return err->code;
    if (cli_open(c, "export.record", 0, err) == CC_OK) {
        cc_ctx ctx = cli_ctx(c);
        if (disclose_record(&ctx, &req, fhir_bundle_builder, &json, err) == CC_OK &&
            (fputs(json, out ? out : stdout) < 0 ||
             fputc('\n', out ? out : stdout) < 0))
            cc_err_set(err, CC_EDATA, "cannot write the export");
    }
    free(json);
    if (out && fclose(out) != 0 && !err->code)
        cc_err_set(err, CC_EDATA, "cannot write %s", o->output);
    if (out && err->code)
        export_remove_file(o->output);
    if (!err->code && o->to)
        fprintf(stderr, "recorded as a disclosure to %s%s\n", o->to,
                req.substance_use ? "" : " (substance-use information left out)");
    return err->code;
}

struct ndjson_files {
    FILE *f[FHIR_NTYPES];
};

static int put_ndjson(void *arg, int type, const char *line)
{
    struct ndjson_files *nf = arg;
    return fputs(line, nf->f[type]) < 0 ? -1 : 0;
}

static int write_manifest(const char *dir, const int64_t counts[FHIR_NTYPES],
                          const char *now, cc_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    FILE *f = export_create_file(path, err);
    if (!f)
        return err->code;
    cJSON *m = cJSON_CreateObject(), *files;
    cJSON_AddStringToObject(m, "transactionTime", now);
    cJSON_AddStringToObject(m, "request", "carecoord export --format fhir --all");
    cJSON_AddBoolToObject(m, "requiresAccessToken", 0);
    files = cJSON_AddArrayToObject(m, "output");
    for (int i = 0; i < FHIR_NTYPES; i++) {
        cJSON *e = cJSON_CreateObject();
        char name[64];
        snprintf(name, sizeof name, "%s.ndjson", fhir_types[i]);
        cJSON_AddStringToObject(e, "type", fhir_types[i]);
        cJSON_AddStringToObject(e, "url", name);
        cJSON_AddNumberToObject(e, "count", (double)counts[i]);
        cJSON_AddItemToArray(files, e);
    }
    cJSON_AddArrayToObject(m, "error");
    char *json = cJSON_Print(m);
    cJSON_Delete(m);
    int bad = !json || fputs(json, f) < 0 || fputc('\n', f) < 0;
    free(json);
    if (fclose(f) != 0 || bad)
        return cc_err_set(err, CC_EDATA, "cannot write %s", path);
    return CC_OK;
}

static void remove_ndjson(const char *dir)
{
    char path[4096];
    for (int i = 0; i <= FHIR_NTYPES; i++) {
        snprintf(path, sizeof path, "%s/%s%s", dir,
                 i < FHIR_NTYPES ? fhir_types[i] : "manifest",
                 i < FHIR_NTYPES ? ".ndjson" : ".json");
        export_remove_file(path);
    }
}

static int fhir_all(cli *c, const struct export_opts *o, cc_err *err)
{
    struct ndjson_files nf = {{NULL}};
    int64_t counts[FHIR_NTYPES] = {0};
    char path[4096], now[21];
    if (export_create_dir(o->dir, err) != CC_OK)
        return err->code;
    for (int i = 0; i < FHIR_NTYPES && !err->code; i++) {
        snprintf(path, sizeof path, "%s/%s.ndjson", o->dir, fhir_types[i]);
        nf.f[i] = export_create_file(path, err);
    }
    if (!err->code && cli_open(c, "export.case", 0, err) == CC_OK) {
        cc_ctx ctx = cli_ctx(c);
        ctx_now(&ctx, now);
        if (fhir_export_all(&ctx, put_ndjson, &nf, counts, err) == CC_OK)
            write_manifest(o->dir, counts, now, err);
    }
    for (int i = 0; i < FHIR_NTYPES; i++)
        if (nf.f[i] && fclose(nf.f[i]) != 0 && !err->code)
            cc_err_set(err, CC_EDATA, "cannot write the files in %s", o->dir);
    if (err->code) {
        remove_ndjson(o->dir);
        return err->code;
    }
    for (int i = 0; i < FHIR_NTYPES; i++)
        printf("%s.ndjson: %lld\n", fhir_types[i], (long long)counts[i]);
    return CC_OK;
}

/* The options that belong to one format only. */
static int export_opts_check(const struct export_opts *o, cc_err *err)
{
    int fhir = !strcmp(o->format, "fhir");
    if (!fhir && strcmp(o->format, "jsonl") && strcmp(o->format, "csv"))
        return cc_err_set(err, CC_EUSAGE,
                          "unknown format '%s' (choose jsonl, csv or fhir)", o->format);
    if (!fhir && (o->client || o->all || o->dir || o->to || o->purpose))
        return cc_err_set(err, CC_EUSAGE,
                          "--client, --all, --dir, --to and --purpose go with --format "
                          "fhir");
    if (!fhir)
        return export_known(o->what)
                   ? CC_OK
                   : cc_err_set(err, CC_EUSAGE, "cannot export '%s' (choose %s)",
                                o->what, export_kinds());
    if (o->what)
        return cc_err_set(err, CC_EUSAGE,
                          "--format fhir writes whole records: no --what");
    if (!o->client == !o->all)
        return cc_err_set(err, CC_EUSAGE, "--format fhir needs --client ID or --all");
    if (o->all && (!o->dir || o->output || o->to))
        return cc_err_set(err, CC_EUSAGE,
                          "--all writes NDJSON files into --dir DIR (internal use: no "
                          "--output, no --to)");
    if (o->client && o->dir)
        return cc_err_set(err, CC_EUSAGE, "--dir goes with --all");
    if (!o->to != !o->purpose)
        return cc_err_set(err, CC_EUSAGE,
                          "a record for another organization needs both --to ORG and "
                          "--purpose TEXT");
    return CC_OK;
}

static int export_plain(cli *c, const struct export_opts *o, cc_err *err)
{
    int64_t n;
    FILE *out = o->output ? export_create_file(o->output, err) : NULL;
    if (o->output && !out)
        return err->code;
    if (cli_open(c, export_action(o->what), 0, err) == CC_OK) {
        cc_ctx ctx = cli_ctx(c);
        export_data(&ctx, o->what, strcmp(o->format, "csv") ? EXPORT_JSONL : EXPORT_CSV,
                    print_record, out, &n, err);
    }
    if (out && fclose(out) != 0 && !err->code)
        cc_err_set(err, CC_EDATA, "cannot write %s", o->output);
    if (out && err->code)
        export_remove_file(o->output);
    return err->code;
}

static int cmd_export(cli *c, int argc, char **argv)
{
    struct export_opts o = {.format = "jsonl"};
    const struct cli_opt opts[] = {{"--format", &o.format, NULL},
                                   {"--what", &o.what, NULL},
                                   {"--output", &o.output, NULL},
                                   {"--client", &o.client, NULL},
                                   {"--all", NULL, &o.all},
                                   {"--dir", &o.dir, NULL},
                                   {"--to", &o.to, NULL},
                                   {"--purpose", &o.purpose, NULL},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    int rc;
    if (!cli_args(
            argc, argv, opts, NULL, 0, 0,
            "usage: carecoord export [--format jsonl|csv] [--what KIND] [--output FILE]\n"
            "       carecoord export --format fhir --client ID [--to ORG --purpose TEXT]\n"
            "                        [--output FILE]\n"
            "       carecoord export --format fhir --all --dir DIR\n"
            "JSON Lines (one object per line) or CSV (a header row, formula-safe\n"
            "cells) to standard output, or to FILE (a new file, yours, mode 0600).\n"
            "KIND: clients (default), referrals, consents, assessments, episodes,\n"
            "tasks, contacts, handoffs, alerts (supervisors); staff, teams\n"
            "(administrators, supervisors, managers); access, disclosures\n"
            "(supervisors). --format fhir writes one client's record as a FHIR R4\n"
            "Bundle (anyone with the client in scope); for another organization it\n"
            "needs a release naming it and is recorded as a disclosure. --all writes\n"
            "every client as NDJSON files and a manifest into DIR (supervisors).\n"
            "Every export is audited.\n",
            &rc))
        return rc;
    int fhir = !strcmp(o.format, "fhir");
    if (!fhir && !o.what)
        o.what = "clients";
    if (export_opts_check(&o, &err) == CC_OK)
        fhir ? (o.all ? fhir_all(c, &o, &err) : fhir_one(c, &o, &err))
             : export_plain(c, &o, &err);
    if (err.code)
        return cli_fail(&err);
    return fflush(stdout) == 0 ? CC_OK : CC_EDATA;
}

/* ---- programs ---------------------------------------------------------- */

static int cmd_program_list(cli *c, int argc, char **argv)
{
    program *list;
    int n, rc;
    cc_err err = {0};
    if (!cli_args(
            argc, argv, NULL, NULL, 0, 0,
            "usage: carecoord program list\nThe programs (interventions) and their "
            "rules.\n",
            &rc))
        return rc;
    if (cli_open(c, "program.view", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (program_list(&ctx, &list, &n, &err) != CC_OK)
        return cli_fail(&err);
    printf("%-8s %-22s %-15s %5s %4s %4s %7s  %s\n", "CODE", "KIND", "STARTS ON",
           "DAYS", "MAX", "CAP", "RESCR", "NAME");
    for (int i = 0; i < n; i++)
        printf("%-8s %-22s %-15s %5d %4d %4d %7d  %s\n", cli_s(list[i].code),
               cli_s(list[i].kind), cli_s(list[i].episode_start), list[i].episode_days,
               list[i].max_days, list[i].capacity, list[i].rescreen_days,
               cli_s(list[i].name));
    free(list);
    return CC_OK;
}

static cJSON *program_json(cc_ctx *ctx, const program *p, const protocol_task *t, int n)
{
    cJSON *o = cJSON_CreateObject(), *tasks;
    char hospital[32];
    cJSON_AddStringToObject(o, "code", p->code);
    cJSON_AddStringToObject(o, "name", p->name);
    cJSON_AddStringToObject(o, "kind", p->kind);
    organization_code(ctx, p->hospital_id, hospital, sizeof hospital);
    if (hospital[0])
        cJSON_AddStringToObject(o, "hospital", hospital);
    cJSON_AddNumberToObject(o, "min_age", p->min_age);
    cJSON_AddStringToObject(o, "payers", p->payers);
    cJSON_AddStringToObject(o, "settings", p->settings);
    cJSON_AddStringToObject(o, "episode_start", p->episode_start);
    cJSON_AddNumberToObject(o, "episode_days", p->episode_days);
    cJSON_AddNumberToObject(o, "max_days", p->max_days);
    cJSON_AddNumberToObject(o, "capacity", p->capacity);
    cJSON_AddNumberToObject(o, "rescreen_days", p->rescreen_days);
    cJSON_AddStringToObject(o, "overlap_group", p->overlap_group);
    cJSON_AddBoolToObject(o, "active", p->active);
    tasks = cJSON_AddArrayToObject(o, "tasks");
    for (int i = 0; i < n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "code", t[i].code);
        cJSON_AddStringToObject(x, "title", t[i].title);
        cJSON_AddStringToObject(x, "anchor", t[i].anchor);
        cJSON_AddNumberToObject(x, "offset_hours", t[i].offset_hours);
        cJSON_AddNumberToObject(x, "repeat_days", t[i].repeat_days);
        cJSON_AddNumberToObject(x, "repeat_count", t[i].repeat_count);
        cJSON_AddItemToArray(tasks, x);
    }
    return o;
}

static int parse_version(const char *s, int64_t *out, cc_err *err)
{
    char *end;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (s && (!*s || *end || v < 1 || v > 1000000))
        return cc_err_set(err, CC_EUSAGE, "--version takes a version number");
    *out = s ? v : 0;
    return CC_OK;
}

static int cmd_program_show(cli *c, int argc, char **argv)
{
    const char *pos[1], *version_s = NULL;
    const struct cli_opt opts[] = {{"--version", &version_s, NULL}, {NULL, NULL, NULL}};
    program p;
    protocol_task *t;
    int64_t version;
    int n, rc;
    cc_err err = {0};
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord program show CODE [--version N]\nPrint a program and "
            "its protocol tasks as JSON (the format 'program load' reads):\nthe "
            "current version, or version N as it was saved (see 'program "
            "versions').\n",
            &rc))
        return rc;
    if (parse_version(version_s, &version, &err) != CC_OK)
        return cli_fail(&err);
    if (cli_open(c, "program.view", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (program_by_code(&ctx, pos[0], &p, &err) != CC_OK ||
        program_version_get(&ctx, p.id, version ? version : p.version, &p, &t, &n,
                            &err) != CC_OK)
        return cli_fail(&err);
    cJSON *o = program_json(&ctx, &p, t, n);
    cJSON_AddNumberToObject(o, "version", (double)p.version);
    char *text = cJSON_Print(o);
    puts(text ? text : "{}");
    free(text);
    cJSON_Delete(o);
    free(t);
    return CC_OK;
}

static int cmd_program_versions(cli *c, int argc, char **argv)
{
    const char *pos[1];
    program p;
    program_version_info *v;
    int n, rc;
    cc_err err = {0};
    if (!cli_args(argc, argv, NULL, pos, 1, 1,
                  "usage: carecoord program versions CODE\nEvery saved version of "
                  "a program: when, by whom, its lengths, protocol tasks\nand the "
                  "episodes started under it (they keep its rules).\n",
                  &rc))
        return rc;
    if (cli_open(c, "program.view", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (program_by_code(&ctx, pos[0], &p, &err) != CC_OK ||
        program_versions(&ctx, p.id, &v, &n, &err) != CC_OK)
        return cli_fail(&err);
    printf("%-7s %-20s %-16s %5s %4s %5s %8s\n", "VERSION", "SAVED", "BY", "DAYS",
           "MAX", "TASKS", "EPISODES");
    for (int i = 0; i < n; i++)
        printf("%-7lld %-20s %-16s %5d %4d %5d %8d%s\n", (long long)v[i].version,
               cli_s(v[i].saved_at), cli_s(v[i].saved_by), v[i].episode_days,
               v[i].max_days, v[i].ntasks, v[i].episodes,
               v[i].version == p.version ? "  current" : "");
    free(v);
    return CC_OK;
}

/* ---- loading a program from JSON --------------------------------------- */

static int json_str(const cJSON *o, const char *key, char *out, size_t n, int required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return required ? -1 : 0;
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= n)
        return -1;
    snprintf(out, n, "%s", v->valuestring);
    return 0;
}

static int json_int(const cJSON *o, const char *key, int *out, int required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return required ? -1 : 0;
    if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int)v->valuedouble)
        return -1;
    *out = (int)v->valuedouble;
    return 0;
}

static int parse_task(const cJSON *x, protocol_task *t)
{
    memset(t, 0, sizeof *t);
    t->repeat_count = 1;
    return json_str(x, "code", t->code, sizeof t->code, 1) ||
           json_str(x, "title", t->title, sizeof t->title, 1) ||
           json_str(x, "anchor", t->anchor, sizeof t->anchor, 1) ||
           json_int(x, "offset_hours", &t->offset_hours, 1) ||
           json_int(x, "repeat_days", &t->repeat_days, 0) ||
           json_int(x, "repeat_count", &t->repeat_count, 0);
}

static int parse_program(const cJSON *o, program *p, char *hospital, size_t hn,
                         protocol_task **tasks, int *n, cc_err *err)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "tasks"), *x;
    const cJSON *act = cJSON_GetObjectItemCaseSensitive(o, "active");
    memset(p, 0, sizeof *p);
    p->capacity = 35, p->rescreen_days = 90, p->active = 1;
    if (json_str(o, "code", p->code, sizeof p->code, 1) ||
        json_str(o, "name", p->name, sizeof p->name, 1) ||
        json_str(o, "kind", p->kind, sizeof p->kind, 1) ||
        json_str(o, "episode_start", p->episode_start, sizeof p->episode_start, 1) ||
        json_int(o, "episode_days", &p->episode_days, 1) ||
        json_int(o, "max_days", &p->max_days, 1) ||
        json_int(o, "min_age", &p->min_age, 0) ||
        json_int(o, "capacity", &p->capacity, 0) ||
        json_int(o, "rescreen_days", &p->rescreen_days, 0) ||
        json_str(o, "payers", p->payers, sizeof p->payers, 0) ||
        json_str(o, "settings", p->settings, sizeof p->settings, 0) ||
        json_str(o, "overlap_group", p->overlap_group, sizeof p->overlap_group, 0) ||
        json_str(o, "hospital", hospital, hn, 0) || (act && !cJSON_IsBool(act)) ||
        (arr && !cJSON_IsArray(arr)))
        return cc_err_set(err, CC_EUSAGE,
                          "program JSON: a field is missing or has the "
                          "wrong type (see 'program show')");
    p->active = act ? cJSON_IsTrue(act) : 1;
    *n = arr ? cJSON_GetArraySize(arr) : 0;
    *tasks = calloc((size_t)(*n ? *n : 1), sizeof **tasks);
    int i = 0;
    cJSON_ArrayForEach(x, arr)
    {
        if (parse_task(x, &(*tasks)[i++]))
            return cc_err_set(err, CC_EUSAGE, "program JSON: task %d is malformed", i);
    }
    return CC_OK;
}

static char *read_file(const char *path, cc_err *err)
{
    FILE *f = cli_fopen_as_user(path);
    char *buf = NULL;
    long n;
    if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > (1 << 20) ||
        fseek(f, 0, SEEK_SET) || !(buf = calloc(1, (size_t)n + 1)) ||
        fread(buf, 1, (size_t)n, f) != (size_t)n) {
        cc_err_set(err, CC_EUSAGE, "cannot read %s", path);
        free(buf);
        buf = NULL;
    }
    if (f)
        fclose(f);
    return buf;
}

static int cmd_program_load(cli *c, int argc, char **argv)
{
    const char *pos[1];
    program p;
    protocol_task *tasks = NULL;
    char hospital[32] = "";
    int n = 0, rc, created = 0;
    cc_err err = {0};
    if (!cli_args(
            argc, argv, NULL, pos, 1, 1,
            "usage: carecoord program load FILE.json\nCreate or change a program "
            "(by its code) and its protocol tasks from JSON\nin the format 'program "
            "show' prints: each change is a new version (episodes\nkeep the version "
            "they started under); an identical file changes nothing.\n"
            "Administrators only; audited.\n",
            &rc))
        return rc;
    char *text = read_file(pos[0], &err);
    cJSON *o = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!o)
        return (err.code ? 0
                         : cc_err_set(&err, CC_EUSAGE, "%s is not valid JSON", pos[0])),
               cli_fail(&err);
    rc = parse_program(o, &p, hospital, sizeof hospital, &tasks, &n, &err);
    cJSON_Delete(o);
    if (rc == CC_OK && cli_open(c, "program.manage", 0, &err) == CC_OK) {
        cc_ctx ctx = cli_ctx(c);
        p.hospital_id = hospital[0] ? organization_by_code(&ctx, hospital) : 0;
        rc = hospital[0] && !p.hospital_id
                 ? cc_err_set(&err, CC_EUSAGE, "no hospital with code %s", hospital)
                 : program_save_version(&ctx, &p, tasks, n, &created, &err);
    } else {
        rc = err.code;
    }
    free(tasks);
    if (rc != CC_OK)
        return cli_fail(&err);
    if (created)
        printf("program %s saved with %d protocol tasks as version %lld\n",
               cli_s(p.code), n, (long long)p.version);
    else
        printf("program %s unchanged (still version %lld)\n", cli_s(p.code),
               (long long)p.version);
    return CC_OK;
}

/* ---- the service area -------------------------------------------------- */

static int cmd_area(cli *c, int argc, char **argv, int change)
{
    const char *pos[1];
    char list[8192];
    int rc;
    cc_err err = {0};
    if (!cli_args(argc, argv, NULL, pos, 1, change ? 1 : 0,
                  "usage: carecoord area list | area add ZIP | area remove ZIP\n"
                  "The service-area ZIP codes intake checks against (changes: "
                  "administrators).\n",
                  &rc))
        return rc;
    if (cli_open(c, change ? "program.manage" : "program.view", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    rc = change > 0   ? area_add(&ctx, pos[0], &err)
         : change < 0 ? area_remove(&ctx, pos[0], &err)
                      : area_list(&ctx, list, sizeof list, &err);
    if (rc != CC_OK)
        return cli_fail(&err);
    if (change)
        printf("ZIP %s %s the service area\n", cli_s(pos[0]),
               change > 0 ? "added to" : "removed from");
    else
        printf("%s\n", cli_s(list));
    return CC_OK;
}

static int cmd_area_list(cli *c, int argc, char **argv)
{
    return cmd_area(c, argc, argv, 0);
}

static int cmd_area_add(cli *c, int argc, char **argv)
{
    return cmd_area(c, argc, argv, 1);
}

static int cmd_area_remove(cli *c, int argc, char **argv)
{
    return cmd_area(c, argc, argv, -1);
}

static int cmd_area_import(cli *c, int argc, char **argv)
{
    const char *pos[1];
    char *line = NULL, **zips = NULL;
    int *lines = NULL, n = 0, cap = 0, lineno = 0, added = 0, present = 0, rc;
    size_t len = 0;
    cc_err err = {0};
    if (!cli_args(argc, argv, NULL, pos, 1, 1,
                  "usage: carecoord area import FILE\nAdd the ZIP codes in FILE (or "
                  "standard input for -), one a line; blank\nlines and # comments "
                  "are skipped. All or nothing: one bad line and none is\nadded. "
                  "Administrators only; audited.\n",
                  &rc))
        return rc;
    FILE *f = strcmp(pos[0], "-") ? cli_fopen_as_user(pos[0]) : stdin;
    if (!f)
        return cc_err_set(&err, CC_EUSAGE, "cannot read %s", pos[0]), cli_fail(&err);
    while (getline(&line, &len, f) >= 0 && !err.code) {
        lineno++;
        line[strcspn(line, "#\r\n")] = '\0';
        char *z = line + strspn(line, " \t");
        size_t zl = strlen(z);
        while (zl && (z[zl - 1] == ' ' || z[zl - 1] == '\t'))
            z[--zl] = '\0';
        if (!zl)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nz =
                cap <= 200000 ? realloc(zips, (size_t)cap * sizeof *zips) : NULL;
            int *nl = nz ? realloc(lines, (size_t)cap * sizeof *lines) : NULL;
            zips = nz ? nz : zips;
            lines = nl ? nl : lines;
            if (!nz || !nl) {
                cc_err_set(&err, CC_EUSAGE, "%s: too many lines", pos[0]);
                break;
            }
        }
        lines[n] = lineno;
        if (!(zips[n++] = strdup(z)))
            cc_err_set(&err, CC_EDATA, "out of memory");
    }
    if (ferror(f) && !err.code)
        cc_err_set(&err, CC_EUSAGE, "cannot read %s", pos[0]);
    if (f != stdin)
        fclose(f);
    free(line);
    if (!err.code && cli_open(c, "program.manage", 0, &err) == CC_OK) {
        cc_ctx ctx = cli_ctx(c);
        area_import(&ctx, (const char *const *)zips, lines, n, &added, &present, &err);
    }
    for (int i = 0; i < n; i++)
        free(zips[i]);
    free(zips);
    free(lines);
    if (err.code)
        return cli_fail(&err);
    printf("%d ZIP codes added to the service area, %d already in it\n", added,
           present);
    return CC_OK;
}

/* ---- the risk questionnaire -------------------------------------------- */

static cJSON *questionnaire_json(const questionnaire *q)
{
    cJSON *o = cJSON_CreateObject(), *qs;
    cJSON_AddStringToObject(o, "code", q->code);
    cJSON_AddNumberToObject(o, "version", q->version);
    cJSON_AddBoolToObject(o, "active", q->active);
    cJSON_AddStringToObject(o, "title", q->title);
    cJSON_AddNumberToObject(o, "high_min", q->high_min);
    cJSON_AddNumberToObject(o, "moderate_min", q->moderate_min);
    qs = cJSON_AddArrayToObject(o, "questions");
    for (int i = 0; i < q->n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "category", q->q[i].category);
        cJSON_AddNumberToObject(x, "weight", q->q[i].weight);
        cJSON_AddStringToObject(x, "driver", q->q[i].driver);
        cJSON_AddStringToObject(x, "text", q->q[i].text);
        cJSON_AddItemToArray(qs, x);
    }
    return o;
}

static int cmd_questionnaire_show(cli *c, int argc, char **argv)
{
    const char *version_s = NULL, *code = "hra";
    const struct cli_opt opts[] = {
        {"--version", &version_s, NULL}, {"--code", &code, NULL}, {NULL, NULL, NULL}};
    questionnaire q;
    int64_t version;
    int rc;
    cc_err err = {0};
    if (!cli_args(argc, argv, opts, NULL, 0, 0,
                  "usage: carecoord questionnaire show [--version N] [--code hra]\n"
                  "Print the risk questionnaire (the active version, or version N) "
                  "as JSON,\nthe format 'questionnaire load' reads.\n",
                  &rc))
        return rc;
    if (parse_version(version_s, &version, &err) != CC_OK ||
        cli_open(c, "program.view", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (questionnaire_version(&ctx, code, (int)version, &q, &err) != CC_OK)
        return cli_fail(&err);
    cJSON *o = questionnaire_json(&q);
    char *text = cJSON_Print(o);
    puts(text ? text : "{}");
    free(text);
    cJSON_Delete(o);
    return CC_OK;
}

static int parse_question(const cJSON *x, hra_question *q)
{
    memset(q, 0, sizeof *q);
    return json_str(x, "category", q->category, sizeof q->category, 1) ||
           json_str(x, "text", q->text, sizeof q->text, 1) ||
           json_str(x, "driver", q->driver, sizeof q->driver, 1) ||
           json_int(x, "weight", &q->weight, 1);
}

static int parse_questionnaire(const cJSON *o, questionnaire *q, cc_err *err)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "questions"), *x;
    memset(q, 0, sizeof *q);
    snprintf(q->code, sizeof q->code, "hra");
    if (json_str(o, "code", q->code, sizeof q->code, 0) ||
        json_str(o, "title", q->title, sizeof q->title, 1) ||
        json_int(o, "high_min", &q->high_min, 1) ||
        json_int(o, "moderate_min", &q->moderate_min, 1) || !cJSON_IsArray(arr))
        return cc_err_set(err, CC_EUSAGE,
                          "questionnaire JSON: a field is missing or has the wrong "
                          "type (see 'questionnaire show')");
    if (cJSON_GetArraySize(arr) > HRA_MAX_QUESTIONS)
        return cc_err_set(err, CC_EUSAGE, "questionnaire JSON: at most %d questions",
                          HRA_MAX_QUESTIONS);
    cJSON_ArrayForEach(x, arr)
    {
        if (parse_question(x, &q->q[q->n++]))
            return cc_err_set(err, CC_EUSAGE,
                              "questionnaire JSON: question %d is malformed", q->n);
    }
    return CC_OK;
}

static int cmd_questionnaire_load(cli *c, int argc, char **argv)
{
    const char *pos[1];
    questionnaire q;
    int rc, created = 0;
    cc_err err = {0};
    if (!cli_args(argc, argv, NULL, pos, 1, 1,
                  "usage: carecoord questionnaire load FILE.json\nMake the risk "
                  "questionnaire in FILE (the format 'questionnaire show'\nprints) "
                  "its new active version; assessments already given keep theirs.\n"
                  "An identical file changes nothing. Administrators only; "
                  "audited.\n",
                  &rc))
        return rc;
    char *text = read_file(pos[0], &err);
    cJSON *o = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!o)
        return (err.code ? 0
                         : cc_err_set(&err, CC_EUSAGE, "%s is not valid JSON", pos[0])),
               cli_fail(&err);
    rc = parse_questionnaire(o, &q, &err);
    cJSON_Delete(o);
    if (rc == CC_OK && cli_open(c, "program.manage", 0, &err) == CC_OK) {
        cc_ctx ctx = cli_ctx(c);
        questionnaire_save(&ctx, &q, &created, &err);
    }
    if (err.code)
        return cli_fail(&err);
    if (created)
        printf("questionnaire %s version %d is active, %d questions\n", cli_s(q.code),
               q.version, q.n);
    else
        printf("questionnaire %s unchanged (still version %d)\n", cli_s(q.code),
               q.version);
    return CC_OK;
}

/* An assessment as it was given: its result and its answers under the
 * questionnaire version it was given under (audited as a view of the
 * client). */
static int cmd_assessment_show(cli *c, int argc, char **argv)
{
    const char *pos[1];
    assessment_detail d;
    char *end;
    int rc;
    cc_err err = {0};
    if (!cli_args(argc, argv, NULL, pos, 1, 1,
                  "usage: carecoord assessment show ID\nOne assessment as it was "
                  "given: its result, the questionnaire version it was\ngiven under "
                  "and the answers, scored again by that version (audited).\n",
                  &rc))
        return rc;
    long long id = strtoll(pos[0], &end, 10);
    if (!*pos[0] || *end || id < 1)
        return cc_err_set(&err, CC_EUSAGE, "'%s' is not an assessment id", pos[0]),
               cli_fail(&err);
    if (cli_open(c, "client.view", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (assessment_view(&ctx, id, &d, &err) != CC_OK)
        return cli_fail(&err);
    printf("assessment %lld of client %lld at %s: %s risk (score %d)\n", id,
           (long long)d.client_id, cli_s(d.at), cli_s(d.level), d.score);
    printf("questionnaire %s version %d: high at %d+, moderate at %d+; scored by it: "
           "%s (%d)\n",
           cli_s(d.q.code), d.q.version, d.q.high_min, d.q.moderate_min,
           cli_s(d.rescored.level), d.rescored.score);
    for (int i = 0; i < d.q.n; i++)
        printf("%2d %-3s %3d  %s\n", i + 1, d.answers[i] ? "yes" : "no",
               d.q.q[i].weight, cli_s(d.q.q[i].text));
    return CC_OK;
}

const struct cli_command cli_case_commands[] = {
    {"area", "list", cmd_area_list, "area list", "service-area ZIP codes"},
    {"area", "add", cmd_area_add, "area add ZIP", "add a ZIP to the service area"},
    {"area", "remove", cmd_area_remove, "area remove ZIP", "remove a ZIP from it"},
    {"area", "import", cmd_area_import, "area import FILE",
     "add ZIPs from a file, one a line"},
    {"assessment", "show", cmd_assessment_show, "assessment show ID",
     "one assessment under its questionnaire version"},
    {"export", NULL, cmd_export, "export [--what KIND]",
     "JSON Lines to stdout (audited)"},
    {"program", "list", cmd_program_list, "program list", "programs and their rules"},
    {"program", "show", cmd_program_show, "program show CODE", "one program as JSON"},
    {"program", "load", cmd_program_load, "program load FILE",
     "create or change a program"},
    {"program", "versions", cmd_program_versions, "program versions CODE",
     "a program's saved versions"},
    {"questionnaire", "show", cmd_questionnaire_show,
     "questionnaire show [--version N]", "the risk questionnaire as JSON"},
    {"questionnaire", "load", cmd_questionnaire_load, "questionnaire load FILE",
     "a new questionnaire version"},
    {NULL, NULL, NULL, NULL, NULL},
};
