package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/notify"
)

type messagesView struct {
	Page
	Box     notify.BoxPage
	PrevURL string
	NextURL string
}

// pageParam reads the "page" query parameter (from 1; absent means 1).
func pageParam(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get("page"))
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, yiwang.Invalid(map[string]string{"page": "页码应为正整数"})
	}
	return n, nil
}

// messagesPage lists the signed-in person's messages, newest first, 20 a page.
func (s *Server) messagesPage(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	bp, err := s.Box.List(r.Context(), actor, n)
	if err != nil {
		return err
	}
	v := &messagesView{Page: s.page(r, "我的消息"), Box: bp}
	if bp.Page > 1 {
		v.PrevURL = fmt.Sprintf("/messages?page=%d", bp.Page-1)
	}
	if bp.Page < bp.Pages {
		v.NextURL = fmt.Sprintf("/messages?page=%d", bp.Page+1)
	}
	s.render(w, r, "messages", v)
	return nil
}

// localLink reports whether a message's link is a path on this site, so
// that opening a message can never send anyone elsewhere.
func localLink(l string) bool {
	return strings.HasPrefix(l, "/") && !strings.HasPrefix(l, "//") && !strings.Contains(l, `\`)
}

// messageRead opens a message: marks it read and goes to the page it is about.
func (s *Server) messageRead(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	m, err := s.Box.Read(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	to := "/messages"
	if localLink(m.Link) {
		to = m.Link
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func (s *Server) messagesReadAll(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	n, err := s.Box.ReadAll(r.Context(), actor)
	if err != nil {
		return err
	}
	s.Sessions.Put(r.Context(), sessFlash, fmt.Sprintf("已将 %d 条消息标为已读", n))
	http.Redirect(w, r, "/messages", http.StatusSeeOther)
	return nil
}

// apiMessage is a message as the API shows it.
type apiMessage struct {
	ID        string `json:"id"`
	Body      string `json:"body"`
	Link      string `json:"link,omitempty"`
	CreatedAt string `json:"created_at"`
	Read      bool   `json:"read"`
	ReadAt    string `json:"read_at,omitempty"`
}

func toAPIMessage(m notify.SiteMessage) apiMessage {
	out := apiMessage{ID: m.ID, Body: m.Body, Link: m.Link, CreatedAt: m.CreatedAt.UTC().Format(apiTime), Read: !m.Unread()}
	if !m.Unread() {
		out.ReadAt = m.ReadAt.UTC().Format(apiTime)
	}
	return out
}

// apiTime is how the API writes times: RFC 3339 in UTC.
const apiTime = "2006-01-02T15:04:05Z07:00"

func (s *Server) apiMessages(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	bp, err := s.Box.List(r.Context(), actor, n)
	if err != nil {
		return err
	}
	unread, err := s.Box.Unread(r.Context(), actor)
	if err != nil {
		return err
	}
	out := make([]apiMessage, 0, len(bp.Messages))
	for _, m := range bp.Messages {
		out = append(out, toAPIMessage(m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": out, "page": bp.Page, "pages": bp.Pages,
		"total": bp.Total, "unread": unread})
	return nil
}

func (s *Server) apiMessageRead(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	m, err := s.Box.Read(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIMessage(m))
	return nil
}
