// Package org models who delivers services: the three levels of government
// (区 → 乡镇/街道 → 村/社区) with their GB/T 2260 region codes, departments,
// the district service centre and its windows, township/street 为民服务中心
// and village/community 代办点.
package org

import (
	"context"
	"time"

	"github.com/yushan-gov/yiwang/audit"
)

// Kind says what an org is. Stored in the database: never change a value.
type Kind string

// Kinds of org.
const (
	KindDistrict   Kind = "district"    // 区
	KindTown       Kind = "town"        // 镇
	KindTownship   Kind = "township"    // 乡
	KindStreet     Kind = "street"      // 街道
	KindDevZone    Kind = "devzone"     // 经济开发区 (managed like a township)
	KindVillage    Kind = "village"     // 村
	KindCommunity  Kind = "community"   // 社区
	KindDepartment Kind = "department"  // 部门
	KindCenter     Kind = "center"      // 政务服务中心 / 为民服务中心
	KindWindow     Kind = "window"      // 窗口
	KindAgentPoint Kind = "agent_point" // 代办点
)

var kindNames = map[Kind]string{
	KindDistrict: "区", KindTown: "镇", KindTownship: "乡", KindStreet: "街道",
	KindDevZone: "开发区", KindVillage: "村", KindCommunity: "社区", KindDepartment: "部门",
	KindCenter: "服务中心", KindWindow: "窗口", KindAgentPoint: "代办点",
}

// Kinds lists every kind in display order.
var Kinds = []Kind{KindDistrict, KindTown, KindTownship, KindStreet, KindDevZone, KindVillage,
	KindCommunity, KindDepartment, KindCenter, KindWindow, KindAgentPoint}

// Name returns the kind's Chinese name.
func (k Kind) Name() string { return kindNames[k] }

// Region reports whether k is an administrative area (as opposed to a body
// inside one).
func (k Kind) Region() bool {
	switch k {
	case KindDistrict, KindTown, KindTownship, KindStreet, KindDevZone, KindVillage, KindCommunity:
		return true
	}
	return false
}

// Level is the 行使层级 of GB/T 39046 A.2. Stored: never renumber.
type Level int

// Levels the platform serves.
const (
	LevelCounty   Level = 4 // 县级
	LevelTownship Level = 5 // 镇(乡、街道)级
	LevelVillage  Level = 6 // 村(社区)级
)

// Name returns the level's Chinese name.
func (l Level) Name() string {
	switch l {
	case LevelCounty:
		return "区县级"
	case LevelTownship:
		return "乡镇（街道）级"
	case LevelVillage:
		return "村（社区）级"
	}
	return "未知层级"
}

// Org is one node of the organisation tree.
type Org struct {
	ID         string
	ParentID   string // "" for the district itself
	Kind       Kind
	Level      Level
	Name       string
	RegionCode string // GB/T 2260 or statistical division code of the area it belongs to
	CreditCode string // 统一社会信用代码; required for departments
	Demo       bool   // demo data: codes are made up (valid check characters, not real)
	Address    string
	Phone      string
	Hours      string
	Sort       int
	Disabled   bool
	Version    int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Store is what org needs from storage.
type Store interface {
	ListOrgs(ctx context.Context) ([]Org, error)
	// OrgLinks lists every org with only its ID and ParentID set. It may
	// be a list read a moment ago and shared: never change it.
	OrgLinks(ctx context.Context) ([]Org, error)
	Org(ctx context.Context, id string) (Org, error)
	// CreateOrg stores a new org and its audit entry in one transaction.
	CreateOrg(ctx context.Context, o Org, e audit.Entry) error
	// UpdateOrg stores o if the stored version is o.Version-1, else ECONFLICT.
	UpdateOrg(ctx context.Context, o Org, e audit.Entry) error
}
