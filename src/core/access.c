/*
 * access.c — the role matrix as one table. Each action lists the roles that
 * may perform it; everything not listed is refused.
 */
#include "access.h"

#include <string.h>

struct rule {
    const char *action;
    const char *roles; /* space-separated */
};

static const struct rule rules[] = {
    {"staff.manage", "admin"},
    {"staff.list", "admin supervisor program-manager"},
    {"store.rekey", "admin"},
    {"store.backup", "admin"},
    {"store.check", "admin supervisor"},
    {"audit.verify", "admin supervisor"},
    {"audit.anchor", "admin supervisor"},
    {"export.case", "supervisor"},
    {"export.staff", "admin supervisor program-manager"},
    {"export.audit", "supervisor"},
    {"client.view", "coach nurse scheduler social-worker program-manager supervisor"},
    {"client.write", "coach nurse scheduler social-worker program-manager"},
    {"handoff.propose", "coach nurse scheduler social-worker program-manager"},
    {"handoff.decide", "coach nurse scheduler social-worker program-manager"},
    {"caseload.assign", "program-manager"},
    {"caseload.bulk", "program-manager"},
    {"caseload.view", "coach nurse scheduler social-worker program-manager supervisor"},
    {"breakglass.open", "coach nurse scheduler social-worker program-manager"},
    {"breakglass.review", "supervisor"},
    {"measures.view", "program-manager supervisor"},
    {"audit.access", "supervisor"},
    {"program.view",
     "coach nurse scheduler social-worker program-manager supervisor admin"},
    {"program.manage", "admin"},
    {"self.passwd",
     "coach nurse scheduler social-worker program-manager supervisor admin"},
};

static int word_in(const char *word, const char *list)
{
    size_t n = strlen(word);
    if (!n)
        return 0;
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

int access_check(const char *role, const char *action, cc_err *err)
{
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        if (strcmp(rules[i].action, action) != 0)
            continue;
        if (word_in(role, rules[i].roles))
            return CC_OK;
        return cc_err_set(err, CC_EREFUSED, "not allowed for role %s: %s needs %s",
                          role, action, rules[i].roles);
    }
    return cc_err_set(err, CC_EREFUSED, "unknown action %s", action);
}
