package web

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yiwang_http_requests_total", Help: "HTTP requests by route pattern and status.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "yiwang_http_request_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.requests, m.duration,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// GroupCommitter is a store that groups concurrent writes into shared
// commits (sqlstore on SQLite): its totals so far.
type GroupCommitter interface {
	GroupCommitTotals() (commits, writes int64, busy time.Duration)
}

// watchGroups exports g's totals: commits, the writes they held (writes
// per commit is the grouping) and the committer's busy seconds (its rate
// near 1 means the writes wait for it).
func (m *metrics) watchGroups(g GroupCommitter) {
	counter := func(name, help string, v func(c, w int64, b time.Duration) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 {
			return v(g.GroupCommitTotals())
		})
	}
	m.reg.MustRegister(
		counter("yiwang_group_commits_total", "Commits of grouped writes.",
			func(c, _ int64, _ time.Duration) float64 { return float64(c) }),
		counter("yiwang_group_writes_total", "Writes committed in groups.",
			func(_, w int64, _ time.Duration) float64 { return float64(w) }),
		counter("yiwang_group_busy_seconds_total", "Time the committer spent running groups.",
			func(_, _ int64, b time.Duration) float64 { return b.Seconds() }))
}

func (m *metrics) handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(c int) {
	if w.code == 0 {
		w.code = c
	}
	w.ResponseWriter.WriteHeader(c)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wrap measures next; mux names the route (ServeMux sets the pattern only
// on the copy of the request it routes, so it is asked directly).
func (m *metrics) wrap(next http.Handler, mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		_, route := mux.Handler(r)
		next.ServeHTTP(sw, r)
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, strconv.Itoa(sw.code)).Inc()
		m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// metricsGuard serves metrics to the machine itself, or to a scraper that
// presents MetricsToken: runtime internals are nobody else's business.
func (s *Server) metricsGuard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := net.ParseIP(clientIP(r))
		tokenOK := s.MetricsToken != "" &&
			subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+s.MetricsToken)) == 1
		if (ip == nil || !ip.IsLoopback()) && !tokenOK {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}
