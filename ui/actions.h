/*
 * actions.h — every action a person can take in the terminal, as data: two
 * X-macro lists of (name, default key, help text), one for the screens
 * (lists, records, reports) and one for forms and prompts, where ordinary
 * characters are typed as text. The key tables, the footer and the help
 * screen are all generated from them, so they never disagree. Keys can be
 * rebound by action name (keymap.c); a key means one thing in each list.
 */
#ifndef CC_UI_ACTIONS_H
#define CC_UI_ACTIONS_H

/* ACTION(id, name, default key, help) — key is a keymap_parse() spelling */
#define ACTIONS(ACTION)                                                                \
    ACTION(MOVE_DOWN, "move-down", "j", "move down (also Down)")                       \
    ACTION(MOVE_UP, "move-up", "k", "move up (also Up)")                               \
    ACTION(PAGE_DOWN, "page-down", "PgDn", "page down (also Space)")                   \
    ACTION(PAGE_UP, "page-up", "PgUp", "page up (also b)")                             \
    ACTION(FIRST, "first", "Home", "first row (also g)")                               \
    ACTION(LAST, "last", "End", "last row (also G)")                                   \
    ACTION(OPEN, "open", "Enter", "open the selected item")                            \
    ACTION(BACK, "back", "q", "back out; from the caseload, asks to quit (also Esc)")  \
    ACTION(FILTER, "filter", "/", "filter the list on screen as you type")             \
    ACTION(SEARCH, "search", "s", "search every client by name, birth date or id")     \
    ACTION(INBOX, "inbox", "i", "hand-offs, alerts, overdue tasks, expiring consents") \
    ACTION(CASELOAD, "caseload", "c", "back to my caseload")                           \
    ACTION(NEXT_TAB, "next-tab", "Tab", "next tab (also Right)")                       \
    ACTION(PREV_TAB, "prev-tab", "BackTab", "previous tab (also Left)")                \
    ACTION(SORT, "sort", "o", "change the sort order of the caseload")                 \
    ACTION(CONTACT, "log-contact", "l", "log a contact with the client")               \
    ACTION(NEW_REFERRAL, "new-referral", "n", "intake: a new client and referral")     \
    ACTION(CONSENT, "consent", "C", "record consent, a decline, or a revocation")      \
    ACTION(ASSESS, "assess", "A", "run the risk assessment, question by question")     \
    ACTION(TASK_ADD, "add-task", "+", "add a task for the client")                     \
    ACTION(EPISODE, "episode", "e", "start, extend or close the intensive episode")    \
    ACTION(EDIT, "edit", "E",                                                          \
           "edit the client's details (conflicts shown, never lost), or an entry")     \
    ACTION(TAG, "tag", "t", "tag or untag the client (then M moves the tagged ones)")  \
    ACTION(TRANSFER, "move-tagged", "M",                                               \
           "hand the tagged clients to someone, one note")                             \
    ACTION(REPORTS, "reports", "r", "boards and reports for managers and supervisors") \
    ACTION(VERIFY, "verify", "V", "verify the audit chain now, with progress")         \
    ACTION(PREV_QUARTER, "prev-quarter", "[", "measures: the previous quarter")        \
    ACTION(NEXT_QUARTER, "next-quarter", "]",                                          \
           "measures: the next quarter (from the month: this one)")                    \
    ACTION(WRITE_FILE, "write-file", "f",                                              \
           "quarterly report: write it to a new file (.txt .csv .json .html)")         \
    ACTION(TASK_DONE, "task-done", "d", "mark the selected task or plan step done")    \
    ACTION(HANDOFF, "handoff", "h", "propose a warm hand-off of the client")           \
    ACTION(ACCEPT, "accept", "a", "accept the selected hand-off")                      \
    ACTION(DECLINE, "decline", "x", "decline the selected hand-off (with a reason)")   \
    ACTION(WITHDRAW, "withdraw", "w",                                                  \
           "withdraw the selected hand-off (yours, waiting)")                          \
    ACTION(OUTSIDE, "outside-accepted", "O",                                           \
           "record that the organization accepted the selected hand-off")              \
    ACTION(ENCOUNTER, "encounter", "H",                                                \
           "record a hospital stay or ED visit (phone, fax)")                          \
    ACTION(PHONES, "phones", "P", "edit the client's phones and when to call")         \
    ACTION(ADDRESS, "address", "W", "edit the home address and primary care provider") \
    ACTION(CAREGIVER, "caregiver", "F",                                                \
           "add a family member, caregiver or legal representative")                   \
    ACTION(BOOK, "book", "B", "book an appointment: a visit, a call, PCP, specialist") \
    ACTION(AGENDA, "agenda", "D",                                                      \
           "the day's and week's visits, calls and appointments")                      \
    ACTION(TEAM, "team-clients", "T", "the clients of everyone on my teams")           \
    ACTION(MY_TASKS, "my-tasks", "L", "my open tasks, due first, across clients")      \
    ACTION(KEPT, "kept", "K", "mark the selected appointment kept")                    \
    ACTION(NO_SHOW, "no-show", "m",                                                    \
           "mark the selected appointment missed (follow-up)")                         \
    ACTION(UNBOOK, "unbook", "u", "cancel or reschedule the selected appointment")     \
    ACTION(ADD_GOAL, "add-goal", "I", "plan: add a goal in the client's own words")    \
    ACTION(ADD_STEP, "add-step", "S", "plan: add a step to the selected goal")         \
    ACTION(STEP_TASK, "step-task", "J", "plan: the selected step becomes a task")      \
    ACTION(PLAN_REVIEW, "plan-review", "v",                                            \
           "plan: reviewed (the next review is due in 30 days)")                       \
    ACTION(PLAN_TEMPLATE, "plan-template", "U",                                        \
           "plan: the starting goals of the program's template")                       \
    ACTION(ADD_MED, "add-med", "z", "medications: add one to the client's list")       \
    ACTION(RECONCILE, "reconcile", "=",                                                \
           "medications: reconcile, each discrepancy resolved")                        \
    ACTION(SIGN_OFF, "sign-off", "!",                                                  \
           "medications: the nurse signs a reconciliation off")                        \
    ACTION(PILLAR, "pillar", "|", "pillars: phr, follow-up or red flags done")         \
    ACTION(PAM, "pam", "@", "record a Patient Activation Measure result")              \
    ACTION(ADD, "add", "N", "add an entry (administration)")                           \
    ACTION(RETIRE, "retire", "X",                                                      \
           "retire, end or offboard the entry (administration)")                       \
    ACTION(PEOPLE, "people", "p", "a team's members and cover (administration)")       \
    ACTION(RESET, "reset", "R", "give a one-time passphrase (administration)")         \
    ACTION(REFRESH, "refresh", "^L", "redraw and reload")                              \
    ACTION(HELP, "help", "?", "this help")                                             \
    ACTION(QUIT, "quit", "Q", "quit carecoord")

/* In forms and prompts (and the assessment and conflict screens): an
 * ordinary character typed into a text field is always text, so an action
 * bound to one acts only where nothing is typed. Keys bound here are looked
 * up first; the screens' actions (^L refresh, Q quit...) come next. A free
 * text field of a form is edited at its cursor as readline does (^A ^E ^U
 * ^K ^W ^D); there the choice actions move the cursor instead. */
#define EDIT_ACTIONS(ACTION)                                                           \
    ACTION(CANCEL, "cancel", "Esc", "close the form or prompt: nothing is saved")      \
    ACTION(SAVE, "save", "^S", "save the form, from any field")                        \
    ACTION(SUBMIT, "submit", "Enter",                                                  \
           "next field; on the last field, save (a prompt: done)")                     \
    ACTION(NEXT_FIELD, "next-field", "Tab", "next field (also Down)")                  \
    ACTION(PREV_FIELD, "prev-field", "BackTab", "previous field (also Up)")            \
    ACTION(ERASE, "erase", "Backspace",                                                \
           "erase the character before the cursor (also ^H, DEL)")                     \
    ACTION(DELETE_CHAR, "delete-char", "^D",                                           \
           "delete the character under the cursor (also Delete)")                      \
    ACTION(LINE_START, "line-start", "^A",                                             \
           "cursor to the start of the text (also Home)")                              \
    ACTION(LINE_END, "line-end", "^E", "cursor to the end of the text (also End)")     \
    ACTION(KILL_START, "kill-start", "^U",                                             \
           "delete from the start of the text to the cursor")                          \
    ACTION(KILL_END, "kill-end", "^K",                                                 \
           "delete from the cursor to the end of the text")                            \
    ACTION(KILL_WORD, "kill-word", "^W",                                               \
           "delete the word before the cursor (spaces, then a word)")                  \
    ACTION(NEXT_CHOICE, "next-choice", "Space",                                        \
           "next choice of a list (also Right; moves right in text)")                  \
    ACTION(PREV_CHOICE, "prev-choice", "Left",                                         \
           "previous choice of a list (moves left in text)")                           \
    ACTION(YES, "yes", "y", "assessment: answer yes (also Y)")                         \
    ACTION(NO, "no", "n", "assessment: answer no (also N)")                            \
    ACTION(MERGE, "merge", "m", "conflict: your changes on top of theirs")             \
    ACTION(KEEP_THEIRS, "keep-theirs", "t", "conflict: keep theirs, drop your changes")

enum action {
    ACT_NONE = 0,
#define ACTION_ENUM(id, name, key, help) ACT_##id,
    ACTIONS(ACTION_ENUM) EDIT_ACTIONS(ACTION_ENUM)
#undef ACTION_ENUM
        ACT_COUNT
};

/* Where a key is read: on a screen, or in a form or prompt. */
enum keys { KEYS_VIEW, KEYS_EDIT };

#endif
