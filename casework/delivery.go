package casework

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/catalog"
)

// Ways a result reaches the applicant (送达方式). Stored: never change a value.
const (
	DeliverWindow = "window" // 窗口领取
	DeliverMail   = "mail"   // 邮寄送达
	DeliverOnline = "online" // 电子送达: the result is in the applicant's account
)

// DeliveryName returns a way of delivery in words.
func DeliveryName(m string) string {
	return map[string]string{DeliverWindow: "窗口领取", DeliverMail: "邮寄送达", DeliverOnline: "电子送达"}[m]
}

// DeliveryDays is the limit for handing over the result: 行政许可法 Art. 44
// says within ten days of the decision, and Art. 82 counts them as working days.
const DeliveryDays = 10

// Delivery records how the result of a decided case was handed over.
type Delivery struct {
	Method   string    `json:"method"`
	Address  string    `json:"address,omitempty"` // mail only; personal data, encrypted at rest
	Carrier  string    `json:"carrier,omitempty"`
	Tracking string    `json:"tracking,omitempty"`
	At       time.Time `json:"at"`
}

var trackingNo = regexp.MustCompile(`^[A-Za-z0-9-]{6,32}$`)

// deliveryDue is the last working day to hand over the result.
func (s *Service) deliveryDue(c Case) string {
	return s.Calendar.AddWorkdays(calendar.DateOf(c.DecidedAt), DeliveryDays).String()
}

// Deliver records that the result of a decided case reached the applicant —
// collected at a window, mailed (address, carrier, tracking number) or put
// in their account — and archives the case.
func (s *Service) Deliver(ctx context.Context, actor yiwang.Actor, id string, d Delivery) (Case, error) {
	if !actor.HasAny(yiwang.RoleCaseOfficer, yiwang.RoleWindowClerk) {
		return Case{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有承办人或窗口人员可以登记送达")
	}
	c, _, err := s.load(ctx, actor, id, StateDecided)
	if err != nil {
		return Case{}, err
	}
	if !c.AtStage(catalog.StepDeliver) {
		return Case{}, yiwang.Errorf(yiwang.ECONFLICT, "请先完成“制证”环节，再登记送达")
	}
	d.Address, d.Carrier, d.Tracking = strings.TrimSpace(d.Address), strings.TrimSpace(d.Carrier), strings.TrimSpace(d.Tracking)
	bad := map[string]string{}
	switch d.Method {
	case DeliverWindow, DeliverOnline:
		d.Address, d.Carrier, d.Tracking = "", "", ""
	case DeliverMail:
		if n := utf8.RuneCountInString(d.Address); n < 6 || n > 200 {
			bad["address"] = "请填写收件地址（6至200字）"
		}
		if n := utf8.RuneCountInString(d.Carrier); n < 2 || n > 30 {
			bad["carrier"] = "请填写寄递单位，例如：中国邮政EMS"
		}
		if !trackingNo.MatchString(d.Tracking) {
			bad["tracking"] = "请填写运单号（6至32位字母或数字）"
		}
	default:
		bad["method"] = "请选择送达方式"
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Case{}, err
	}
	d.At = s.Clock.Now()
	c.Delivery = &d
	finish(&c, catalog.StepDeliver, actor, "", DeliveryName(d.Method), d.At)
	note := "办理结果已送达（" + DeliveryName(d.Method) + "）"
	if d.Method == DeliverMail { // the address stays out of the timeline, which the public tracker shows
		note = "办理结果已邮寄送达（" + d.Carrier + "，运单号 " + d.Tracking + "）"
	}
	return s.move(ctx, actor, c, "deliver", StateDelivered, note+"，办件已归档")
}
