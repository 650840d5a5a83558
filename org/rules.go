package org

import (
	"strings"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/idcode"
)

// parentKinds says under which kinds each kind may sit.
var parentKinds = map[Kind][]Kind{
	KindDistrict:   nil,
	KindTown:       {KindDistrict},
	KindTownship:   {KindDistrict},
	KindStreet:     {KindDistrict},
	KindDevZone:    {KindDistrict},
	KindVillage:    {KindTown, KindTownship, KindStreet, KindDevZone},
	KindCommunity:  {KindTown, KindTownship, KindStreet, KindDevZone},
	KindDepartment: {KindDistrict, KindTown, KindTownship, KindStreet, KindDevZone},
	KindCenter:     {KindDistrict, KindTown, KindTownship, KindStreet, KindDevZone},
	KindWindow:     {KindCenter},
	KindAgentPoint: {KindVillage, KindCommunity},
}

// LevelUnder returns the level of an org of kind k placed under parent.
func LevelUnder(k Kind, parent *Org) Level {
	switch {
	case k == KindDistrict:
		return LevelCounty
	case k == KindVillage || k == KindCommunity:
		return LevelVillage
	case parent == nil:
		return LevelCounty
	case k.Region():
		return parent.Level + 1
	}
	return parent.Level
}

// Validate checks o against its parent (nil for a root) and returns an
// EINVALID error naming every bad field.
func Validate(o *Org, parent *Org) error {
	bad := map[string]string{}
	o.Name = strings.TrimSpace(o.Name)
	switch n := utf8.RuneCountInString(o.Name); {
	case n == 0:
		bad["name"] = "请填写名称"
	case n > 64:
		bad["name"] = "名称不能超过64个字"
	}
	allowed, known := parentKinds[o.Kind]
	switch {
	case !known:
		bad["kind"] = "请选择正确的类型"
	case parent == nil && len(allowed) > 0:
		bad["parent_id"] = "请选择上级单位"
	case parent != nil && len(allowed) == 0:
		bad["parent_id"] = "区级行政区不能有上级单位"
	case parent != nil && !contains(allowed, parent.Kind):
		bad["parent_id"] = "“" + o.Kind.Name() + "”不能设在“" + parent.Kind.Name() + "”之下"
	}
	// A body inside an area inherits the area's code unless it names one;
	// a code it names is checked like an area's.
	if !o.Kind.Region() && parent != nil && o.RegionCode == "" {
		o.RegionCode = parent.RegionCode
	}
	if o.Kind.Region() || o.RegionCode != "" {
		if err := idcode.RegionCode(o.RegionCode); err != nil {
			bad["region_code"] = err.Error()
		}
	}
	o.CreditCode = idcode.NormalizeCreditCode(o.CreditCode)
	if o.CreditCode != "" || o.Kind == KindDepartment {
		if err := idcode.CreditCode(o.CreditCode); err != nil {
			bad["credit_code"] = err.Error()
		}
	}
	if utf8.RuneCountInString(o.Address) > 200 {
		bad["address"] = "地址不能超过200个字"
	}
	if utf8.RuneCountInString(o.Phone) > 40 {
		bad["phone"] = "电话不能超过40个字符"
	}
	if utf8.RuneCountInString(o.Hours) > 200 {
		bad["hours"] = "办公时间不能超过200个字"
	}
	if len(bad) == 0 && known {
		o.Level = LevelUnder(o.Kind, parent)
	}
	return yiwang.Invalid(bad)
}

func contains(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
