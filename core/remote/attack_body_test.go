package remote_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/remote"
)

// post sends raw as a JSON body and returns the status and the problem.
func (e *env) post(path, raw string) (int, remote.Problem) {
	e.t.Helper()
	res, err := http.Post(e.srv.URL+path, "application/json", strings.NewReader(raw))
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var p remote.Problem
	if err := json.Unmarshal(b, &p); err != nil {
		e.t.Fatalf("POST %s: %d %s: not a problem: %v", path, res.StatusCode, b, err)
	}
	return res.StatusCode, p
}

// Someone probing the API with malformed bodies learns the server's Go
// types from the errors ("cannot unmarshal number into Go struct field
// signInBody.name of type string"): the answer names the JSON field and
// the JSON type expected, and nothing of the implementation.
func TestAttackBodyErrorsNameNoGoTypes(t *testing.T) {
	e := newEnv(t)
	leaks := []string{"Go ", "struct", "signInBody", "resetOptionBody", "resetKeyBody", "remote.", "core.", "json:", "unmarshal", "main.",
		"[]uint8", "map[", "int64", "float64", "base64."}
	for _, c := range []struct {
		path, body, want string
	}{
		{"/v1/signIn", `{"name": 5, "password": "x"}`, "The request body is not valid: field name has the wrong type (expected string)."},
		{"/v1/signIn", `{"name": "a", "password": {"p": 1}}`, "The request body is not valid: field password has the wrong type (expected string)."},
		{"/v1/signIn", `{"name": 1e999}`, "The request body is not valid: field name has the wrong type (expected string)."},
		{"/v1/signIn", `{"name": "a", "password": "b", "admin": true}`, `The request body is not valid: unknown field "admin".`},
		{"/v1/signIn", `{"name": "a", "password": `, "The request body is not valid JSON."},
		{"/v1/signIn", `{"name" "a"}`, "The request body is not valid JSON."},
		{"/v1/signIn", `[1, 2]`, "The request body must be a JSON object."},
		{"/v1/signIn", `"alice"`, "The request body must be a JSON object."},
		{"/v1/passwordResets/0123456789abcdef0123456789abcdef/answers", `{"answers": {"q1": 5}}`, // encoding/json names no map key
			"The request body is not valid: field answers has the wrong type (expected string)."},
		{"/v1/passwordResets/0123456789abcdef0123456789abcdef/answers", `{"answers": ["a"]}`,
			"The request body is not valid: field answers has the wrong type (expected object)."},
		{"/v1/passwordResets/0123456789abcdef0123456789abcdef/securityKey/0123456789abcdef0123456789abcdef",
			`{"assertion": {"signature": 7}}`, "The request body is not valid: field assertion.signature has the wrong type (expected base64 string)."},
		{"/v1/passwordResets/0123456789abcdef0123456789abcdef/securityKey/0123456789abcdef0123456789abcdef",
			`{"assertion": {"signature": "!!not base64!!"}}`, "The request body is not valid: a value has the wrong form."},
	} {
		status, p := e.post(c.path, c.body)
		if status != http.StatusBadRequest || p.Status != status || p.Code != core.EINVALID || p.Detail != c.want {
			t.Errorf("%s %s: %d %+v\nwant 400 %q", c.path, c.body, status, p, c.want)
		}
		for _, l := range leaks {
			if strings.Contains(p.Detail, l) {
				t.Errorf("%s %s: the answer names the implementation (%q): %s", c.path, c.body, l, p.Detail)
			}
		}
	}
}

// A body over the limit is "413 Content Too Large", as HTTP says, not a
// 400 a client would take for a mistake in its fields.
func TestAttackBodyTooLargeIs413(t *testing.T) {
	e := newEnv(t)
	status, p := e.post("/v1/signIn", `{"name": "`+strings.Repeat("a", 65<<10)+`", "password": "x"}`)
	if status != http.StatusRequestEntityTooLarge || p.Status != status || p.Code != core.EINVALID || p.Title != http.StatusText(status) ||
		p.Detail != "The request body is larger than 64 KiB." {
		t.Fatalf("65 KiB body: %d %+v", status, p)
	}
	// Just under the limit is read (and refused for what it says).
	status, _ = e.post("/v1/signIn", `{"name": "`+strings.Repeat("a", 60<<10)+`", "password": "x"}`)
	if status == http.StatusRequestEntityTooLarge {
		t.Fatalf("60 KiB body: %d", status)
	}
}
