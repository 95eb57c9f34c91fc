package ui

import (
	"os"
	"strings"

	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/core"
)

// text renders the window's strings in one language, from the same
// translation files as the messages sent to methods.
type text struct{ lang string }

// T returns the text of key ("ui." is prefixed).
func (t text) T(key string) string { return assets.Default.Text(t.lang, "ui."+key, nil) }

// F returns the text of key with its {{.Name}} fields filled from
// name/value pairs.
func (t text) F(key string, pairs ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(pairs); i += 2 {
		data[pairs[i].(string)] = pairs[i+1]
	}
	return assets.Default.Text(t.lang, "ui."+key, data)
}

// Error is what the window says for err: the words of its reason key in
// the window's language, else the core's message ("Internal error." for
// anything unexpected). The window never decides on the English text.
func (t text) Error(err error) string {
	if key, args := core.ErrorReason(err); key != "" && assets.Default.HasIn(t.lang, "error."+key) {
		return assets.Default.Text(t.lang, "error."+key, args)
	}
	return core.ErrorMessage(err)
}

// Kind names a method kind.
func (t text) Kind(k core.MethodKind) string {
	return assets.Default.Text(t.lang, "kind."+string(k), nil)
}

// KindInSentence names a method kind in the middle of a sentence:
// lower-case in English ("Call my phone"), as it is in German, whose nouns
// keep their capital.
func (t text) KindInSentence(k core.MethodKind) string {
	s := t.Kind(k)
	if t.lang != "en" || s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// phone is a number in international format with its extension in the
// window's language: "+49 30 901820 ext. 123", "… Durchwahl 123".
func (t text) phone(e164, extension string) string {
	s := core.FormatPhone(e164, "")
	if extension != "" {
		s += " " + t.T("phone.ext") + " " + extension
	}
	return s
}

// SystemLanguage picks the window's language from the environment
// (LC_ALL, LC_MESSAGES, LANG, then LANGUAGE's first entry), falling back
// quietly to English when it is "C", "POSIX" or a language without a
// translation.
func SystemLanguage(getenv func(string) string) string {
	if getenv == nil {
		getenv = os.Getenv
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		v := getenv(name)
		if name == "LANGUAGE" {
			v, _, _ = strings.Cut(v, ":")
		}
		if v == "" {
			continue
		}
		if l, err := core.NormalizeLanguage(v); err == nil {
			return l
		}
		return "en" // the first one set decides, as in POSIX
	}
	return "en"
}
