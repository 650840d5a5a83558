package web

import (
	"net/http"
	"sort"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/notify"
)

type devView struct {
	Page
	Messages []notify.Message
	TOTP     []devCode
}

type devCode struct{ Username, Code string }

// devOutbox shows the newest messages and the current TOTP codes of the demo
// staff, so a newcomer can log in without a phone. Dev mode only: in
// production the page does not exist.
func (s *Server) devOutbox(w http.ResponseWriter, r *http.Request) error {
	if !s.Dev {
		return yiwang.Errorf(yiwang.ENOTFOUND, "您访问的页面不存在")
	}
	msgs, err := s.Outbox.RecentMessages(r.Context(), 20)
	if err != nil {
		return err
	}
	v := &devView{Page: s.page(r, "开发模式：短信发件箱"), Messages: msgs}
	now := s.Clock.Now()
	for u, secret := range s.DemoSecrets {
		v.TOTP = append(v.TOTP, devCode{u, identity.CurrentTOTP(secret, now)})
	}
	sort.Slice(v.TOTP, func(i, j int) bool { return v.TOTP[i].Username < v.TOTP[j].Username })
	s.render(w, r, "dev_outbox", v)
	return nil
}
