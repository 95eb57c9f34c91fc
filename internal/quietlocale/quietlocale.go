// Package quietlocale, imported for its side effect, makes the toolkit's
// locale lookup quiet when the system locale is not a language tag ("C",
// "POSIX", "C.UTF-8", as on servers and CI). Fyne reads the locale while
// its packages initialise and logs an error for "C"; this package sets the
// deciding variable to English for this process first. The window falls
// back to English in that case anyway (ui.SystemLanguage).
//
// It runs first because Go initialises packages in import-path order
// among those whose imports are ready: this one needs only os and
// strings, and sorts before golang.org/x/text, which Fyne's lang package
// needs.
package quietlocale

import (
	"os"
	"strings"
)

func init() { Apply(os.Getenv, os.Setenv) }

// Apply sets the first of LC_ALL, LC_MESSAGES and LANG that is set to
// en_US.UTF-8 when its value is C or POSIX.
func Apply(getenv func(string) string, setenv func(string, string) error) {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		base, _, _ := strings.Cut(strings.NewReplacer("_", "-", ".", "-", "@", "-").Replace(v), "-")
		if base == "C" || base == "POSIX" {
			setenv(name, "en_US.UTF-8")
		}
		return
	}
}
