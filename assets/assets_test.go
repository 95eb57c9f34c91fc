package assets_test

import (
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/assets"
)

// sameInBoth are texts that German writes as English does.
var sameInBoth = map[string]bool{
	"ui.first.namePlaceholder": true, "ui.overview.name": true, "ui.phone.extensionPlaceholder": true, "ui.role.admin": true,
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
