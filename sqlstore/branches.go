package sqlstore

import "strings"

// Several lists show the first rows of a set of owners (the orgs of a
// township, the subscriptions of webhooks) in an order an index gives for
// one owner at a time. Their statements read each owner's rows in a branch
// of their own, in the index's order up to the end of the page, and the
// database merges the branches (docs/decisions.md, 2026-11-27).

// maxBranches bounds the branches of one statement: SQLite refuses a
// compound SELECT of more than 500 terms, and a list may add terms of its
// own. Past it, owners share branches, which then sort their rows.
const maxBranches = 250

// ownerBranches appends owners to args and returns their placeholders in
// at most maxBranches groups, one owner a group while they fit ("$3",
// "$4", …; "$3,$4", … past maxBranches), for `owner_id IN (group)`.
func ownerBranches(args *[]any, owners []string) []string {
	per := (len(owners) + maxBranches - 1) / maxBranches
	var groups []string
	for start := 0; start < len(owners); start += per {
		groups = append(groups, placeholders(args, owners[start:min(start+per, len(owners))]))
	}
	return groups
}

// allOf is every placeholder of groups, as one IN list.
func allOf(groups []string) string { return strings.Join(groups, ",") }
