package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/identity"
)

// Session keys.
const (
	sessAccount        = "account_id"
	sessEnterprise     = "enterprise_id"
	sessEnterpriseName = "enterprise_name"
	sessPendingStaff   = "pending_staff" // passed the password, awaiting TOTP
	sessFlash          = "flash"
	sessNext           = "next"         // where to go after the TOTP step
	sessAMR            = "amr"          // how the person logged in ([]string: otp, pwd, totp, cert)
	sessAuthTime       = "auth_time"    // when they logged in (Unix milliseconds)
	sessSID            = "sid"          // the login's session ID, told to OIDC clients (random, not the cookie)
	sessOIDCClients    = "oidc_clients" // OIDC clients logged in to in this session ([]string), for single logout
	elderCookie        = "yiwang_elder"
)

type ctxKey int

const (
	actorKey   ctxKey = 1
	accountKey ctxKey = 2 // the actor's account as withActor read it
)

func actorFrom(r *http.Request) yiwang.Actor {
	a, _ := r.Context().Value(actorKey).(yiwang.Actor)
	return a
}

// account returns account id: the one withActor read for this request
// when it is the actor's, else read now. A handler that changes the
// account and shows it again reads it with s.Identity.Get.
func (s *Server) account(r *http.Request, id string) (identity.Account, error) {
	if a, ok := r.Context().Value(accountKey).(identity.Account); ok && a.ID == id {
		return a, nil
	}
	return s.Identity.Get(r.Context(), id)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// withActor works out who is asking: a bearer token for the API, else the
// session. A disabled account's session ends at its next request.
func (s *Server) withActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		actor := yiwang.Actor{IP: clientIP(r), Channel: "web"}
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") && isAPI(r) {
			a, err := s.Identity.AuthenticateToken(ctx, strings.TrimPrefix(auth, "Bearer "))
			if err != nil {
				writeJSONError(w, http.StatusUnauthorized, publicError(err))
				return
			}
			actor = a.Actor(actor.IP, "api")
			ctx = context.WithValue(ctx, accountKey, a)
		} else if id := s.Sessions.GetString(ctx, sessAccount); id != "" {
			a, err := s.sessionAccount(ctx, id)
			switch {
			case err == nil && a.Status == identity.StatusActive:
				actor = a.Actor(actor.IP, actor.Channel)
				ctx = context.WithValue(ctx, accountKey, a)
				if ent := s.Sessions.GetString(ctx, sessEnterprise); ent != "" {
					// Checked on every request: an agent whose authorisation
					// was withdrawn stops acting for the enterprise at once.
					ok, err := s.Identity.IsMember(ctx, a.ID, ent)
					if err != nil {
						s.renderError(w, r, err)
						return
					}
					if ok {
						actor.Kind, actor.EnterpriseID = yiwang.KindEnterprise, ent
					} else {
						s.Sessions.Remove(ctx, sessEnterprise)
						s.Sessions.Remove(ctx, sessEnterpriseName)
					}
				}
			case err == nil || yiwang.ErrorCode(err) == yiwang.ENOTFOUND:
				_ = s.Sessions.Destroy(ctx)
			default:
				s.renderError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, actorKey, actor)))
	})
}

// securityHeaders sets the headers every answer carries. The CSP allows no
// inline script and nothing from other hosts: the platform runs on intranets.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.Error("panic", "path", r.URL.Path, "value", v)
				http.Error(w, "系统内部错误", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// requireLogin returns EUNAUTHORIZED when nobody is logged in.
func requireLogin(r *http.Request) (yiwang.Actor, error) {
	a := actorFrom(r)
	if a.Anonymous() {
		return a, yiwang.Errorf(yiwang.EUNAUTHORIZED, "请先登录")
	}
	return a, nil
}

// requireRole returns the actor if they hold any of the roles.
func requireRole(r *http.Request, roles ...yiwang.Role) (yiwang.Actor, error) {
	a, err := requireLogin(r)
	if err != nil {
		return a, err
	}
	if !a.HasAny(roles...) {
		return a, yiwang.Errorf(yiwang.EFORBIDDEN, "您没有权限访问此页面")
	}
	return a, nil
}

// maxFormBody is the largest form a page accepts (the catalog editor's is the
// biggest, well under this).
const maxFormBody = 1 << 20

// uploadPath reports whether a page accepts files (each such handler sets
// its own size limit).
func uploadPath(p string) bool {
	return p == "/admin/catalog/import" || p == "/admin/holidays" || p == "/enterprise/certs" || p == "/window/file" || strings.HasPrefix(p, "/apply/") || strings.HasPrefix(p, "/bundles/") ||
		strings.HasPrefix(p, "/work/simulate/") ||
		(strings.HasPrefix(p, "/cases/") && strings.HasSuffix(p, "/resubmit")) ||
		(strings.HasPrefix(p, "/admin/catalog/") && strings.HasSuffix(p, "/files")) ||
		(strings.HasPrefix(p, "/work/") && (strings.HasSuffix(p, "/decide") || strings.Contains(p, "/tasks/")))
}

// limitForms caps form bodies and parses them once, so that an oversized or
// malformed form gets a clear answer instead of empty fields. Multipart
// bodies are refused until a page needs uploads.
func limitForms(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanValues(r.URL.Query()) {
			writeFormError(w, r, http.StatusBadRequest, "网址中含有无法识别的字符，请从本网站页面重新打开")
			return
		}
		if r.Method == http.MethodPost && !isAPI(r) {
			ct := r.Header.Get("Content-Type")
			if strings.HasPrefix(ct, "multipart/") && uploadPath(r.URL.Path) {
				next.ServeHTTP(w, r) // the handler sets its own limit
				return
			}
			if strings.HasPrefix(ct, "multipart/") {
				writeFormError(w, r, http.StatusUnsupportedMediaType, "此页面不接受文件上传")
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
			if err := r.ParseForm(); err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					writeFormError(w, r, http.StatusRequestEntityTooLarge, "提交的内容过大，请缩短后重试")
				} else {
					writeFormError(w, r, http.StatusBadRequest, "提交的表单格式不正确，请从本网站页面重新提交")
				}
				return
			}
			if !cleanValues(r.PostForm) {
				writeFormError(w, r, http.StatusBadRequest, "提交的内容含有无法识别的字符，请重新输入后提交")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// cleanValues reports whether every name and value is valid UTF-8 without
// NUL: what the databases can store and the pages can show. Anything else
// is refused at the door rather than failing deep inside.
func cleanValues(vs url.Values) bool {
	for k, list := range vs {
		if !cleanText(k) {
			return false
		}
		for _, v := range list {
			if !cleanText(v) {
				return false
			}
		}
	}
	return true
}

func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// writeFormError answers a refused form before the session is loaded, with
// a small self-contained page.
func writeFormError(w http.ResponseWriter, r *http.Request, code int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprintf(w, `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>无法完成操作 - 雨山区政务服务网</title>`+
		`<link rel="stylesheet" href="`+assetURL("style.css")+`"></head><body><main id="main" class="wrap"><div class="panel narrow">`+
		`<h1>无法完成操作</h1><p class="lead">%s</p><p><a class="button" href="/">返回首页</a></p></div></main></body></html>`,
		template.HTMLEscapeString(msg))
}
