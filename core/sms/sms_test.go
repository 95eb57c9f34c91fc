package sms_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/sms"
)

const (
	sid   = "AC0123456789abcdef0123456789abcdef"
	token = "twilio-auth-token-canary"
	from  = "+14155550100"
)

// twilioServer stands in for api.twilio.com and checks each request the
// way Twilio's REST API documents it: POST to
// /2010-04-01/Accounts/{AccountSid}/Messages.json (To, From, Body) or
// Calls.json (To, From, Twiml), form-encoded, HTTP basic auth with the
// account SID and auth token; it answers 201 with the created resource.
func twilioServer(t *testing.T, got *[]url.Values, fail bool) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != sid || p != token {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`)
			return
		}
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			t.Errorf("%s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
		}
		var want []string
		switch r.URL.Path {
		case "/2010-04-01/Accounts/" + sid + "/Messages.json":
			want = []string{"Body", "From", "To"}
		case "/2010-04-01/Accounts/" + sid + "/Calls.json":
			want = []string{"From", "To", "Twiml"}
		default:
			t.Errorf("path %s", r.URL.Path)
			w.WriteHeader(http.StatusNotFound)
			return
		}
		r.ParseForm()
		var keys []string
		for k := range r.PostForm {
			keys = append(keys, k)
		}
		if len(keys) != len(want) {
			t.Errorf("form keys %v, want %v", keys, want)
		}
		for _, k := range want {
			if len(r.PostForm[k]) != 1 {
				t.Errorf("form key %s = %v", k, r.PostForm[k])
			}
		}
		*got = append(*got, r.PostForm)
		w.Header().Set("Content-Type", "application/json")
		if fail {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"code":21211,"message":"The 'To' number `+r.PostForm.Get("To")+` is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"sid":"SM00000000000000000000000000000000","status":"queued"}`)
	}))
}

func TestTwilioMessagesAndCalls(t *testing.T) {
	var got []url.Values
	srv := twilioServer(t, &got, false)
	defer srv.Close()
	tw, err := sms.NewTwilio(sms.TwilioConfig{AccountSID: sid, AuthToken: token, From: from, BaseURL: srv.URL}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Send(context.Background(), core.Message{Channel: core.ChannelSMS, To: "+442079460958", Language: "en", Text: "123456 is your code."}); err != nil {
		t.Fatal(err)
	}
	if err := tw.Send(context.Background(), core.Message{Channel: core.ChannelVoice, To: "+4930901820", Language: "de", Text: "Ihr Code lautet 1, 2 & 3."}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d requests", len(got))
	}
	if got[0].Get("To") != "+442079460958" || got[0].Get("From") != from || got[0].Get("Body") != "123456 is your code." {
		t.Fatalf("message form %v", got[0])
	}
	wantTwiml := `<?xml version="1.0" encoding="UTF-8"?><Response><Say language="de-DE">Ihr Code lautet 1, 2 &amp; 3.</Say></Response>`
	if got[1].Get("To") != "+4930901820" || got[1].Get("Twiml") != wantTwiml {
		t.Fatalf("call form %v", got[1])
	}
	if err := tw.Send(context.Background(), core.Message{Channel: core.ChannelEmail, To: "a@b.co"}); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("email through Twilio: %v", err)
	}
}

func TestTwilioErrors(t *testing.T) {
	var got []url.Values
	srv := twilioServer(t, &got, true)
	defer srv.Close()
	tw, _ := sms.NewTwilio(sms.TwilioConfig{AccountSID: sid, AuthToken: token, From: from, BaseURL: srv.URL}, srv.Client())
	err := tw.Send(context.Background(), core.Message{Channel: core.ChannelSMS, To: "+442079460958", Text: "x"})
	msg := core.ErrorMessage(err)
	if core.ErrorCode(err) != core.EUNAVAILABLE || !strings.Contains(msg, "error 21211") || strings.Contains(msg, "442079460958") || !strings.Contains(msg, "+XX XXXXXXXX58") {
		t.Fatalf("refused number: %v", err)
	}
	bad, _ := sms.NewTwilio(sms.TwilioConfig{AccountSID: sid, AuthToken: "wrong", From: from, BaseURL: srv.URL}, srv.Client())
	if err := bad.Send(context.Background(), core.Message{Channel: core.ChannelSMS, To: "+442079460958", Text: "x"}); !strings.Contains(core.ErrorMessage(err), "error 20003") {
		t.Fatalf("bad token: %v", err)
	}
	srv.Close()
	err = tw.Send(context.Background(), core.Message{Channel: core.ChannelVoice, To: "+442079460958", Text: "x"})
	if core.ErrorCode(err) != core.EUNAVAILABLE || !strings.HasPrefix(core.ErrorMessage(err), "The call could not be sent: Twilio could not be reached") {
		t.Fatalf("unreachable: %v", err)
	}
	for _, cfg := range []sms.TwilioConfig{{AuthToken: token, From: from}, {AccountSID: sid, From: from}, {AccountSID: sid, AuthToken: token},
		{AccountSID: sid, AuthToken: token, From: from, BaseURL: "ftp://x"}} {
		if _, err := sms.NewTwilio(cfg, nil); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

func TestWebhook(t *testing.T) {
	var got []sms.WebhookPayload
	status := http.StatusAccepted
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Authorization") != "Bearer hook-token" {
			t.Errorf("%s %q %q", r.Method, r.Header.Get("Content-Type"), r.Header.Get("Authorization"))
		}
		var raw map[string]any
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &raw)
		var keys []string
		for k := range raw {
			keys = append(keys, k)
		}
		if len(keys) != 5 {
			t.Errorf("payload keys %v", keys)
		}
		var p sms.WebhookPayload
		json.Unmarshal(b, &p)
		got = append(got, p)
		w.WriteHeader(status)
	}))
	defer srv.Close()
	wh, err := sms.NewWebhook(sms.WebhookConfig{URL: srv.URL + "/send", Token: "hook-token"}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	m := core.Message{Channel: core.ChannelVoice, To: "+442079460958", Language: "de", Text: "Ihr Code", Purpose: core.PurposeCode}
	if err := wh.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	want := sms.WebhookPayload{Channel: core.ChannelVoice, To: "+442079460958", Language: "de", Text: "Ihr Code", Purpose: core.PurposeCode}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("payload %+v", got)
	}
	status = http.StatusBadGateway
	if err := wh.Send(context.Background(), m); core.ErrorCode(err) != core.EUNAVAILABLE || !strings.Contains(core.ErrorMessage(err), "502") {
		t.Fatalf("gateway error: %v", err)
	}
	if _, err := sms.NewWebhook(sms.WebhookConfig{URL: "not a url"}, nil); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("bad URL: %v", err)
	}
}
