package org

import "sort"

// Node is an org with its depth in the tree, for display.
type Node struct {
	Org
	Depth int
}

// Ordered returns orgs depth-first: each parent followed by its children,
// siblings by Sort then name.
func Ordered(all []Org) []Org {
	nodes := Walk(all)
	out := make([]Org, len(nodes))
	for i, n := range nodes {
		out[i] = n.Org
	}
	return out
}

// Walk returns the tree depth-first with depths. Orgs whose parent is missing
// are treated as roots so that nothing disappears from view.
func Walk(all []Org) []Node {
	ids := make(map[string]bool, len(all))
	for _, o := range all {
		ids[o.ID] = true
	}
	children := map[string][]Org{}
	for _, o := range all {
		p := o.ParentID
		if !ids[p] {
			p = ""
		}
		children[p] = append(children[p], o)
	}
	for _, cs := range children {
		sort.SliceStable(cs, func(i, j int) bool {
			if cs[i].Sort != cs[j].Sort {
				return cs[i].Sort < cs[j].Sort
			}
			return cs[i].Name < cs[j].Name
		})
	}
	out := make([]Node, 0, len(all))
	var visit func(id string, depth int)
	visit = func(id string, depth int) {
		for _, c := range children[id] {
			out = append(out, Node{Org: c, Depth: depth})
			visit(c.ID, depth+1)
		}
	}
	visit("", 0)
	return out
}

// Descendants returns the IDs of id and every org below it.
func Descendants(all []Org, id string) map[string]bool {
	children := map[string][]string{}
	for _, o := range all {
		children[o.ParentID] = append(children[o.ParentID], o.ID)
	}
	out := map[string]bool{id: true}
	stack := []string{id}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, c := range children[n] {
			if !out[c] {
				out[c] = true
				stack = append(stack, c)
			}
		}
	}
	return out
}
