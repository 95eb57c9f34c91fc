package remote

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/securityinfo/securityinfo/core"
)

// metrics are the server's Prometheus series. Each server counts its own
// requests; Prometheus adds up the servers of one database.
type metrics struct {
	reg           *prometheus.Registry
	requests      *prometheus.CounterVec
	latency       *prometheus.HistogramVec
	verifications *prometheus.CounterVec
	sends         *prometheus.CounterVec
	lockouts      prometheus.Counter
	apps          *prometheus.CounterVec
}

// verifyOps are the operations that check a code, an app's code or answers.
var verifyOps = map[string]bool{"Confirm": true, "VerifyCode": true, "VerifyAuthenticator": true, "CheckAnswers": true,
	"FinishSignIn": true, "ResetVerify": true, "ResetAnswer": true}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "securityinfo_http_requests_total",
			Help: "API requests by operation and HTTP status."}, []string{"op", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "securityinfo_http_request_duration_seconds",
			Help: "API request latency by operation.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}},
			[]string{"op"}),
		verifications: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "securityinfo_verifications_total",
			Help: "Codes, app codes and answers checked, by result (ok or the core's error code)."}, []string{"result"}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "securityinfo_sends_total",
			Help: "Codes sent (or, for a made-up reset, answered as sent), by channel."}, []string{"channel"}),
		lockouts: prometheus.NewCounter(prometheus.CounterOpts{Name: "securityinfo_lockouts_total",
			Help: "Answers that a name or method is locked."}),
		apps: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "securityinfo_verify_api_requests_total",
			Help: "Verify API calls by application (\"\" before it is known), operation and result (ok, unauthorized or the core's error code)."},
			[]string{"application", "op", "result"}),
	}
	hashes := prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "securityinfo_password_hashes_total",
		Help: "argon2id computations (passwords and answers hashed or checked) in this process."},
		func() float64 { return float64(core.Hashing().Total) })
	hashing := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "securityinfo_password_hashes_running",
		Help: "argon2id computations running now (at most one per core; the rest wait)."},
		func() float64 { return float64(core.Hashing().Running) })
	m.reg.MustRegister(m.apps, m.requests, m.latency, m.verifications, m.sends, m.lockouts, hashes, hashing,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe records one call of rt.
func (m *metrics) observe(rt *Route, out any, err error, status int, took time.Duration) {
	m.requests.WithLabelValues(rt.Op, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(rt.Op).Observe(took.Seconds())
	code := core.ErrorCode(err)
	if verifyOps[rt.Op] {
		result := code
		if err == nil {
			result = "ok"
		}
		m.verifications.WithLabelValues(result).Inc()
	}
	if ch, ok := out.(*core.Challenge); ok && err == nil {
		m.sends.WithLabelValues(string(ch.Channel)).Inc()
	}
	if code == core.ELOCKED {
		m.lockouts.Inc()
	}
}

// observeApp records one verify API call of application app.
func (m *metrics) observeApp(rt *Route, app string, err error, status int) {
	result := core.ErrorCode(err)
	switch {
	case err == nil:
		result = "ok"
	case status == http.StatusUnauthorized:
		result = "unauthorized"
	}
	m.apps.WithLabelValues(app, rt.Op, result).Inc()
}

// MustRegister adds collectors to the series served at /metrics (the
// RADIUS server's, when securityinfod serves RADIUS too).
func (s *Server) MustRegister(cs ...prometheus.Collector) { s.metrics.reg.MustRegister(cs...) }

// Metrics is the Prometheus text of the server's series, for GET /metrics.
func (s *Server) Metrics() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
}
