package ui

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/go-text/typesetting/font"
	"github.com/securityinfo/securityinfo/assets"
)

// TestEveryCharacterInTheFont: every character the window writes of its
// own (its translations, and the strings in its code and the core's) is in the theme's
// text font, regular and bold. A character that is not is drawn from
// another font, and Fyne 2.8 then draws the space after it from that font
// too, where it has no glyph: the outbox once read "Text →� +44…".
func TestEveryCharacterInTheFont(t *testing.T) {
	th := NewTheme()
	var faces []*font.Face
	for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
		f, err := font.ParseTTF(bytes.NewReader(th.Font(style).Content()))
		if err != nil {
			t.Fatal(err)
		}
		faces = append(faces, f)
	}
	texts := map[string]string{} // where: the text
	err := fs.WalkDir(assets.Translations, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		b, err := assets.Translations.ReadFile(p)
		if err != nil {
			return err
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		for k, v := range m {
			texts[p+" "+k] = v
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	// The window's strings, and the core's: its details and messages
	// (audit lines, labels, reasons in English) are shown as they are.
	var files []string
	for _, dir := range []string{".", "../core"} {
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if !strings.HasSuffix(n, "_test.go") {
				files = append(files, n)
			}
		}
	}
	for _, name := range files {
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					texts[fset.Position(lit.Pos()).String()] = s
				}
			}
			return true
		})
	}
	if len(texts) < 500 {
		t.Fatalf("only %d texts read", len(texts))
	}
	for where, s := range texts {
		for _, r := range s {
			if r < ' ' {
				continue // line breaks and tabs are laid out, not drawn
			}
			for i, f := range faces {
				if _, ok := f.NominalGlyph(r); !ok {
					t.Errorf("%s: %q (U+%04X) is not in the theme's font (style %d): %q", where, r, r, i, s)
				}
			}
		}
	}
}
