package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
)

// trackKey is what the public tracker asks for: a case number and the
// applicant's name or mobile number.
type trackKey struct{ no, who string }

// benchItem is the item the submit workload applies for. Its copies in the
// bench catalog share its guide, so the applications spread over them (one
// item takes at most 9,999 cases a day).
const benchItem = "食品经营许可"

// submit applies through the real API as 张三 (logged in once, one material
// uploaded once): POST /api/v1/cases with a new Idempotency-Key each time. A
// 201 comes only after the case is committed. When measured is false (the
// tracker needs cases) it files a few hundred without printing a line.
func (b *benchRun) submit(ctx context.Context, measured bool) error {
	n, conc := b.size(20000, 3000), b.clients(64)
	if !measured {
		n, conc = 300, 8
	}
	b.tracked, b.filed = b.tracked[:0], b.filed[:0]
	apply, err := b.applier(ctx, conc)
	if err != nil {
		return err
	}
	stop := func() {}
	if measured {
		if stop, err = b.profile("submit"); err != nil {
			return err
		}
	}
	groups, _ := readGroups(b.base)
	lat, elapsed, errs := b.measure(n, conc, b.deadline, apply)
	stop()
	if measured {
		report(b.out, benchResult{Workload: "submit", Backend: b.backend, Concurrency: conc}, lat, elapsed, errs)
		b.reportGroups("submit", groups, elapsed)
	}
	if len(b.tracked) == 0 {
		return fmt.Errorf("bench: no application was accepted (%d errors)", errs)
	}
	return nil
}

// applier logs 张三 in and uploads his material on a client for conc
// concurrent requests, and returns the function that files application i
// and adds it to b.tracked.
func (b *benchRun) applier(ctx context.Context, conc int) (func(i int) error, error) {
	codes, mats, err := b.benchEntries(ctx)
	if err != nil {
		return nil, err
	}
	jar, _ := cookiejar.New(nil)
	hc := benchClient(conc, jar)
	p := demo.People[0]
	if err := postForm(hc, b.base, "/login/citizen", url.Values{"with": {"password"}, "mobile": {p.Mobile}, "password": {demo.CitizenPassword}}); err != nil {
		return nil, err
	}
	file, err := benchUpload(hc, b.base)
	if err != nil {
		return nil, err
	}
	var list []string
	for _, i := range mats {
		list = append(list, fmt.Sprintf(`{"index":%d,"file":%q}`, i, file))
	}
	materials := strings.Join(list, ",")
	lc, err := newLoopClient(b.base, conc, jar)
	if err != nil {
		return nil, err
	}
	run := time.Now().UnixNano()
	var mu sync.Mutex
	return func(i int) error {
		body := fmt.Sprintf(`{"entry_code":%q,"fields":{"operator":"雨山区张三小吃店","premises":"雨山区湖东路1号","format":"餐饮服务经营者","items":"热食类食品制售","online":"否"},"materials":[%s],"note":"基准测试第%d件"}`,
			codes[i%len(codes)], materials, i)
		var c struct{ ID, No, Applicant string }
		err := lc.do(http.MethodPost, "/api/v1/cases", []string{"Content-Type", "application/json",
			"Idempotency-Key", fmt.Sprintf("bench-%d-%d", run, i)}, []byte(body), func(status int, out []byte) error {
			c.ID, c.No, c.Applicant = topString(out, "id"), topString(out, "no"), topString(out, "applicant")
			if status != http.StatusCreated || c.ID == "" || c.No == "" || c.Applicant == "" {
				return fmt.Errorf("submit: %d %.300s", status, out)
			}
			return nil
		})
		if err != nil {
			return err
		}
		who := c.Applicant
		if i%2 == 1 {
			who = p.Mobile
		}
		mu.Lock()
		b.tracked = append(b.tracked, trackKey{c.No, who})
		b.filed = append(b.filed, c.ID)
		mu.Unlock()
		return nil
	}, nil
}

// track looks the submitted cases up in the public tracker (GET /track,
// the HTML page; there is no tracker API) by number and name or mobile.
func (b *benchRun) track() error {
	n, conc := b.size(20000, 5000), b.clients(16)
	lc, err := newLoopClient(b.base, conc, nil)
	if err != nil {
		return err
	}
	stop, err := b.profile("track")
	if err != nil {
		return err
	}
	lat, elapsed, errs := b.measure(n, conc, b.deadline, b.looker(lc, b.tracked))
	stop()
	report(b.out, benchResult{Workload: "track", Backend: b.backend, Concurrency: conc}, lat, elapsed, errs)
	return nil
}

// looker returns the function that looks case i of keys up in the public
// tracker on lc.
func (b *benchRun) looker(lc *loopClient, keys []trackKey) func(i int) error {
	return func(i int) error {
		k := keys[(i*7919)%len(keys)]
		return lc.get("/track?no=" + url.QueryEscape(k.no) + "&who=" + url.QueryEscape(k.who))
	}
}

// benchEntries returns the codes of the published copies of benchItem and
// the indexes of the materials its applicant hands in.
func (b *benchRun) benchEntries(ctx context.Context) ([]string, []int, error) {
	a, err := open(ctx, b.cfg.config, quietLog(io.Discard), false, false)
	if err != nil {
		return nil, nil, err
	}
	defer a.Close()
	all, err := a.db.ListEntries(ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	if err != nil {
		return nil, nil, err
	}
	var codes []string
	var mats []int
	for _, en := range all {
		if !en.Online() || (en.Base.Name != benchItem && !strings.HasPrefix(en.Base.Name, benchItem+"（专项")) {
			continue
		}
		codes = append(codes, en.Code)
		if mats == nil {
			for i, m := range en.Guide.Materials {
				if m.Source == "applicant" {
					mats = append(mats, i)
				}
			}
		}
	}
	if len(codes) == 0 || len(mats) == 0 {
		return nil, nil, fmt.Errorf("bench: no online %s in the catalog", benchItem)
	}
	return codes, mats, nil
}

// benchUpload uploads one PDF as the logged-in applicant and returns its ID.
func benchUpload(hc *http.Client, base string) (string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "申请书.pdf")
	fw.Write([]byte("%PDF-1.4\n% 基准测试材料\n%%EOF\n"))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/files", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", base)
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var f struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&f); err != nil || f.ID == "" {
		return "", fmt.Errorf("bench upload: %s %v", resp.Status, err)
	}
	return f.ID, nil
}

// topString is the string value of key in the JSON object b, as the
// case API writes it: compact, its top-level "no" and "applicant" before
// any nested object. A full decode of the 2 KB answer cost the applying
// clients a fifth of their CPU; what the answers hold is checked by the
// tests. "" when the key is missing or its value is escaped.
func topString(b []byte, key string) string {
	i := bytes.Index(b, []byte(`"`+key+`":"`))
	if i < 0 {
		return ""
	}
	v := b[i+len(key)+4:]
	j := bytes.IndexByte(v, '"')
	if j < 0 || bytes.IndexByte(v[:j], '\\') >= 0 {
		return ""
	}
	return string(v[:j])
}
