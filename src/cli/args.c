/*
 * args.c — the one option parser every subcommand uses: a table of options,
 * positional arguments, "--help", and a one-line error for anything else.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *name)
{
    for (; opts && opts->name; opts++)
        if (!strcmp(opts->name, name))
            return opts;
    return NULL;
}

int cli_parse(int argc, char **argv, const struct cli_opt *opts, const char **pos,
              int npos, int *help, cc_err *err)
{
    int npos_seen = 0;
    *help = 0;
    for (int i = 0; i < npos; i++)
        pos[i] = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            *help = 1;
            return CC_OK;
        }
        if (a[0] == '-' && a[1]) {
            const struct cli_opt *o = find_opt(opts, a);
            if (!o)
                return cc_err_set(err, CC_EUSAGE, "unknown option %s", a);
            if (!o->value) {
                *o->flag = 1;
                continue;
            }
            if (i + 1 >= argc)
                return cc_err_set(err, CC_EUSAGE, "%s needs a value", a);
            *o->value = argv[++i];
            continue;
        }
        if (npos_seen >= npos)
            return cc_err_set(err, CC_EUSAGE, "unexpected argument '%s'", a);
        pos[npos_seen++] = a;
    }
    return CC_OK;
}

int cli_args(int argc, char **argv, const struct cli_opt *opts, const char **pos,
             int npos, int nreq, const char *help_text, int *exit_code)
{
    cc_err err = {0};
    int help;
    if (cli_parse(argc, argv, opts, pos, npos, &help, &err) == CC_OK && help) {
        fputs(help_text, stdout);
        *exit_code = CC_OK;
        return 0;
    }
    for (int i = 0; err.code == CC_OK && i < nreq; i++)
        if (!pos[i])
            cc_err_set(&err, CC_EUSAGE, "missing argument (see --help)");
    if (err.code != CC_OK) {
        *exit_code = cli_fail(&err);
        return 0;
    }
    return 1;
}
