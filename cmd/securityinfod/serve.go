package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/securityinfo/securityinfo/cmd/internal/datafolder"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/postgres"
	"github.com/securityinfo/securityinfo/core/radius"
	"github.com/securityinfo/securityinfo/core/remote"
)

// options are the command's flags.
type options struct {
	listen, store, keyFile, config, tlsCert, tlsKey, data string
	metricsListen                                         string // "" when off
	radiusListen                                          string // "" when off
	trustedProxies                                        []netip.Prefix
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("securityinfod", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8443", "address to listen on (plain HTTP only on a loopback address)")
	fs.StringVar(&o.store, "store", "", "sqlite:DIR (a data folder) or postgres://USER@HOST:5432/DB")
	fs.StringVar(&o.keyFile, "key-file", "", "file holding the 256-bit master key (created 0600 when the store is new)")
	fs.StringVar(&o.config, "config", "", "delivery configuration (securityinfo.toml)")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "TLS certificate (PEM)")
	fs.StringVar(&o.tlsKey, "tls-key", "", "TLS private key (PEM)")
	fs.StringVar(&o.metricsListen, "metrics-listen", "127.0.0.1:9464", "address of GET /metrics (Prometheus, plain HTTP, no authentication), or off")
	fs.StringVar(&o.radiusListen, "radius-listen", "", "UDP address to answer RADIUS on (127.0.0.1:1812), for the [[radius.client]] of securityinfo.toml; off unless given")
	var proxies []string
	fs.Func("trusted-proxy", "a reverse proxy (address or CIDR, repeatable) whose X-Forwarded-For names the client", func(v string) error {
		proxies = append(proxies, v)
		return nil
	})
	fs.StringVar(&o.data, "data", "", "with a postgres store: the folder of the configuration and the outbox (default: the user configuration folder/securityinfo)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case o.store == "":
		return o, errors.New("--store is required: sqlite:DIR or postgres://URL")
	case o.keyFile == "":
		return o, errors.New("--key-file is required")
	case (o.tlsCert == "") != (o.tlsKey == ""):
		return o, errors.New("--tls-cert and --tls-key go together")
	}
	var err error
	if o.trustedProxies, err = remote.ParseProxies(proxies); err != nil {
		return o, err
	}
	if o.metricsListen == "off" {
		o.metricsListen = ""
	}
	if _, _, err := net.SplitHostPort(o.metricsListen); o.metricsListen != "" && err != nil {
		return o, fmt.Errorf("--metrics-listen %s: give HOST:PORT (127.0.0.1:9464), or off", o.metricsListen)
	}
	if _, _, err := net.SplitHostPort(o.radiusListen); o.radiusListen != "" && err != nil {
		return o, fmt.Errorf("--radius-listen %s: give HOST:PORT (0.0.0.0:1812)", o.radiusListen)
	}
	if o.tlsCert == "" && !loopback(o.listen) {
		return o, fmt.Errorf("%s is not a loopback address: serve it with --tls-cert and --tls-key, or listen on 127.0.0.1", o.listen)
	}
	return o, nil
}

// loopback reports whether addr listens on a loopback address only.
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

// run serves until ctx ends (SIGTERM), then stops accepting, finishes the
// requests in flight and closes the store.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	folder, err := openService(ctx, o, log)
	if err != nil {
		if ce := (*core.Error)(nil); errors.As(err, &ce) {
			return errors.New(core.ErrorMessage(err))
		}
		// Unlike a client, the operator starting the service is told what
		// failed (pgx leaves a URL's password out of its errors).
		return fmt.Errorf("cannot open the store: %v", err)
	}
	defer folder.Close()
	svc := folder.Service
	if err := prepareSetup(ctx, folder, log); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := svc.Policy(r.Context()); err != nil {
			http.Error(w, "the store does not answer", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	api := remote.NewServer(svc, log)
	api.TrustedProxies = o.trustedProxies
	mux.Handle("/", api) // not /metrics: anyone who reaches the API would read them
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	done := make(chan error, 3)
	servers := []*http.Server{srv}
	stopRadius, err := serveRadius(o, folder, api, log, done)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopRadius()
	if o.metricsListen != "" {
		mln, err := net.Listen("tcp", o.metricsListen)
		if err != nil {
			ln.Close()
			return fmt.Errorf("--metrics-listen: %w", err)
		}
		mmux := http.NewServeMux()
		mmux.Handle("GET /metrics", api.Metrics())
		msrv := &http.Server{Handler: mmux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
			WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		servers = append(servers, msrv)
		go func() { done <- msrv.Serve(mln) }()
		log.Info("serving metrics", "addr", mln.Addr().String())
	}
	go func() {
		if o.tlsCert != "" {
			done <- srv.ServeTLS(ln, o.tlsCert, o.tlsKey)
		} else {
			done <- srv.Serve(ln)
		}
	}()
	log.Info("serving", "addr", ln.Addr().String(), "store", storeKind(o.store), "tls", o.tlsCert != "")
	var serveErr error
	select {
	case serveErr = <-done:
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stopErr error
	for _, s := range servers {
		stopErr = errors.Join(stopErr, s.Shutdown(shutdown))
	}
	svc.WaitBackground()
	if serveErr != nil {
		return serveErr
	}
	return stopErr
}

func storeKind(s string) string { k, _, _ := strings.Cut(s, ":"); return k }

// openService opens the store named by --store and the service over it.
func openService(ctx context.Context, o options, log *slog.Logger) (*datafolder.Folder, error) {
	opts := datafolder.Options{Dir: o.data, KeyFile: o.keyFile, Config: o.config, Log: log, Worker: true, Queue: true, Sync: true}
	if dir, ok := strings.CutPrefix(o.store, "sqlite:"); ok {
		opts.Dir = dir
	} else if strings.HasPrefix(o.store, "postgres://") || strings.HasPrefix(o.store, "postgresql://") {
		opts.Store = func(ctx context.Context) (core.Store, error) { return postgres.Open(ctx, o.store) }
	} else {
		return nil, core.Errorf(core.EINVALID, "--store %q: use sqlite:DIR or postgres://USER@HOST:5432/DB.", storeKind(o.store))
	}
	return datafolder.Open(ctx, opts)
}

// SetupTokenFile is the file in the state folder holding the one-time
// token that lets another machine create the first account.
const SetupTokenFile = "setup-token"

// prepareSetup, on a store without accounts, writes a new setup token
// 0600 into the state folder (through a temporary file renamed into
// place) and gives it to the service; on a store with accounts it removes
// a token file left from the first start. Only the file's path is logged.
func prepareSetup(ctx context.Context, f *datafolder.Folder, log *slog.Logger) error {
	path := filepath.Join(f.Dir, SetupTokenFile)
	need, err := f.Service.NeedsFirstAccount(ctx)
	if err != nil {
		return err
	}
	if !need {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove the used setup token: %w", err)
		}
		return nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	token := hex.EncodeToString(b)
	tmp, err := os.CreateTemp(f.Dir, ".setup-token-*")
	if err != nil {
		return fmt.Errorf("write the setup token: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write the setup token: %w", err)
	}
	if _, err := tmp.WriteString(token + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("write the setup token: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write the setup token: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write the setup token: %w", err)
	}
	f.Service.AllowSetup(token)
	log.Info("no account yet: create the first one from this machine, or from another with the setup token in the file",
		"file", path)
	return nil
}

// serveRadius answers RADIUS on --radius-listen (when given) for the
// configured clients, with its series among the API's metrics. It returns
// what stops it: closing the socket, then waiting for the requests under
// way.
func serveRadius(o options, folder *datafolder.Folder, api *remote.Server, log *slog.Logger, done chan<- error) (func(), error) {
	if o.radiusListen == "" {
		return func() {}, nil
	}
	clients, err := folder.Config.RadiusClients(nil, "")
	if err != nil {
		return nil, errors.New(core.ErrorMessage(err))
	}
	if len(clients) == 0 {
		return nil, errors.New("--radius-listen: securityinfo.toml names no [[radius.client]] to answer (name, address, secret)")
	}
	m := radius.NewMetrics()
	api.MustRegister(m.Collectors()...)
	rs, err := radius.NewServer(clients, folder.Service, radius.Options{Log: log, Metrics: m})
	if err != nil {
		return nil, errors.New(core.ErrorMessage(err))
	}
	pc, err := net.ListenPacket("udp", o.radiusListen)
	if err != nil {
		return nil, fmt.Errorf("--radius-listen: %w", err)
	}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		if err := rs.Serve(pc); err != nil {
			done <- err
		}
	}()
	names := make([]string, len(clients))
	for i, c := range clients {
		names[i] = c.Name
	}
	log.Info("serving RADIUS", "addr", pc.LocalAddr().String(), "clients", strings.Join(names, ","))
	return func() { pc.Close(); <-stopped }, nil
}
