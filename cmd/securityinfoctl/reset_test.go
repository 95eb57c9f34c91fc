package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// TestPasswordResetJSONLines drives `password reset --json` as a script
// would: read a step, answer it, with the code read from the outbox.
func TestPasswordResetJSONLines(t *testing.T) {
	e := newEnv(t)
	e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "alice@contoso.com", "--password-stdin")
	var ch map[string]any
	json.Unmarshal([]byte(e.mustCtl("", "--as", "alice@contoso.com", "methods", "add", "phone", "--number", "+442079460958", "--json")), &ch)
	c, _ := e.lastOutboxCode()
	e.mustCtl("", "--as", "alice@contoso.com", "methods", "confirm", ch["verificationId"].(string), c)

	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan int)
	go func() {
		code := run(context.Background(), []string{"--data", e.data, "--key-file", e.key, "password", "reset", "--account", "alice@contoso.com", "--json"},
			inR, outW, io.Discard)
		outW.Close()
		done <- code
	}()
	lines := bufio.NewScanner(outR)
	next := func() map[string]any {
		t.Helper()
		if !lines.Scan() {
			t.Fatal("the reset stopped early")
		}
		var m map[string]any
		if err := json.Unmarshal(lines.Bytes(), &m); err != nil {
			t.Fatalf("%q: %v", lines.Text(), err)
		}
		return m
	}
	answer := func(v any) {
		b, _ := json.Marshal(v)
		inW.Write(append(b, '\n'))
	}
	step := next()
	opts := step["options"].([]any)
	if step["step"] != "choose" || len(opts) != 3 || opts[0].(map[string]any)["masked"] != "+XX XXXXXXXX58" ||
		opts[2].(map[string]any)["kind"] != "recoveryCodes" {
		t.Fatalf("choose: %v", step)
	}
	answer(map[string]string{"option": opts[0].(map[string]any)["id"].(string)})
	if step = next(); step["step"] != "code" || step["destination"] != "+XX XXXXXXXX58" {
		t.Fatalf("code: %v", step)
	}
	answer(map[string]string{"code": "000000x"})
	if step = next(); step["step"] != "error" || !strings.Contains(step["message"].(string), "wrong") || step["reason"] != "code.wrong" ||
		step["args"].(map[string]any)["Left"] != 4.0 {
		t.Fatalf("wrong code: %v", step)
	}
	if step = next(); step["step"] != "code" { // the same code, asked again
		t.Fatalf("after a wrong code: %v", step)
	}
	code, _ := e.lastOutboxCode()
	answer(map[string]string{"code": code})
	if step = next(); step["step"] != "password" {
		t.Fatalf("password: %v", step)
	}
	answer(map[string]string{"password": "short"})
	if step = next(); step["step"] != "error" || !strings.Contains(step["message"].(string), "at least 8") {
		t.Fatalf("short password: %v", step)
	}
	next()
	answer(map[string]string{"password": "k8#mQz!vR"})
	if step = next(); step["step"] != "done" {
		t.Fatalf("done: %v", step)
	}
	inW.Close()
	if rc := <-done; rc != 0 {
		t.Fatalf("exit %d", rc)
	}
	// The new password works; the old one does not.
	if rc, _, errs := e.ctl("a long enough passphrase\n", "signin", "check", "--account", "alice@contoso.com", "--password-stdin", "--send"); rc != 1 || !strings.Contains(errs, "incorrect") {
		t.Fatalf("old password: %d %s", rc, errs)
	}
	if out := e.mustCtl("k8#mQz!vR\n", "signin", "check", "--account", "alice@contoso.com", "--password-stdin", "--send"); !strings.Contains(out, "A code was sent") {
		t.Fatalf("new password: %s", out)
	}
}

func TestPasswordResetPrompts(t *testing.T) {
	e := newEnv(t)
	// A made-up name shows made-up methods drawn from the folder's key (new
	// each run): a code or an app's code, or security questions, each
	// answered wrong as a real one would be.
	rc, out, errs := e.ctl(strings.Repeat("1\n123456\n", 4), "password", "reset", "--account", "nobody@contoso.com")
	if rc != 1 || !strings.Contains(out, "Prove who you are (1 of 1). Choose:") ||
		!strings.Contains(out, "That code is wrong.") && !strings.Contains(out, "One or more answers are wrong.") {
		t.Fatalf("unknown account: %d\n%s\n%s", rc, out, errs)
	}
}
