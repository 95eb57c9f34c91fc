// Command securityinfoctl is the command-line companion of Security info:
// accounts, policy, methods and the audit log of a data folder, for
// administrators, scripts and tests. It is pure Go (CGO_ENABLED=0).
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
