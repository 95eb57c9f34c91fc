package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/keyring"
	"github.com/securityinfo/securityinfo/core/remote"
)

// openServer returns the central service's client and, when a token is
// kept from login and its session is still live, acts as its account.
func (c *cli) openServer(ctx context.Context) (context.Context, core.Service, error) {
	hc, err := remote.HTTPClient(c.caFile)
	if err != nil {
		return ctx, nil, err
	}
	svc, err := remote.NewClient(c.server, hc)
	if err != nil {
		return ctx, nil, err
	}
	if c.loggingIn {
		return ctx, svc, nil // login starts a session: an old token is neither read nor sent
	}
	token, err := c.loadToken()
	if err != nil || token == "" {
		return ctx, svc, err
	}
	who, err := svc.ResumeSession(ctx, token)
	if err != nil {
		if core.ErrorCode(err) == core.EEXPIRED {
			return ctx, svc, nil // ended: commands say to log in again
		}
		return ctx, nil, err
	}
	c.me = who.Account
	return core.WithActor(ctx, core.SessionActor(who.Session, who.Account, "cli")), svc, nil
}

// tokenName is the keyring entry of the session token of a server.
func (c *cli) tokenName() string { return "session " + strings.TrimRight(c.server, "/") }

// loadToken returns the session token kept by login ("" when none). A
// token file others may read is refused, as the key file is: whoever reads
// it is signed in as the account.
func (c *cli) loadToken() (string, error) {
	if c.tokenFile != "" {
		f, err := os.Open(c.tokenFile)
		if errors.Is(err, os.ErrNotExist) {
			return "", nil
		}
		if err != nil {
			return "", core.Errorf(core.EUNAVAILABLE, "Cannot read the token file %s.", c.tokenFile)
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
			return "", core.Errorf(core.EUNAVAILABLE, "The token file %s can be read by other users (mode %v). Run: chmod 600 %s (and log in again if someone may have read it).",
				c.tokenFile, fi.Mode().Perm(), c.tokenFile)
		}
		b, err := io.ReadAll(io.LimitReader(f, 4<<10))
		if err != nil {
			return "", core.Errorf(core.EUNAVAILABLE, "Cannot read the token file %s.", c.tokenFile)
		}
		return strings.TrimSpace(string(b)), nil
	}
	t, _, err := keyring.Keyring{}.Token(c.tokenName())
	return t, err
}

// saveToken keeps the token of login. The token file is written as a new
// 0600 file in the same folder and renamed over the old one, so the token
// is never in a file others can read, even for a moment, and a symlink at
// the path is replaced, not followed.
func (c *cli) saveToken(token string) error {
	if c.tokenFile != "" {
		if err := writePrivate(c.tokenFile, []byte(token+"\n")); err != nil {
			return core.Errorf(core.EUNAVAILABLE, "Cannot write the token file %s: %v.", c.tokenFile, err)
		}
		return nil
	}
	return keyring.Keyring{}.SetToken(c.tokenName(), token)
}

// writePrivate replaces path by a file only its owner can read holding data.
func writePrivate(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*") // 0600
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

func (c *cli) forgetToken() error {
	if c.tokenFile != "" {
		if err := os.Remove(c.tokenFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return core.Errorf(core.EUNAVAILABLE, "Cannot remove the token file %s.", c.tokenFile)
		}
		return nil
	}
	return keyring.Keyring{}.DeleteToken(c.tokenName())
}

func serverCommands() []*command {
	var a signInArgs
	return []*command{{
		path: "login",
		help: "Sign in to the central service (--server URL) and keep the session token in --token-file or the keyring.\n" +
			"The password is read from standard input. With an authenticator app give --code; for a phone run with\n" +
			"--send, then again with --sign-in ID --verification ID --code C, as signin check does.",
		flags: a.flags,
		run: func(ctx context.Context, c *cli, args []string) error {
			if c.server == "" {
				return usageError{"login needs --server URL before the command"}
			}
			if a.account == "" {
				return usageError{"login needs --account"}
			}
			c.loggingIn = true
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			step, err := c.signIn(ctx, svc, &a, "login")
			if err != nil || step == nil {
				return err
			}
			if err := c.saveToken(step.Session.ID); err != nil {
				return err
			}
			return c.signedIn(step, false)
		},
	}, {
		path: "logout",
		help: "End the session kept by login and forget its token.",
		run: func(ctx context.Context, c *cli, args []string) error {
			if c.server == "" {
				return usageError{"logout needs --server URL before the command"}
			}
			token, err := c.loadToken()
			if err != nil {
				return err
			}
			if token != "" {
				_, svc, err := c.open(ctx)
				if err != nil {
					return err
				}
				if err := svc.SignOut(ctx, token); err != nil {
					return err
				}
			}
			if err := c.forgetToken(); err != nil {
				return err
			}
			fmt.Fprintln(c.stdout, "Signed out.")
			return nil
		},
	}}
}
