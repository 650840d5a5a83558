package webhook

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/org"
)

// Orgs finds orgs, to check a subscription's org filter.
type Orgs interface {
	Get(ctx context.Context, id string) (org.Org, error)
}

// Service manages subscriptions. Only a system administrator may.
type Service struct {
	Store Store
	Orgs  Orgs
	Clock yiwang.Clock
}

// Input is a new subscription as an administrator asks for it.
type Input struct {
	URL    string
	Events []string
	OrgID  string // optional
}

// LogSize is how many deliveries the log shows.
const LogSize = 100

func mayManage(actor yiwang.Actor) error {
	if actor.Anonymous() {
		return yiwang.Errorf(yiwang.EUNAUTHORIZED, "请先登录")
	}
	if !actor.Has(yiwang.RoleSysAdmin) {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只有系统管理员可以管理事件推送")
	}
	return nil
}

// checkURL accepts absolute http and https URLs only: another scheme
// (file:, ftp:, gopher:, javascript:) has no business here. Credentials in
// the URL are refused because URLs are stored and shown in plain.
func checkURL(raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", "请填写推送地址"
	}
	if utf8.RuneCountInString(raw) > 2000 {
		return "", "推送地址不能超过2000个字符"
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return "", "推送地址只能是以 http:// 或 https:// 开头的完整网址"
	}
	if u.User != nil {
		return "", "推送地址中不能包含用户名或密码，请改用签名校验"
	}
	if u.Fragment != "" {
		return "", "推送地址不能包含 # 片段"
	}
	// What is kept is the URL escaped (a Chinese character is nine
	// characters then), and that too must keep to the limit.
	if out := u.String(); len(out) <= 2000 {
		return out, ""
	}
	return "", "推送地址不能超过2000个字符（中文等字符按转义后的长度计算）"
}

// Create registers a subscription and returns it with its secret, which is
// shown this once. Bad input is EINVALID with a message per field; a
// non-administrator gets EFORBIDDEN.
func (s *Service) Create(ctx context.Context, actor yiwang.Actor, in Input) (Subscription, error) {
	if err := mayManage(actor); err != nil {
		return Subscription{}, err
	}
	bad := map[string]string{}
	u, msg := checkURL(in.URL)
	if msg != "" {
		bad["url"] = msg
	}
	var events []string
	for _, k := range Kinds { // in display order, each once
		if slices.Contains(in.Events, k) {
			events = append(events, k)
		}
	}
	for _, k := range in.Events {
		if !slices.Contains(Kinds, k) {
			bad["events"] = "不支持的事件类型：" + k
		}
	}
	if len(events) == 0 && bad["events"] == "" {
		bad["events"] = "请至少选择一种事件"
	}
	orgID := strings.TrimSpace(in.OrgID)
	if orgID != "" {
		if _, err := s.Orgs.Get(ctx, orgID); err != nil {
			if yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				return Subscription{}, err
			}
			bad["org_id"] = "所选单位不存在"
		}
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Subscription{}, err
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key) // never fails (crypto/rand)
	now := s.Clock.Now()
	sub := Subscription{ID: yiwang.NewID(), URL: u, Secret: hex.EncodeToString(key), Events: events, OrgID: orgID,
		Enabled: true, CreatedBy: actor.AccountID, CreatedAt: now}
	e := audit.New(actor, now, "webhook.create", "webhook:"+sub.ID, audit.ResultOK, u+" "+strings.Join(events, ","))
	if err := s.Store.CreateSubscription(ctx, sub, e); err != nil {
		return Subscription{}, err
	}
	return sub, nil
}

// List returns every subscription, without secrets.
func (s *Service) List(ctx context.Context, actor yiwang.Actor) ([]Subscription, error) {
	if err := mayManage(actor); err != nil {
		return nil, err
	}
	return s.Store.Subscriptions(ctx)
}

// SetEnabled turns a subscription on or off. Deliveries of a disabled one
// wait; they go out if it is enabled again. ENOTFOUND for an unknown id.
func (s *Service) SetEnabled(ctx context.Context, actor yiwang.Actor, id string, enabled bool) error {
	if err := mayManage(actor); err != nil {
		return err
	}
	action := map[bool]string{true: "webhook.enable", false: "webhook.disable"}[enabled]
	return s.Store.SetSubscriptionEnabled(ctx, id, enabled,
		audit.New(actor, s.Clock.Now(), action, "webhook:"+id, audit.ResultOK, ""))
}

// Delete removes a subscription and its delivery log. ENOTFOUND for an unknown id.
func (s *Service) Delete(ctx context.Context, actor yiwang.Actor, id string) error {
	if err := mayManage(actor); err != nil {
		return err
	}
	return s.Store.DeleteSubscription(ctx, id, audit.New(actor, s.Clock.Now(), "webhook.delete", "webhook:"+id, audit.ResultOK, ""))
}

// Deliveries returns the newest LogSize deliveries, of one subscription or
// of all when subscriptionID is "".
func (s *Service) Deliveries(ctx context.Context, actor yiwang.Actor, subscriptionID string) ([]Delivery, error) {
	if err := mayManage(actor); err != nil {
		return nil, err
	}
	return s.Store.Deliveries(ctx, subscriptionID, LogSize)
}
