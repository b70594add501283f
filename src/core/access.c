/*
 * access.c — the role matrix as one table. Each action lists the roles that
 * may perform it and whether it needs the client in the actor's scope to
 * read or to change it; everything not listed is refused.
 */
#include "access.h"

#include <string.h>

struct rule {
    const char *action;
    const char *roles; /* space-separated */
    enum access_scope scope;
};

#define CARE     "coach nurse scheduler social-worker program-manager"
#define EVERYONE CARE " supervisor admin"

static const struct rule rules[] = {
    {"staff.manage", "admin", ACCESS_NONE},
    {"staff.list", "admin supervisor program-manager", ACCESS_NONE},
    {"store.rekey", "admin", ACCESS_NONE},
    {"store.backup", "admin", ACCESS_NONE},
    {"store.check", "admin supervisor", ACCESS_NONE},
    {"audit.verify", "admin supervisor", ACCESS_NONE},
    {"audit.anchor", "admin supervisor", ACCESS_NONE},
    {"export.case", "supervisor", ACCESS_NONE},
    {"export.staff", "admin supervisor program-manager", ACCESS_NONE},
    {"export.audit", "supervisor", ACCESS_NONE},
    /* one client's whole record (FHIR), internal or for an organization */
    {"export.record", CARE " supervisor", ACCESS_READ},
    {"client.view", CARE " supervisor", ACCESS_READ},
    {"client.write", CARE, ACCESS_WRITE},
    {"handoff.propose", CARE, ACCESS_WRITE},
    {"handoff.decide", CARE, ACCESS_NONE},
    {"caseload.assign", "program-manager", ACCESS_WRITE},
    {"caseload.bulk", "program-manager", ACCESS_WRITE},
    {"caseload.view", CARE " supervisor", ACCESS_NONE},
    {"breakglass.open", CARE, ACCESS_NONE},
    {"breakglass.review", "supervisor", ACCESS_NONE},
    {"measures.view", "program-manager supervisor", ACCESS_NONE},
    {"audit.access", "supervisor", ACCESS_NONE},
    {"program.view", EVERYONE, ACCESS_NONE},
    {"program.manage", "admin", ACCESS_NONE},
    {"self.passwd", EVERYONE, ACCESS_NONE},
    {"org.view", EVERYONE, ACCESS_NONE},
    {"org.manage", "admin", ACCESS_NONE},
    {"team.manage", "admin", ACCESS_NONE},
    {"leave.manage", "admin program-manager", ACCESS_NONE},
    {"encounter.import", CARE, ACCESS_NONE},
    {"encounter.review", CARE, ACCESS_WRITE},
    {"agenda.view", CARE, ACCESS_NONE},
    {"med.signoff", "nurse", ACCESS_WRITE},
    {"site.settings", "admin", ACCESS_NONE},
    {"accounts.review", "supervisor admin", ACCESS_NONE},
    /* the side-by-side review shows both records: audited as views */
    {"client.merge", "admin", ACCESS_NONE},
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

static const struct rule *rule_of(const char *action)
{
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
        if (!strcmp(rules[i].action, action))
            return &rules[i];
    return NULL;
}

int access_check(const char *role, const char *action, cc_err *err)
{
    const struct rule *r = rule_of(action);
    if (!r)
        return cc_err_set(err, CC_EREFUSED, "unknown action %s", action);
    if (word_in(role, r->roles))
        return CC_OK;
    return cc_err_set(err, CC_EREFUSED, "not allowed for role %s: %s needs %s", role,
                      action, r->roles);
}

int access_allows(const char *role, const char *action)
{
    const struct rule *r = rule_of(action);
    return r && word_in(role, r->roles);
}

enum access_scope access_scope_of(const char *action)
{
    const struct rule *r = rule_of(action);
    return r ? r->scope : ACCESS_NONE;
}
