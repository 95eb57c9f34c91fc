package assets_test

import (
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/core"
)

// sameInBoth are texts that German writes as English does.
var sameInBoth = map[string]bool{
	"ui.first.namePlaceholder": true, "ui.overview.name": true, "ui.phone.extensionPlaceholder": true, "ui.role.admin": true,
	"ui.about.version": true, "kind.windowsHello": true, // a product's name
}

// TestTranslationsComplete checks every language has every key, with the
// same template fields as English.
func TestTranslationsComplete(t *testing.T) {
	tr := &assets.Translator{}
	langs := tr.Languages()
	if len(langs) < 2 || langs[0] != "de" || langs[1] != "en" {
		t.Fatalf("languages = %v, want de and en", langs)
	}
	for _, key := range tr.Keys("") {
		en := tr.Text("en", key, nil)
		for _, l := range langs {
			got := tr.Text(l, key, nil)
			if got == key {
				t.Errorf("%s lacks %s", l, key)
			}
			if l != "en" && got == en && !sameInBoth[key] {
				t.Errorf("%s %s is not translated: %q", l, key, got)
			}
		}
	}
}

func TestText(t *testing.T) {
	tr := &assets.Translator{}
	data := map[string]any{"Code": "123456", "Issuer": "Contoso", "Minutes": 10}
	if got := tr.Text("de-DE", "message.code.sms", data); !strings.HasPrefix(got, "123456 ist Ihr Bestätigungscode für Contoso") {
		t.Errorf("German SMS = %q", got)
	}
	if got := tr.Text("fr", "message.code.sms", data); !strings.HasPrefix(got, "123456 is your Contoso verification code") {
		t.Errorf("French falls back to English: %q", got)
	}
	if got := tr.Text("en", "no.such.key", nil); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
	if n := len(tr.Keys("question.")); n < 20 {
		t.Errorf("question bank has %d questions, want at least 20", n)
	}
}

// TestCoreReasonsTranslated checks every reason key of the core has its
// words in every language, English exactly as the core writes them, so the
// window chooses words by key and never by the English text.
func TestCoreReasonsTranslated(t *testing.T) {
	tr := &assets.Translator{}
	args := map[string]any{"Left": 2, "Max": 5, "Until": "10:57 UTC", "Wait": "30 seconds", "Seconds": 30, "At": "10:57 UTC",
		"N": 2, "Domain": "contoso.com", "Date": "1 January 2027", "Name": "alice@contoso.com"}
	for _, key := range core.Reasons() {
		if got, want := tr.Text("en", "error."+key, args), core.RenderReason(core.ReasonText(key), args); got != want {
			t.Errorf("en error.%s = %q, the core says %q", key, got, want)
		}
		for _, l := range tr.Languages() {
			if !tr.HasIn(l, "error."+key) {
				t.Errorf("%s has no error.%s", l, key)
			}
			if got := tr.Text(l, "error."+key, args); strings.Contains(got, "{{") || strings.Contains(got, "<no value>") {
				t.Errorf("%s error.%s renders as %q", l, key, got)
			}
		}
	}
}
