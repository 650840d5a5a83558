package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/files"
	"github.com/yushan-gov/yiwang/idempotency"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/identity/certlogin"
	"github.com/yushan-gov/yiwang/identity/oidc"
	"github.com/yushan-gov/yiwang/inspect"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/pii"
	"github.com/yushan-gov/yiwang/publicinfo"
	"github.com/yushan-gov/yiwang/review"
	"github.com/yushan-gov/yiwang/seal"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/webhook"
)

// config is what every data command shares.
type config struct {
	Data string
	DB   string
	// clock replaces the system clock: tests that need a fixed day.
	clock yiwang.Clock
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// newFlags returns a flag set with --data and --db bound to cfg.
func newFlags(name, synopsis string, stderr io.Writer, cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Data, "data", envOr("YIWANG_DATA", "./yiwang-data"), "数据目录：SQLite 数据库、上传文件、密钥 (YIWANG_DATA)")
	fs.StringVar(&cfg.DB, "db", envOr("YIWANG_DB", ""), "数据库：空 = 数据目录中的 SQLite；postgres://… = PostgreSQL (YIWANG_DB)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "用法: yiwang %s\n\n参数:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args; --help prints usage and ends the command successfully.
func parse(fs *flag.FlagSet, args []string) (bool, error) {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return false, nil
	}
	if err != nil {
		return false, exitError{2, err.Error()}
	}
	return true, nil
}

// parseArg parses flags around at most one positional argument, which may
// come before the flags or after them, and returns it ("" when absent).
// More than one gives exit code 2 with usage.
func parseArg(fs *flag.FlagSet, args []string, usage string) (string, bool, error) {
	arg := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		arg, args = args[0], args[1:]
	}
	if ok, err := parse(fs, args); !ok {
		return "", false, err
	}
	switch {
	case fs.NArg() == 0:
	case fs.NArg() == 1 && arg == "":
		arg = fs.Arg(0)
	default:
		return "", false, exitError{2, usage}
	}
	return arg, true, nil
}

// app is the wired platform.
type app struct {
	db       *sqlstore.DB
	clock    yiwang.Clock
	log      *slog.Logger
	orgs     *org.Service
	identity *identity.Service
	catalog  *catalog.Service
	info     *publicinfo.Service
	files    *files.Service
	cases    *casework.Service
	box      *notify.Box
	webhooks *webhook.Service
	idem     *idempotency.Service
	seals    *seal.Service
	licenses *license.Service
	reviews  *review.Service
	inspect  *inspect.Service
	holidays *calendar.Service
	certs    *certlogin.Service
	oidc     *oidc.Service  // registration of single sign-on clients
	pii      *pii.Protector // the data key: seals secrets, makes keyed hashes
}

// open opens (and, when migrate is true, migrates) the database of cfg.
// createKey creates the data dir's key file when it is missing: only commands
// that may start a fresh installation do.
func open(ctx context.Context, cfg config, log *slog.Logger, migrate, createKey bool) (*app, error) {
	key, err := pii.LoadKey(os.Getenv("YIWANG_KEY"), cfg.Data, createKey)
	if err != nil {
		return nil, fmt.Errorf("加载数据加密密钥: %w（密钥在 YIWANG_KEY 或 %s/%s）", err, cfg.Data, pii.KeyFile)
	}
	p, err := pii.New(key)
	if err != nil {
		return nil, err
	}
	db, err := sqlstore.Open(ctx, cfg.DB, cfg.Data, p)
	if err != nil {
		return nil, err
	}
	if migrate {
		if err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := db.CheckKey(ctx, migrate); err != nil {
		db.Close()
		return nil, err
	}
	var clock yiwang.Clock = yiwang.SystemClock{}
	if cfg.clock != nil {
		clock = cfg.clock
	}
	a := &app{db: db, clock: clock, log: log, pii: p}
	a.orgs = &org.Service{Store: db, Clock: clock}
	a.identity = &identity.Service{Store: db, Orgs: a.orgs, Clock: clock, Log: log}
	a.catalog = &catalog.Service{Store: db, Orgs: a.orgs, Clock: clock}
	a.info = &publicinfo.Service{Store: db, Orgs: a.orgs, Clock: clock}
	cal, err := calendar.Default()
	if err != nil {
		db.Close()
		return nil, err
	}
	a.seals = &seal.Service{Store: db, Sealer: p, Clock: clock}
	switch alg := os.Getenv("YIWANG_SEAL_ALG"); alg {
	case "", "sm2":
	case "ed25519":
		a.seals.Alg = seal.AlgEd25519
	default:
		db.Close()
		return nil, fmt.Errorf("YIWANG_SEAL_ALG 须为 sm2 或 ed25519，而不是 %q", alg)
	}
	a.licenses = &license.Service{Store: db, Seal: a.seals, Orgs: a.orgs, Enterprises: db, Clock: clock}
	a.cases = &casework.Service{Store: db, Drafts: db, Catalog: a.catalog, Orgs: a.orgs, Calendar: cal, Clock: clock,
		Licenses: a.licenses}
	a.reviews = &review.Service{Store: db, Cases: db, Orgs: a.orgs, Calendar: cal, Clock: clock,
		Token: func(s string) string { return p.Hash("review_visit", s) }}
	for env, days := range map[string]*int{"YIWANG_REVIEW_REVISIT_DAYS": &a.reviews.RevisitDays, "YIWANG_REVIEW_REPLY_DAYS": &a.reviews.ReplyDays} {
		if v := os.Getenv(env); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 60 {
				db.Close()
				return nil, fmt.Errorf("%s 须为 1 到 60 之间的工作日数，而不是 %q", env, v)
			}
			*days = n
		}
	}
	a.inspect = &inspect.Service{Store: db, Cases: db, Filer: a.cases, Orgs: a.orgs, Clock: clock}
	a.box = &notify.Box{Store: db, Clock: clock}
	a.webhooks = &webhook.Service{Store: db, Orgs: a.orgs, Clock: clock}
	a.files = &files.Service{Store: db, Blobs: files.Dir{Root: filepath.Join(cfg.Data, "files")}, Sealer: p, Clock: clock}
	a.idem = &idempotency.Service{Store: db, Clock: clock}
	a.oidc = &oidc.Service{Store: db, Hasher: p, Clock: clock}
	a.holidays = &calendar.Service{Store: db, Calendar: cal, Clock: clock}
	a.certs = &certlogin.Service{Store: db, Clock: clock}
	if err := a.holidays.Refresh(ctx); err != nil { // before `migrate` the table may not exist yet
		log.Warn("节假日安排未加载", "err", err)
	}
	return a, nil
}

func (a *app) Close() error { return a.db.Close() }

// cliActor is who acts when an operator runs a command on the server. It
// holds both account-administration roles: the command line is how the first
// administrators are made, and every use is audited as "命令行".
func cliActor() yiwang.Actor {
	return yiwang.Actor{AccountID: "cli", Name: "命令行", Kind: yiwang.KindStaff, Channel: "cli",
		Roles: []yiwang.Role{yiwang.RoleSysAdmin, yiwang.RoleSecAdmin}, IP: "localhost"}
}
