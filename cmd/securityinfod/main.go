// Command securityinfod is the organisation's central service: the
// HTTP/JSON API of core.Service (core/remote) over a store.
//
//	securityinfod --listen 127.0.0.1:8443 --store sqlite:DIR|postgres://... --key-file FILE [--config FILE] [--tls-cert F --tls-key F]
//	              [--metrics-listen 127.0.0.1:9464|off]
//	securityinfod --version
//	securityinfod bench --store ... --key-file FILE [--accounts N] [--clients N] [--duration D] [--server URL] [--cpuprofile F]
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/securityinfo/securityinfo/internal/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) == 2 && (os.Args[1] == "--version" || os.Args[1] == "-version") {
		fmt.Println(version.String("securityinfod"))
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "bench" {
		err = bench(ctx, os.Args[2:], os.Stdout, os.Stderr)
	} else {
		err = run(ctx, os.Args[1:], os.Stderr)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "securityinfod: %v\n", err)
		os.Exit(1)
	}
}
