package org

import (
	"context"
	"fmt"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
)

// Service manages the organisation tree.
type Service struct {
	Store Store
	Clock yiwang.Clock
}

// Tree returns every org, parents before children, siblings by sort order.
func (s *Service) Tree(ctx context.Context) ([]Org, error) {
	all, err := s.Store.ListOrgs(ctx)
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	return Ordered(all), nil
}

// Subtree returns the IDs of org id and of every org below it. It reads
// only the links between orgs, for the checks made on every request.
func (s *Service) Subtree(ctx context.Context, id string) (map[string]bool, error) {
	links, err := s.Store.OrgLinks(ctx)
	if err != nil {
		return nil, fmt.Errorf("org links: %w", err)
	}
	return Descendants(links, id), nil
}

// Get returns one org or ENOTFOUND.
func (s *Service) Get(ctx context.Context, id string) (Org, error) {
	return s.Store.Org(ctx, id)
}

func mayEdit(actor yiwang.Actor) error {
	if !actor.Has(yiwang.RoleSysAdmin) {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只有系统管理员可以维护组织机构")
	}
	return nil
}

// Create adds an org under o.ParentID. Only a system admin may. Returns
// EINVALID, EFORBIDDEN, ENOTFOUND (parent) or ECONFLICT (credit code taken).
func (s *Service) Create(ctx context.Context, actor yiwang.Actor, o Org) (Org, error) {
	if err := mayEdit(actor); err != nil {
		return Org{}, err
	}
	parent, err := s.parent(ctx, o.ParentID)
	if err != nil {
		return Org{}, err
	}
	if err := Validate(&o, parent); err != nil {
		return Org{}, err
	}
	now := s.Clock.Now()
	o.ID, o.Version, o.CreatedAt, o.UpdatedAt = yiwang.NewID(), 1, now, now
	e := audit.New(actor, now, "org.create", "org:"+o.ID, audit.ResultOK, o.Kind.Name()+" "+o.Name)
	if err := s.Store.CreateOrg(ctx, o, e); err != nil {
		return Org{}, fmt.Errorf("create org %s: %w", o.Name, err)
	}
	return o, nil
}

// Update changes an org's editable fields (name, codes, address, phone, hours,
// sort, disabled). o.Version must be the version the editor saw, else ECONFLICT.
// The kind and place in the tree do not change.
func (s *Service) Update(ctx context.Context, actor yiwang.Actor, o Org) (Org, error) {
	if err := mayEdit(actor); err != nil {
		return Org{}, err
	}
	old, err := s.Store.Org(ctx, o.ID)
	if err != nil {
		return Org{}, err
	}
	if o.Version != old.Version {
		return Org{}, yiwang.Errorf(yiwang.ECONFLICT, "该单位已被他人修改，请刷新后重试")
	}
	parent, err := s.parent(ctx, old.ParentID)
	if err != nil {
		return Org{}, err
	}
	o.Kind, o.ParentID, o.Demo, o.CreatedAt = old.Kind, old.ParentID, old.Demo, old.CreatedAt
	if err := Validate(&o, parent); err != nil {
		return Org{}, err
	}
	o.Version = old.Version + 1
	o.UpdatedAt = s.Clock.Now()
	e := audit.New(actor, o.UpdatedAt, "org.update", "org:"+o.ID, audit.ResultOK, o.Name)
	if err := s.Store.UpdateOrg(ctx, o, e); err != nil {
		return Org{}, fmt.Errorf("update org %s: %w", o.ID, err)
	}
	return o, nil
}

func (s *Service) parent(ctx context.Context, id string) (*Org, error) {
	if id == "" {
		return nil, nil
	}
	p, err := s.Store.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	return &p, nil
}
