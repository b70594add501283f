#!/usr/bin/env bash
# cli_merge.sh — duplicate clients from the command line, on a demo
# database: `client merge` without --yes shows the two records side by side
# and changes nothing (exit 0); with --yes (and a reason) the retired
# record's rows move to the survivor, the retired record opens by id with
# "merged into #N", and the survivor's access report includes the views of
# the retired record; `client merges` lists it; a second
# merge of the retired record, the same id twice and a non-administrator are
# refused with their exit codes; `client unmerge` gives every row back and
# a second unmerge is refused; the audit chain stays intact.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_NOW=2026-11-20T12:00:00Z CARECOORD_PASSPHRASE=demo
run --db "$DB" demo --clients 40 --seed 5 --no-tui
expect 0 out 'demo-coach carries' 'setup: a demo database'

# Two clients of demo-coach that can be one person (the review says so).
cc --user demo-supervisor export --what clients
mine=$(printf '%s\n' "$OUT" | grep '"owner":"demo-coach"' | sed 's/^{"id":\([0-9]*\).*/\1/')
survivor='' retired=''
for s in $mine; do
    for r in $mine; do
        [ "$s" != "$r" ] && [ -z "$retired" ] || continue
        cc --user demo-admin client merge "$s" "$r"
        if [ "$RC" = 0 ] && ! _matches "$OUT" 'would be refused'; then
            survivor=$s retired=$r
        fi
    done
    [ -n "$retired" ] && break
done
ok "setup: two clients of demo-coach ($survivor survives, $retired retires)" \
    test -n "$survivor" -a -n "$retired"

rows_of() { # how many rows of the supervisor's export name client $1
    local n=0 what
    for what in referrals consents assessments episodes tasks contacts handoffs alerts; do
        cc --user demo-supervisor export --what "$what"
        n=$((n + $(printf '%s\n' "$OUT" | grep -c "^{\"id\":[0-9]*,\"client\":$1,")))
    done
    echo "$n"
}
s_before=$(rows_of "$survivor")
r_before=$(rows_of "$retired")
ok "setup: the retired record has rows of its own ($r_before)" test "$r_before" -gt 0

# ---- the review --------------------------------------------------------
cc --user demo-admin client merge "$survivor" "$retired"
expect 0 out "^  name " 'without --yes the review shows both records side by side'
like "$OUT" "#$survivor \\(survivor\\) +#$retired \\(retired\\)" '... survivor and retired named'
like "$OUT" '^  contacts +[0-9]+ +[0-9]+$' '... with the counts of each kind of row'
like "$OUT" '^nothing changed: add --yes' '... and says nothing changed'
is "$(rows_of "$retired")" "$r_before" '... and nothing moved'
cc --user demo-admin client merges
unlike "$OUT" "^[0-9]+ .* $survivor +$retired " '... nor was any merge recorded'

cc --user demo-admin client merge "$survivor" "$retired" --yes
expect 1 err 'needs --reason' 'a merge needs a reason'
cc --user demo-coach client merge "$survivor" "$retired" --reason 'same person' --yes
expect 2 err 'client.merge needs admin' 'only an administrator merges (exit 2)'
cc --user demo-admin client merge "$survivor" "$survivor" --reason 'same person' --yes
expect 3 err 'cannot be merged into itself' 'a record is not merged into itself (exit 3)'

# ---- the merge ---------------------------------------------------------
cc --user demo-admin client merge "$survivor" "$retired" --reason 'one person, two intakes' --yes
expect 0 out "^merge [0-9]+: client $retired merged into client $survivor" 'with --yes and a reason, the merge'
mid=$(printf '%s\n' "$OUT" | sed -n 's/^merge \([0-9]*\): .*/\1/p')
is "$(rows_of "$retired")" 0 'every row left the retired record'
is "$(rows_of "$survivor")" "$((s_before + r_before))" '... and is on the survivor'
cc --user demo-coach client show "$survivor"
expect 0 out "^client $survivor: " 'the owner opens the survivor'
cc --user demo-supervisor client show "$retired"
expect 0 out "^merged into #$survivor" 'the retired record opens by id, saying where it went'
cc --user demo-supervisor report access --client "$survivor" --days 1
like "$OUT" "demo-supervisor \\([^)]*\\) +$retired +view +summary" \
    "the survivor's access report includes the views of the retired record"
cc --user demo-coach client merge "$survivor" "$retired" --reason again --yes
expect 2 err 'client.merge needs admin' 'still administrators only'
cc --user demo-admin client merge "$survivor" "$retired" --reason again --yes
expect 3 err "client $retired was merged into client $survivor already" 'a merged record is not merged again'
cc --user demo-admin client merges
like "$OUT" "^$mid +[0-9T:-]+ +demo-admin +$survivor +$retired +[0-9]+ +merged +one person, two intakes" \
    'client merges lists it'

# ---- the undo ----------------------------------------------------------
cc --user demo-admin client unmerge "$mid"
expect 1 err 'needs --reason' 'an unmerge needs a reason'
cc --user demo-admin client unmerge "$mid" --reason 'twins, not one person'
expect 0 out "^merge $mid undone$" 'the merge is undone'
is "$(rows_of "$retired")" "$r_before" 'every row is back on the retired record'
is "$(rows_of "$survivor")" "$s_before" '... and the survivor has its own again'
cc --user demo-supervisor client show "$retired"
unlike "$OUT" 'merged into' 'the retired record is itself again'
cc --user demo-admin client unmerge "$mid" --reason again
expect 3 err 'undone already' 'an undo is done once'
cc --user demo-admin client merges
like "$OUT" "^$mid .* undone 2026-11-20 by demo-admin " 'the list says it was undone'

# ---- the audit ---------------------------------------------------------
cc --user demo-supervisor report access --client "$retired" --days 1
like "$OUT" "demo-admin \\([^)]*\\) +$retired +view +merge review" 'the review is a view of the retired record, in its access log'
cc --user demo-supervisor report access --client "$survivor" --days 1
unlike "$OUT" "demo-supervisor \\([^)]*\\) +$retired +view" "... and, undone, no longer in the survivor's"
cc --user demo-admin audit verify
expect 0 out 'intact' 'the audit chain is intact after merge and undo'

done_testing
