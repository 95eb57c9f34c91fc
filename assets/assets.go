// Package assets holds what the programs ship besides code: the
// translations of every user-facing text (messages sent to methods, the
// window's text and the security question bank) and the app icon. It
// imports no toolkit, so the core and the window load text through the
// same Translator.
package assets

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"text/template"
)

// Translations are the flat JSON files, one per language ("en.json"), in
// the format Fyne's lang package reads, so the window can register the same
// files with it.
//
//go:embed translations/*.json
var Translations embed.FS

// Fallback is the language used when a text or a language is missing.
const Fallback = "en"

// Translator renders texts by key in a language.
type Translator struct {
	once  sync.Once
	err   error
	texts map[string]map[string]string // lang -> key -> text
}

// Default is the translator over the embedded files.
var Default = &Translator{}

func (t *Translator) load() {
	t.texts = map[string]map[string]string{}
	entries, err := fs.ReadDir(Translations, "translations")
	if err != nil {
		t.err = err
		return
	}
	for _, e := range entries {
		b, err := Translations.ReadFile("translations/" + e.Name())
		if err != nil {
			t.err = err
			return
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.err = fmt.Errorf("translations/%s: %w", e.Name(), err)
			return
		}
		t.texts[strings.TrimSuffix(e.Name(), ".json")] = m
	}
}

// Languages lists the languages there are translations for, sorted.
func (t *Translator) Languages() []string {
	t.once.Do(t.load)
	var out []string
	for l := range t.texts {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Has reports whether key exists in the fallback language.
func (t *Translator) Has(key string) bool {
	t.once.Do(t.load)
	_, ok := t.texts[Fallback][key]
	return ok
}

// HasIn reports whether lang itself (not the fallback) has key.
func (t *Translator) HasIn(lang, key string) bool {
	t.once.Do(t.load)
	_, ok := t.texts[lang][key]
	return ok
}

// Keys lists the keys with the given prefix, sorted.
func (t *Translator) Keys(prefix string) []string {
	t.once.Do(t.load)
	var out []string
	for k := range t.texts[Fallback] {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Text renders key in lang (falling back to English) with data filling
// its {{.Name}} fields. A missing key renders as the key itself, so a gap
// shows rather than hides.
func (t *Translator) Text(lang, key string, data map[string]any) string {
	t.once.Do(t.load)
	if t.err != nil {
		return key
	}
	base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(lang, "_", "-")), "-")
	src, ok := t.texts[base][key]
	if !ok {
		if src, ok = t.texts[Fallback][key]; !ok {
			return key
		}
	}
	if !strings.Contains(src, "{{") {
		return src
	}
	tpl, err := template.New(key).Option("missingkey=zero").Parse(src)
	if err != nil {
		return src
	}
	var b bytes.Buffer
	if err := tpl.Execute(&b, data); err != nil {
		return src
	}
	return b.String()
}

// Icon is the app icon, a 512-pixel PNG made by icon_gen.go.
//
//go:embed icon.png
var Icon []byte

// Icons are the method-kind and navigation icons, single-colour SVGs that
// the window recolours for light and dark themes.
//
//go:embed icons/*.svg
var Icons embed.FS
