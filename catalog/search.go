package catalog

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The published catalog is small (thousands of entries, a few hundred bytes
// each to search), so every instance keeps a search index in memory and
// rebuilds it when the catalog generation in the database moves: publishing
// or retiring on any instance is visible on all of them at the next request.
// Substring matching in Go serves one- and two-character queries (社保, 低保)
// exactly like longer ones, on every database engine.

// Summary is what the index holds of a published entry.
type Summary struct {
	ID, Code, Name, OrgID, OrgName, Type string
	Aliases, Themes, Objects             []string
	Level, Kind, Visits, Version         int
	LegalDays, PromiseDays               int
	Depth                                []int
	Online, FullyOnline                  bool
	text, name, aliases, org             string // lower-cased search fields
}

// index holds the summaries and, for speed, which entries contain each
// character and each pair of adjacent characters: a query term's candidates
// are the entries holding all its pairs, and only those are scanned. (A plain
// scan of 10,000 entries per term costs milliseconds: the first byte of a
// Chinese character is common, so substring search finds many false starts.)
type index struct {
	gen     int64
	entries []Summary
	uni     map[rune][]int32
	bi      map[[2]rune][]int32
	byID    map[string]int
}

func (idx *index) build() {
	idx.uni, idx.bi, idx.byID = map[rune][]int32{}, map[[2]rune][]int32{}, map[string]int{}
	for i := range idx.entries {
		idx.byID[idx.entries[i].ID] = i
		n := int32(i)
		var prev rune = -1
		for _, r := range idx.entries[i].text {
			if l := idx.uni[r]; len(l) == 0 || l[len(l)-1] != n {
				idx.uni[r] = append(l, n)
			}
			if prev >= 0 {
				k := [2]rune{prev, r}
				if l := idx.bi[k]; len(l) == 0 || l[len(l)-1] != n {
					idx.bi[k] = append(l, n)
				}
			}
			prev = r
		}
	}
}

// candidates returns the entries that may contain term (all of them contain
// its characters and character pairs), in entry order.
func (idx *index) candidates(term string) []int32 {
	rs := []rune(term)
	var lists [][]int32
	if len(rs) == 1 {
		lists = append(lists, idx.uni[rs[0]])
	}
	for i := 1; i < len(rs); i++ {
		lists = append(lists, idx.bi[[2]rune{rs[i-1], rs[i]}])
	}
	sort.Slice(lists, func(i, j int) bool { return len(lists[i]) < len(lists[j]) })
	out := lists[0]
	for _, l := range lists[1:] {
		out = intersect(out, l)
	}
	return out
}

func intersect(a, b []int32) []int32 {
	var out []int32
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// SearchText is the text an entry is found by: name, aliases, the
// implementing org, materials, themes, type and result, lower-cased.
func SearchText(en Entry) string {
	parts := []string{en.Base.Name, strings.Join(en.Base.Aliases, " "), en.OrgName, Name(ItemTypes, en.Base.Type),
		en.Guide.ResultName}
	for _, t := range en.Base.Themes {
		if th, ok := ThemeByCode(t); ok {
			parts = append(parts, th.Name)
		}
	}
	for _, m := range en.Guide.Materials {
		parts = append(parts, m.Name)
	}
	return strings.ToLower(strings.Join(parts, " "))
}

func summarize(en Entry) Summary {
	return Summary{ID: en.ID, Code: en.Code, Name: en.Base.Name, OrgID: en.OrgID, OrgName: en.OrgName, Type: en.Base.Type,
		Aliases: en.Base.Aliases, Themes: en.Base.Themes, Objects: en.Base.Objects, Level: en.Level, Kind: en.Kind,
		Visits: en.Visits, Version: en.Version, LegalDays: en.LegalDays, PromiseDays: en.PromiseDays, Depth: en.Depth,
		Online: en.Online(), FullyOnline: en.FullyOnline(), text: SearchText(en),
		name: strings.ToLower(en.Base.Name), aliases: strings.ToLower(strings.Join(en.Base.Aliases, " ")),
		org: strings.ToLower(en.OrgName)}
}

// published returns the current index, rebuilding it when stale.
func (s *Service) published(ctx context.Context) (*index, error) {
	gen, err := s.Store.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("catalog generation: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index != nil && s.index.gen == gen {
		return s.index, nil
	}
	list, err := s.Store.ListEntries(ctx, Filter{Statuses: []string{StatusPublished}})
	if err != nil {
		return nil, fmt.Errorf("load published catalog: %w", err)
	}
	orgs, err := s.Orgs.Tree(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	idx := &index{gen: gen, entries: make([]Summary, 0, len(list))}
	for _, en := range list {
		en.OrgName = names[en.OrgID]
		idx.entries = append(idx.entries, summarize(en))
	}
	sort.Slice(idx.entries, func(i, j int) bool {
		if idx.entries[i].Level != idx.entries[j].Level {
			return idx.entries[i].Level < idx.entries[j].Level
		}
		return idx.entries[i].Code < idx.entries[j].Code
	})
	idx.build()
	s.index = idx
	return idx, nil
}

// Generation returns the catalog generation: it moves whenever the
// published catalog changes.
func (s *Service) Generation(ctx context.Context) (int64, error) {
	return s.Store.Generation(ctx)
}

// AllPublished returns every published entry in catalog order (level,
// then code), and the catalog generation they are of.
func (s *Service) AllPublished(ctx context.Context) ([]Summary, int64, error) {
	idx, err := s.published(ctx)
	if err != nil {
		return nil, 0, err
	}
	return slices.Clone(idx.entries), idx.gen, nil
}

// Query is a catalog search. Empty fields select everything.
type Query struct {
	Q      string
	OrgID  string
	Level  int
	Type   string
	Theme  string
	Depth  int    // entries whose online depth includes this code
	Object string // "person" (自然人) or "legal" (法人)
	Page   int    // from 1
	Size   int    // default 20, at most 100
}

// Facet is one value of a facet with its count in the results.
type Facet struct {
	Value string `json:"value"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Results is one page of search results with facets over all matches.
type Results struct {
	Items                               []Summary
	Total, Page, Pages                  int
	Orgs, Levels, Types, Themes, Depths []Facet
}

// MaxQueryLen is the longest query accepted, in characters.
const MaxQueryLen = 50

// Search finds published entries. Every whitespace-separated term must
// appear; entries whose name holds the terms rank first, then aliases, then
// the implementing org, then materials and themes. Query text is plain text:
// no character is special.
func (s *Service) Search(ctx context.Context, q Query) (Results, error) {
	if utf8.RuneCountInString(q.Q) > MaxQueryLen {
		q.Q = string([]rune(q.Q)[:MaxQueryLen])
	}
	idx, err := s.published(ctx)
	if err != nil {
		return Results{}, err
	}
	terms := strings.Fields(strings.ToLower(q.Q))
	type scored struct {
		s     *Summary
		score int
	}
	var hits []scored
	var cand []int32 // nil: every entry
	for i, t := range terms {
		c := idx.candidates(t)
		if i == 0 {
			cand = c
		} else {
			cand = intersect(cand, c)
		}
	}
	visit := func(e *Summary) {
		score := 0
		for _, t := range terms {
			switch {
			case !strings.Contains(e.text, t):
				return
			case strings.Contains(e.name, t):
				score += 100
				if strings.HasPrefix(e.name, t) {
					score += 20
				}
			case strings.Contains(e.aliases, t):
				score += 60
			case strings.Contains(e.org, t):
				score += 30
			default:
				score += 10
			}
		}
		hits = append(hits, scored{e, score})
	}
	if len(terms) == 0 {
		for i := range idx.entries {
			visit(&idx.entries[i])
		}
	} else {
		for _, i := range cand {
			visit(&idx.entries[i])
		}
	}
	var res Results
	// Values are counted per match; each is named once, in list.
	orgNames := map[string]string{}
	orgs := counter{name: func(v string) string { return orgNames[v] }}
	levels := counter{name: func(v string) string { return Name(Levels, v) }}
	types := counter{name: func(v string) string { return Name(ItemTypes, v) }}
	themes := counter{name: func(v string) string { th, _ := ThemeByCode(v); return th.Name }}
	depths := counter{name: func(v string) string { return Name(Depths, v) }}
	var kept []scored
	for _, h := range hits {
		e := h.s
		// Each facet counts the matches that pass every other filter, so a
		// count is what choosing that value gives.
		org := q.OrgID == "" || e.OrgID == q.OrgID
		level := q.Level == 0 || e.Level == q.Level
		typ := q.Type == "" || e.Type == q.Type
		theme := q.Theme == "" || contains(e.Themes, q.Theme)
		depth := q.Depth == 0 || hasInt(e.Depth, q.Depth)
		object := q.Object == "" || (q.Object == "person" && contains(e.Objects, "1")) ||
			(q.Object == "legal" && containsAny(e.Objects, "2", "3", "4", "6"))
		if level && typ && theme && depth && object {
			if orgs.add(e.OrgID) {
				orgNames[e.OrgID] = e.OrgName
			}
		}
		if org && typ && theme && depth && object {
			levels.add(strconv.Itoa(e.Level))
		}
		if org && level && theme && depth && object {
			types.add(e.Type)
		}
		if org && level && typ && depth && object {
			for _, t := range e.Themes {
				themes.add(t)
			}
		}
		if org && level && typ && theme && object {
			for _, d := range e.Depth {
				depths.add(strconv.Itoa(d))
			}
		}
		if org && level && typ && theme && depth && object {
			kept = append(kept, h)
		}
	}
	slices.SortStableFunc(kept, func(a, b scored) int {
		if a.score != b.score {
			return b.score - a.score
		}
		return len(a.s.Name) - len(b.s.Name)
	})
	res.Orgs, res.Levels, res.Types, res.Themes, res.Depths = orgs.list(), levels.list(), types.list(), themes.list(), depths.list()
	size := q.Size
	if size <= 0 {
		size = 20
	}
	size = min(size, 100)
	res.Total = len(kept)
	res.Pages = max(1, (res.Total+size-1)/size)
	res.Page = min(max(q.Page, 1), res.Pages)
	for _, h := range kept[min((res.Page-1)*size, len(kept)):min(res.Page*size, len(kept))] {
		res.Items = append(res.Items, *h.s)
	}
	return res, nil
}

// counter counts a facet's values in the order first seen, and names
// each value once, when listed.
type counter struct {
	order []string
	n     map[string]*int
	name  func(value string) string
}

// add counts v and reports whether it is the first of its value.
func (c *counter) add(v string) bool {
	if p := c.n[v]; p != nil {
		*p++
		return false
	}
	if c.n == nil {
		c.n = map[string]*int{}
	}
	one := 1
	c.n[v] = &one
	c.order = append(c.order, v)
	return true
}

func (c *counter) list() []Facet {
	out := make([]Facet, 0, len(c.order))
	for _, v := range c.order {
		out = append(out, Facet{Value: v, Name: c.name(v), Count: *c.n[v]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func containsAny(xs []string, ys ...string) bool {
	for _, y := range ys {
		if contains(xs, y) {
			return true
		}
	}
	return false
}

// Summary returns the summary of a published version by ID, from the
// in-memory index; ok is false for versions that are not published now.
func (s *Service) Summary(ctx context.Context, id string) (Summary, bool, error) {
	idx, err := s.published(ctx)
	if err != nil {
		return Summary{}, false, err
	}
	i, ok := idx.byID[id]
	if !ok {
		return Summary{}, false, nil
	}
	return idx.entries[i], true, nil
}
