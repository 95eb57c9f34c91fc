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
