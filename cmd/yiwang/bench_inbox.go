package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
)

// inbox fills the database with cases cases spread over the district's
// departments and townships (most of them closed, as in a real year), then
// has the 市场监管局 officer open the inbox (/work, the first page of 50,
// most urgent first) again and again ("inbox"), and then 向山镇's officer,
// whose inbox holds the cases of the township and of its seven villages
// ("inbox-township").
func (b *benchRun) inbox(ctx context.Context, cases int) error {
	a, err := open(ctx, b.cfg.config, quietLog(io.Discard), false, false)
	if err != nil {
		return err
	}
	defer a.Close()
	t0 := time.Now()
	if err := genCases(ctx, a, cases); err != nil {
		return err
	}
	fmt.Fprintf(b.log, "bench: %d cases loaded in %s\n", cases, time.Since(t0).Round(time.Second))
	n, conc := b.size(4000, 1000), b.clients(4)
	for _, w := range []struct{ workload, username string }{{"inbox", "officer"}, {"inbox-township", "township"}} {
		_, lc, err := b.staffClient(ctx, a, w.username, conc)
		if err != nil {
			return err
		}
		stop, err := b.profile(w.workload)
		if err != nil {
			return err
		}
		lat, elapsed, errs := b.measure(n, conc, b.deadline, func(int) error { return lc.get("/work") })
		stop()
		report(b.out, benchResult{Workload: w.workload, Backend: b.backend, Concurrency: conc}, lat, elapsed, errs)
	}
	return nil
}

// staffClient logs in as a demo staff account (password and TOTP, as a
// person does) and returns an HTTP client and a loopClient for conc
// clients, both with the session.
func (b *benchRun) staffClient(ctx context.Context, a *app, username string, conc int) (*http.Client, *loopClient, error) {
	jar, _ := cookiejar.New(nil)
	hc := benchClient(conc, jar)
	acc, err := a.db.AccountByUsername(ctx, username)
	if err != nil {
		return nil, nil, err
	}
	if err := postForm(hc, b.base, "/staff/login", url.Values{"username": {username}, "password": {demo.StaffPassword}}); err != nil {
		return nil, nil, err
	}
	if err := postForm(hc, b.base, "/staff/totp", url.Values{"code": {identity.CurrentTOTP(acc.TOTPSecret, freshTOTPTime(acc.TOTPLastStep))}}); err != nil {
		return nil, nil, err
	}
	lc, err := newLoopClient(b.base, conc, jar)
	return hc, lc, err
}

// freshTOTPTime is a time whose TOTP code the server takes after the
// account's last accepted step: a code is accepted once, so a second
// login of the same staff in one run (the process and inbox workloads)
// takes the next step's code, which the server allows for clock skew, or
// waits for the step after.
func freshTOTPTime(lastStep int64) time.Time {
	const period = 30 // seconds, as the server's TOTP
	now := time.Now()
	if step := now.Unix() / period; lastStep < step {
		return now
	} else if lastStep == step {
		return time.Unix((step+1)*period, 0)
	}
	time.Sleep(time.Until(time.Unix(lastStep*period, 0))) // until the last step is the current one
	return time.Unix((lastStep+1)*period, 0)
}

// postForm posts a login form as a browser would and expects the redirect
// that follows a success.
func postForm(hc *http.Client, base, path string, v url.Values) error {
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("bench login %s: %s", path, resp.Status)
	}
	return nil
}

func benchTask(c casework.Case, org, kind string) casework.Task {
	return casework.Task{ID: yiwang.NewID(), CaseID: c.ID, Name: "审查", Kind: kind, OrgID: org, Role: yiwang.RoleCaseOfficer,
		State: casework.TaskOpen, OpenedAt: c.SubmittedAt, Due: c.Due}
}

// genCases adds n cases spread over the published entries, submitted over
// the past year: two thirds closed, a third open or waiting for delivery.
func genCases(ctx context.Context, a *app, n int) error {
	entries, err := a.db.ListEntries(ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	if err != nil {
		return err
	}
	now := a.clock.Now()
	rng := rand.New(rand.NewPCG(1, 2))
	states := []string{casework.StateDelivered, casework.StateDelivered, casework.StateDelivered, casework.StateDelivered,
		casework.StateDelivered, casework.StateDelivered, casework.StateDelivered, casework.StateDecided, casework.StateRefused,
		casework.StateAccepted, casework.StateSubmitted, casework.StateCorrection}
	batch := make([]casework.Case, 0, 20000)
	for i := 0; i < n; i++ {
		en := entries[rng.IntN(len(entries))]
		st := states[rng.IntN(len(states))]
		at := now.Add(-time.Duration(rng.IntN(365*24)) * time.Hour)
		c := casework.Case{ID: yiwang.NewID(), No: fmt.Sprintf("%s%s%07d", en.Code, at.Format("20060102"), i), // synthetic: unique, not the 4-digit serial
			EntryID: en.ID, EntryCode: en.Code, ItemName: en.Base.Name, OrgID: en.OrgID, ApplicantID: yiwang.NewID(),
			Applicant: "测试申请人", Mobile: "13800000000", IDCard: "34050419850312001X", Channel: casework.ChannelWeb,
			State: st, SubmittedAt: at, Version: 1, Due: "9999-12-31",
			Materials: []casework.Material{{Index: 0, Name: "申请书", FileID: strings.Repeat("a", 64)}}}
		switch st {
		case casework.StateSubmitted:
			c.Due = at.AddDate(0, 0, 7).Format("2006-01-02")
		case casework.StateAccepted:
			c.Deadline = at.AddDate(0, 0, 20).Format("2006-01-02")
			c.Due, c.AcceptedAt = c.Deadline, at
			// Under review at its own org; one in ten also by another
			// department in parallel (会办), as the inbox has to find them.
			c.Tasks = append(c.Tasks, benchTask(c, c.OrgID, catalog.StepReview))
			if rng.IntN(10) == 0 {
				if o := entries[rng.IntN(len(entries))].OrgID; o != c.OrgID {
					c.Tasks = append(c.Tasks, benchTask(c, o, catalog.StepReview))
				}
			}
		case casework.StateDecided:
			c.DecidedAt, c.Due = at, at.AddDate(0, 0, 14).Format("2006-01-02")
			c.Tasks = append(c.Tasks, benchTask(c, c.OrgID, catalog.StepDeliver))
		}
		batch = append(batch, c)
		if len(batch) == cap(batch) || i == n-1 {
			if err := a.db.BulkCases(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return a.db.AnalyzeCases(ctx)
}
