package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// process is the officer's side of the applications the submit workload
// filed: 市场监管局's officer reads each application's page (GET /cases/{id}),
// accepts it (受理, POST /api/v1/cases/{id}/accept),
// gives the department's review opinion on the task that opens (审查, POST
// /api/v1/cases/{id}/tasks/{task}) and decides it (准予, POST
// /api/v1/cases/{id}/decide), which issues its licence: through the API,
// from conc clients at once, each request with its own Idempotency-Key.
// First every page is read, then every case accepted, then every review
// given, then every case decided; the line counts the four kinds of
// request. Without enough filed cases (submit not chosen, or fewer than
// n/4), it files the rest first, unmeasured.
func (b *benchRun) process(ctx context.Context) error {
	n, conc := b.size(8000, 2000), b.clients(16)
	cases := n / 4
	if missing := cases - len(b.filed); missing > 0 {
		apply, err := b.applier(ctx, 16)
		if err != nil {
			return err
		}
		if _, _, errs := b.measure(missing, 16, b.deadline, apply); errs > 0 {
			return fmt.Errorf("bench: process: %d of %d applications failed", errs, missing)
		}
	}
	if len(b.filed) < cases {
		return fmt.Errorf("bench: process: %d cases filed, %d needed", len(b.filed), cases)
	}
	ids := b.filed[:cases]
	a, err := open(ctx, b.cfg.config, quietLog(io.Discard), false, false)
	if err != nil {
		return err
	}
	_, lc, err := b.staffClient(ctx, a, "officer", conc)
	a.Close()
	if err != nil {
		return err
	}
	run := time.Now().UnixNano()
	tasks := make([]string, cases) // each case's review task, opened by its acceptance
	act := func(action, body string) func(i int) error {
		return func(i int) error {
			if action == "view" {
				return lc.get("/cases/" + ids[i])
			}
			path := "/api/v1/cases/" + ids[i] + "/" + action
			if action == "tasks" {
				path += "/" + tasks[i]
			}
			return lc.do(http.MethodPost, path, []string{"Content-Type", "application/json",
				"Idempotency-Key", fmt.Sprintf("bench-%s-%d-%d", action, run, i)}, []byte(body), func(status int, out []byte) error {
				if status != http.StatusOK {
					return fmt.Errorf("%s: %d %.300s", action, status, out)
				}
				if action == "accept" {
					if tasks[i] = firstTask(out); tasks[i] == "" {
						return fmt.Errorf("accept: no task in %.300s", out)
					}
				}
				return nil
			})
		}
	}
	stop, err := b.profile("process")
	if err != nil {
		return err
	}
	groups, _ := readGroups(b.base)
	var lat []time.Duration
	var elapsed time.Duration
	errs := 0
	for _, step := range []struct{ action, body string }{
		{"view", ""},
		{"accept", `{}`},
		{"tasks", `{"opinion":"agree","note":"基准测试：同意"}`},
		{"decide", `{"decision":"granted","note":"基准测试：准予"}`},
	} {
		l, e, failed := b.measure(cases, conc, b.deadline, act(step.action, step.body))
		lat, elapsed, errs = append(lat, l...), elapsed+e, errs+failed
	}
	stop()
	report(b.out, benchResult{Workload: "process", Backend: b.backend, Concurrency: conc}, lat, elapsed, errs)
	b.reportGroups("process", groups, elapsed)
	return nil
}

// firstTask is the ID of the first task in a case's answer ("" if none).
func firstTask(b []byte) string {
	i := bytes.Index(b, []byte(`"tasks":[`))
	if i < 0 {
		return ""
	}
	return topString(b[i:], "id")
}
