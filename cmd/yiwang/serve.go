package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/identity/oidc"
	"github.com/yushan-gov/yiwang/kpi"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/web"
	"github.com/yushan-gov/yiwang/webhook"
)

type serveConfig struct {
	config
	Addr string
	Prod bool
	// loginBurst overrides the per-IP login rate limit (tests log in often).
	loginBurst int
	// noScan keeps the supervision scan from running (the benchmark times
	// it on its own).
	noScan bool
	// noHistory leaves out the demo's past months of decided cases
	// (demo.LoadHistory): tests that count the demo's few cases and
	// reviews exactly start without them.
	noHistory bool
	// sso configures the OpenID provider: the issuer from --issuer, the
	// token lifetimes from tests (zero: the defaults).
	sso oidc.Config
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg serveConfig
	fs := newFlags("serve", "serve [--addr 127.0.0.1:8080] [--data DIR] [--db URL] [--prod]", stderr, &cfg.config)
	fs.StringVar(&cfg.Addr, "addr", envOr("YIWANG_ADDR", "127.0.0.1:8080"), "监听地址 (YIWANG_ADDR)")
	fs.BoolVar(&cfg.Prod, "prod", os.Getenv("YIWANG_PROD") == "1", "生产模式：不显示验证码、不自动载入演示数据、JSON 日志、Cookie 仅限 HTTPS；须配置短信网关 YIWANG_SMS_URL (YIWANG_PROD=1)")
	fs.StringVar(&cfg.sso.Issuer, "issuer", envOr("YIWANG_ISSUER", ""), "本站对外网址，统一身份认证（OIDC）的 issuer，如 https://zwfw.yushan.gov.cn；开发模式默认 http://监听地址；生产模式不设则不开启 (YIWANG_ISSUER)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if !cfg.Prod && !loopback(cfg.Addr) {
		return exitError{2, "开发模式会在 /dev/outbox 显示所有短信验证码，只能监听本机地址（如 127.0.0.1:8080）。对外提供服务请加 --prod。"}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("监听 %s: %w", cfg.Addr, err)
	}
	return serve(ctx, cfg, ln, stdout)
}

// serve runs the platform on ln until ctx ends.
func serve(ctx context.Context, cfg serveConfig, ln net.Listener, stdout io.Writer) error {
	tuneGC()
	var log *slog.Logger
	var sender notify.Sender
	if cfg.Prod {
		log = slog.New(slog.NewJSONHandler(stdout, nil))
		url := os.Getenv("YIWANG_SMS_URL")
		if url == "" {
			ln.Close()
			return errors.New("生产模式须配置短信网关：设置 YIWANG_SMS_URL（及可选的 YIWANG_SMS_TOKEN）")
		}
		sender = notify.HTTPSender{URL: url, Token: os.Getenv("YIWANG_SMS_TOKEN")}
	} else {
		log = slog.New(slog.NewTextHandler(stdout, nil))
		sender = notify.LogSender{Log: log}
	}
	// zitadel/oidc logs only through the default logger.
	slog.SetDefault(log)
	a, err := open(ctx, cfg.config, log, true, true)
	if err != nil {
		ln.Close()
		return err
	}
	defer a.Close()

	sv := newSupervision(a)
	orgs, err := a.orgs.Tree(ctx)
	if err != nil {
		ln.Close()
		return err
	}
	if len(orgs) == 0 && !cfg.Prod {
		res, err := demo.Load(ctx, a.db, a.clock)
		if err != nil {
			ln.Close()
			return fmt.Errorf("载入演示数据: %w", err)
		}
		n, err := demo.LoadCases(ctx, a.db, a.cases, a.files)
		if err != nil {
			ln.Close()
			return fmt.Errorf("载入演示办件: %w", err)
		}
		if _, err := demo.LoadReviews(ctx, a.db, a.reviews); err != nil {
			ln.Close()
			return fmt.Errorf("载入演示评价: %w", err)
		}
		// Late cases for 电子监察: back-dated like the history, left out with it.
		if !cfg.noHistory {
			if _, err := demo.LoadSupervision(ctx, a.db, a.cases, a.files, sv); err != nil {
				ln.Close()
				return fmt.Errorf("载入演示电子监察: %w", err)
			}
		}
		if _, err := demo.LoadInspect(ctx, a.db, a.inspect); err != nil {
			ln.Close()
			return fmt.Errorf("载入演示曝光纠错和抽查: %w", err)
		}
		if _, err := demo.LoadLetters(ctx, a.db, a.cases, a.reviews); err != nil {
			ln.Close()
			return fmt.Errorf("载入演示投诉建议: %w", err)
		}
		if !cfg.noHistory {
			if _, err := demo.LoadHistory(ctx, a.db, a.cases.Calendar, a.clock.Now()); err != nil {
				ln.Close()
				return fmt.Errorf("载入演示历史办件: %w", err)
			}
		}
		log.Info("已载入雨山区演示数据", "orgs", res.Orgs, "staff", len(res.StaffSecret), "catalog_entries", res.Items, "cases", n)
	}
	secrets := map[string]string{}
	if !cfg.Prod {
		staff, err := a.db.ListStaff(ctx, identity.StaffFilter{})
		if err != nil {
			ln.Close()
			return err
		}
		for _, s := range staff {
			if s.Demo {
				secrets[s.Username] = s.TOTPSecret
			}
		}
	}

	sso, err := newProvider(cfg, a, ln, log)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &web.Server{Identity: a.identity, Orgs: a.orgs, Catalog: a.catalog, Info: a.info, Files: a.files, Cases: a.cases, Box: a.box, Webhooks: a.webhooks, Seals: a.seals, Licenses: a.licenses, Reviews: a.reviews, Inspect: a.inspect, Holidays: a.holidays, Audit: a.db, Outbox: a.db, DB: a.db,
		Sessions: web.NewSessions(sqlstore.SessionStore{DB: a.db}, cfg.Prod), Clock: a.clock, Log: log,
		Dev: !cfg.Prod, DemoSecrets: secrets, SecureCookies: cfg.Prod, LoginBurst: cfg.loginBurst,
		MetricsToken: os.Getenv("YIWANG_METRICS_TOKEN"), Idempotency: a.idem, Certs: a.certs}
	if sso != nil {
		srv.OIDC, srv.OIDCClients = sso, a.oidc
	}
	srv.Supervision = sv
	srv.KPI = &kpi.Service{Store: a.db, Orgs: a.orgs, Clock: a.clock}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}

	bg, cancel := context.WithCancel(ctx)
	defer cancel()
	d := &notify.Dispatcher{Store: a.db, Sender: sender, Clock: a.clock, Log: log}
	go d.Run(bg, 2*time.Second)
	wd := &webhook.Dispatcher{Store: a.db, Clock: a.clock, Log: log}
	go wd.Run(bg, 2*time.Second)
	background(bg, a, log)
	if !cfg.noScan { // electronic supervision, a singleton job (lease)
		go superviseEvery(bg, sv, time.Minute, log)
	}
	if sso != nil {
		go every(bg, time.Hour, "purge oidc", log, func(ctx context.Context) error {
			_, err := sso.Purge(ctx)
			return err
		})
	}

	url := "http://" + ln.Addr().String()
	log.Info("雨山区政务服务网已启动", "url", url, "engine", a.db.Engine, "data", cfg.Data, "prod", cfg.Prod)
	if !cfg.Prod && len(secrets) > 0 {
		logDemoLogins(log, url, secrets)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("正在停止")
	sctx, scancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer scancel()
	err = hs.Shutdown(sctx)
	a.idem.Wait() // the answers still being stored, before the database closes
	return err
}

func logDemoLogins(log *slog.Logger, url string, secrets map[string]string) {
	log.Info("演示账号：个人登录 "+url+"/login/citizen", "手机号", demo.People[0].Mobile, "密码", demo.CitizenPassword,
		"或", "点“获取验证码”，验证码见 "+url+"/dev/outbox 和本日志")
	log.Info("演示账号：法人登录 "+url+"/login/enterprise", "统一社会信用代码", demo.EnterpriseCode(),
		"手机号", demo.People[1].Mobile, "密码", demo.CitizenPassword)
	for _, s := range demo.Staff {
		if _, ok := secrets[s.Username]; !ok {
			continue
		}
		roles := ""
		for i, r := range s.Roles {
			if i > 0 {
				roles += "、"
			}
			roles += r.Name()
		}
		log.Info("演示账号：工作人员 "+url+"/staff/login", "用户名", s.Username, "密码", demo.StaffPassword, "角色", roles)
	}
	log.Info("工作人员的动态口令：用验证器添加登录页显示的密钥，或在开发模式下查看 " + url + "/dev/outbox")
}

// newProvider builds the OpenID provider. Its issuer is --issuer
// (YIWANG_ISSUER); in dev mode it defaults to the listen address, and in
// production without one single sign-on stays off.
func newProvider(cfg serveConfig, a *app, ln net.Listener, log *slog.Logger) (*oidc.Provider, error) {
	c := cfg.sso
	if c.Issuer == "" {
		if cfg.Prod {
			log.Warn("未设置 YIWANG_ISSUER（本站对外网址），统一身份认证（OIDC）未开启")
			return nil, nil
		}
		c.Issuer = "http://" + ln.Addr().String()
	}
	if cfg.Prod && !strings.HasPrefix(c.Issuer, "https://") {
		return nil, fmt.Errorf("YIWANG_ISSUER 须为 https:// 开头的本站对外网址，而不是 %q", c.Issuer)
	}
	p := &oidc.Provider{Store: a.db, Directory: a.db, Orgs: a.orgs, Hasher: a.pii, Sealer: a.pii, Clock: a.clock, Config: c}
	if err := p.Init(); err != nil {
		return nil, err
	}
	return p, nil
}

// every runs job every interval until ctx ends, logging its failures.
func every(ctx context.Context, interval time.Duration, name string, log *slog.Logger, job func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := job(ctx); err != nil && ctx.Err() == nil {
				log.Warn(name, "err", err)
			}
		}
	}
}

// background starts the server's periodic jobs. Every instance may run
// them: each is one statement or a reload.
func background(ctx context.Context, a *app, log *slog.Logger) {
	sessions := sqlstore.SessionStore{DB: a.db}
	go every(ctx, 10*time.Minute, "clean sessions", log, func(ctx context.Context) error {
		return sessions.DeleteExpired(ctx, time.Now())
	})
	// Idempotency-Key records live 24 hours.
	go every(ctx, time.Hour, "purge idempotency keys", log, func(ctx context.Context) error {
		n, err := a.idem.Purge(ctx)
		if n > 0 {
			log.Info("purged idempotency keys", "n", n)
		}
		return err
	})
	// Holiday years added on another instance.
	go every(ctx, 10*time.Minute, "refresh holidays", log, a.holidays.Refresh)
	// Licenses past their end date expire; holders hear 30 days before.
	// Both are safe on several instances: a change is stored at its row
	// version, so one instance's run makes the other's a conflict.
	go func() {
		job := func(ctx context.Context) error { return licenseJobs(ctx, a, log) }
		if err := job(ctx); err != nil && ctx.Err() == nil { // once at start, then hourly
			log.Warn("license expiry", "err", err)
		}
		every(ctx, time.Hour, "license expiry", log, job)
	}()
	// Bad reviews whose revisit or reply is overdue go to the supervisors.
	go every(ctx, time.Hour, "review escalation", log, func(ctx context.Context) error {
		n, err := a.reviews.Escalate(ctx)
		if n > 0 {
			log.Info("overdue rectifications escalated", "n", n)
		}
		return err
	})
}

// licenseJobs records expired licenses and sends the expiry reminders.
func licenseJobs(ctx context.Context, a *app, log *slog.Logger) error {
	n, err := a.licenses.ExpireDue(ctx)
	if n > 0 {
		log.Info("licenses expired", "n", n)
	}
	if err != nil && yiwang.ErrorCode(err) != yiwang.ECONFLICT {
		return err
	}
	m, err := a.licenses.RemindExpiring(ctx)
	if m > 0 {
		log.Info("license expiry reminders sent", "n", m)
	}
	if yiwang.ErrorCode(err) == yiwang.ECONFLICT {
		return nil
	}
	return err
}

// loopback reports whether addr listens on this machine only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
