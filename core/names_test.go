package core_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/securityinfo/securityinfo/core"
)

func TestNormalizeText(t *testing.T) {
	tests := []struct {
		name, in, want, wantErr string
	}{
		{"plain", "Alice Smith", "Alice Smith", ""},
		{"trimmed", "  Alice Smith \t", "Alice Smith", ""},
		{"empty", "   ", "", ""},
		{"composed umlaut", "M\u00fcller", "M\u00fcller", ""},
		{"decomposed umlaut", "Mu\u0308ller", "M\u00fcller", ""},
		{"fullwidth", "\uff21\uff4c\uff49\uff43\uff45", "Alice", ""},
		{"ligature", "\ufb01ne", "fine", ""},
		{"no-break space", "Alice\u00a0Smith", "Alice Smith", ""},
		{"ideographic space trimmed", "\u3000Alice\u3000", "Alice", ""},
		{"emoji with variation selector", "Alice \u2764\ufe0f", "Alice \u2764\ufe0f", ""},
		{"cyrillic", "Иван Петров", "Иван Петров", ""},
		{"arabic", "محمد", "محمد", ""},
		{"zero-width space", "Ali\u200bce", "", "The display name contains an invisible formatting character, U+200B ZERO WIDTH SPACE, after \"Ali\"."},
		{"zero-width joiner", "Ali\u200dce", "", "U+200D ZERO WIDTH JOINER"},
		{"zero-width non-joiner", "Ali\u200cce", "", "U+200C ZERO WIDTH NON-JOINER"},
		{"word joiner", "Ali\u2060ce", "", "U+2060 WORD JOINER"},
		{"byte order mark", "\ufeffAlice", "", "U+FEFF ZERO WIDTH NO-BREAK SPACE (BYTE ORDER MARK), at the start"},
		{"soft hyphen", "Ali\u00adce", "", "U+00AD SOFT HYPHEN"},
		{"left-to-right mark", "Alice\u200e", "", "changes the text direction, U+200E LEFT-TO-RIGHT MARK"},
		{"right-to-left mark", "Alice\u200f", "", "U+200F RIGHT-TO-LEFT MARK"},
		{"right-to-left override", "Alice\u202egpj.exe", "", "changes the text direction, U+202E RIGHT-TO-LEFT OVERRIDE"},
		{"left-to-right embedding", "\u202aAlice", "", "U+202A"},
		{"right-to-left isolate", "Alice\u2067x\u2069", "", "U+2067 RIGHT-TO-LEFT ISOLATE"},
		{"pop directional isolate", "Alice\u2069", "", "U+2069"},
		{"arabic letter mark", "Alice\u061c", "", "U+061C"},
		{"tab", "Alice\tSmith", "", "a control character, U+0009 TAB"},
		{"newline", "Alice\nSmith", "", "a control character, U+000A LINE FEED"},
		{"nul", "Alice\x00", "", "U+0000 NULL"},
		{"delete", "Alice\x7f", "", "U+007F DELETE"},
		{"C1 next line", "Alice\u0085Smith", "", "a control character, U+0085 NEXT LINE"},
		{"C1 CSI", "Alice\u009b31m", "", "a control character, U+009B"},
		{"C1 first", "\u0080Alice", "", "a control character, U+0080"},
		{"line separator", "Alice\u2028Smith", "", "a line break, U+2028 LINE SEPARATOR"},
		{"paragraph separator", "Alice\u2029", "", "a line break, U+2029"},
		{"hangul filler", "\u3164", "", "an invisible character, U+3164 HANGUL FILLER"},
		{"halfwidth hangul filler", "Alice\uffa0", "", "an invisible character, U+FFA0 HALFWIDTH HANGUL FILLER"},
		{"combining grapheme joiner", "Ali\u034fce", "", "U+034F"},
		{"tag character", "Alice\U000e0041", "", "an invisible formatting character, U+E0041"},
		{"private use", "Alice\ue000", "", "a private-use character, U+E000"},
		{"supplementary private use", "Alice\U000f0000", "", "a private-use character, U+F0000"},
		{"unassigned", "Alice\u0378", "", "a character not assigned in Unicode, U+0378"},
		{"noncharacter", "Alice\ufffe", "", "not assigned in Unicode, U+FFFE"},
		{"replacement character", "Alice\ufffd", "", "U+FFFD REPLACEMENT CHARACTER"},
		{"invalid UTF-8", "Alice\xff", "", "The display name is not valid text"},
		{"encoded surrogate", "Alice\xed\xa0\x80", "", "not valid text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := core.NormalizeText("display name", tt.in)
			if tt.wantErr != "" {
				if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("NormalizeText(%q) = %q, %v; want EINVALID with %q", tt.in, got, err, tt.wantErr)
				}
				if !strings.Contains(core.ErrorMessage(err), "display name") {
					t.Fatalf("message %q does not name the field", core.ErrorMessage(err))
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeText(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestNormalizeAccountNameUnicode(t *testing.T) {
	tests := []struct {
		name, in, want, wantErr string
	}{
		{"upn", "alice@contoso.com", "alice@contoso.com", ""},
		{"upper case", "Alice@Contoso.COM", "alice@contoso.com", ""},
		{"plain", "bob", "bob", ""},
		{"punctuation", "first.last-2_x+tag@mail.contoso.com", "first.last-2_x+tag@mail.contoso.com", ""},
		{"composed umlaut", "m\u00fcller@contoso.de", "m\u00fcller@contoso.de", ""},
		{"decomposed umlaut", "mu\u0308ller@contoso.de", "m\u00fcller@contoso.de", ""},
		{"upper-case umlaut", "M\u00dcLLER@contoso.de", "m\u00fcller@contoso.de", ""},
		{"fullwidth", "\uff41\uff4c\uff49\uff43\uff45@contoso.com", "alice@contoso.com", ""},
		{"fullwidth at and dot", "alice\uff20contoso\uff0ecom", "alice@contoso.com", ""},
		{"cyrillic local part", "иван@contoso.com", "иван@contoso.com", ""},
		{"upper-case cyrillic", "Иван@contoso.com", "иван@contoso.com", ""},
		{"greek", "νίκος@contoso.gr", "νίκος@contoso.gr", ""},
		{"cyrillic domain", "иван@почта.рф", "иван@почта.рф", ""},
		{"japanese mix", "tanaka山田たなカ@contoso.jp", "tanaka山田たなカ@contoso.jp", ""},
		{"korean mix", "kim김@contoso.kr", "kim김@contoso.kr", ""},
		{"devanagari digits", "राम०१@contoso.in", "राम०१@contoso.in", ""},
		{"no-break space", "alice\u00a0smith", "", "cannot contain ' '"},
		{"zero-width space", "ali\u200bce@contoso.com", "", "The account name contains an invisible formatting character, U+200B ZERO WIDTH SPACE"},
		{"right-to-left override", "alice\u202e@contoso.com", "", "U+202E RIGHT-TO-LEFT OVERRIDE"},
		{"C1 control", "alice\u0085@contoso.com", "", "a control character, U+0085"},
		{"tab", "alice\t@contoso.com", "", "a control character"},
		{"hangul filler", "alice\u3164@contoso.com", "", "an invisible character"},
		{"variation selector", "alice\ufe00@contoso.com", "", "cannot contain"},
		{"emoji", "alice\U0001f600@contoso.com", "", "cannot contain"},
		{"symbol", "alice\u2215bob", "", "cannot contain"},
		{"cyrillic a in admin", "\u0430dmin", "", "The part \"\u0430dmin\" of the account name mixes Cyrillic and Latin letters"},
		{"cyrillic o in domain", "alice@c\u043entoso.com", "", "mixes Latin and Cyrillic"},
		{"greek omicron", "b\u03bfb@contoso.com", "", "mixes Latin and Greek"},
		{"upper-case cyrillic in latin", "\u0410DMIN", "", "mixes Cyrillic and Latin"},
		{"latin in cyrillic", "иваn@contoso.com", "", "mixes Cyrillic and Latin"},
		{"arabic-indic digit in latin", "alice\u0660@contoso.com", "", "mixes Latin and Arabic"},
		{"devanagari digit in latin", "alice\u0966@contoso.com", "", "mixes Latin and Devanagari"},
		{"hangul with hiragana", "김たな", "", "mixes Hangul and Hiragana"},
		{"combining mark first", "\u0301alice@contoso.com", "", "starts with a combining mark"},
		{"combining mark after dot", "alice.\u0301x@contoso.com", "", "starts with a combining mark"},
		{"only invisible", "\u200b", "", "invisible"},
		{"invalid UTF-8", "alice\xff@contoso.com", "", "not valid text"},
		{"too long", strings.Repeat("a", core.MaxAccountNameLength+1), "", "at most"},
		{"two at signs", "a@b@contoso.com", "", "at most one @"},
		{"incomplete", "alice@contoso", "", "not a complete account name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := core.NormalizeAccountName(tt.in)
			if tt.wantErr != "" {
				if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("NormalizeAccountName(%q) = %q, %v; want EINVALID with %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeAccountName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestNameSkeleton(t *testing.T) {
	tests := []struct {
		name, a, b string
		alike      bool
	}{
		{"same", "alice@contoso.com", "alice@contoso.com", true},
		{"case", "Alice@Contoso.com", "alice@contoso.com", true},
		{"cyrillic a", "\u0430dmin", "admin", true},
		{"all cyrillic look-alike", "\u0430\u0440\u0440\u04cf\u0435", "apple", true},
		{"cyrillic letters", "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u0261", "aeopcyxijsdg", true},
		{"cyrillic domain", "alice@c\u043ent\u043es\u043e.com", "alice@contoso.com", true},
		{"greek", "\u03bf\u03b1\u03bd\u03c1", "oavp", true},
		{"greek upper case", "\u039f\u0391", "oa", true},
		{"digit zero", "b0b", "bob", true},
		{"digit one", "pay1", "payl", true},
		{"rn", "rnary", "mary", true},
		{"vv", "vvilliam", "william", true},
		{"fullwidth", "\uff41dmin", "admin", true},
		{"zero-width space", "ad\u200bmin", "admin", true},
		{"soft hyphen", "ad\u00admin", "admin", true},
		{"cyrillic e with diaeresis", "\u0451", "\u00eb", true},
		{"cyrillic yi", "\u0457", "\u00ef", true},
		{"decomposed", "mu\u0308ller", "m\u00fcller", true},
		{"dotless i", "adm\u0131n", "admin", true},
		{"sharp s", "stra\u00dfe", "strasse", true},
		{"umlaut differs", "m\u00fcller", "muller", false},
		{"punctuation differs", "alice.smith", "alice_smith", false},
		{"different", "alice", "bob", false},
		{"cyrillic name", "иван", "ivan", false},
		{"digit two", "bob2", "bobz", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sa, sb := core.NameSkeleton(tt.a), core.NameSkeleton(tt.b)
			if (sa == sb) != tt.alike {
				t.Fatalf("NameSkeleton(%q) = %q, NameSkeleton(%q) = %q; alike = %v, want %v", tt.a, sa, tt.b, sb, sa == sb, tt.alike)
			}
		})
	}
}

func TestValidateMethodNameUnicode(t *testing.T) {
	tests := []struct {
		name, in, want, wantErr string
	}{
		{"plain", "Alice's phone", "Alice's phone", ""},
		{"trimmed", "  Pixel 8 ", "Pixel 8", ""},
		{"fullwidth", "\uff30ixel", "Pixel", ""},
		{"empty", "\u3000", "", "Enter a name"},
		{"right-to-left override", "phone\u202etxt.exe", "", "The name contains an invisible character that changes the text direction, U+202E RIGHT-TO-LEFT OVERRIDE"},
		{"zero-width space", "pho\u200bne", "", "U+200B"},
		{"C1 control", "phone\u009b", "", "a control character"},
		{"newline", "phone\nDeleted all accounts", "", "a control character"},
		{"too long", strings.Repeat("x", core.MaxNameLength+1), "", "at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := core.ValidateMethodName(tt.in)
			if tt.wantErr != "" {
				if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("ValidateMethodName(%q) = %q, %v; want EINVALID with %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ValidateMethodName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestNewAccountValidateDisplayName(t *testing.T) {
	tests := []struct {
		name, display, want, wantErr string
	}{
		{"plain", "Alice Smith", "Alice Smith", ""},
		{"empty takes the name", "  ", "alice@contoso.com", ""},
		{"decomposed", "Ame\u0301lie", "Am\u00e9lie", ""},
		{"right-to-left override", "Alice\u202e", "", "The display name contains an invisible character that changes the text direction"},
		{"zero-width joiner", "Al\u200dice", "", "The display name contains an invisible formatting character"},
		{"C1 control", "Alice\u0085", "", "The display name contains a control character"},
		{"too long", strings.Repeat("x", core.MaxDisplayNameLength+1), "", "at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := core.NewAccount{Name: "Alice@Contoso.com", DisplayName: tt.display}
			err := n.Validate()
			if tt.wantErr != "" {
				if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("Validate(%q) = %v; want EINVALID with %q", tt.display, err, tt.wantErr)
				}
				return
			}
			if err != nil || n.DisplayName != tt.want || n.Name != "alice@contoso.com" {
				t.Fatalf("Validate(%q) = %v, display %q, name %q; want %q", tt.display, err, n.DisplayName, n.Name, tt.want)
			}
		})
	}
}

func TestNormalizeQuestionText(t *testing.T) {
	tests := []struct {
		name, in, want, wantErr string
	}{
		{"plain", "What was the name of your first school?", "What was the name of your first school?", ""},
		{"fullwidth question mark", "What was your first car\uff1f", "What was your first car?", ""},
		{"too short", "Why?", "", "10 to 200 characters"},
		{"zero-width space", "What was\u200b your first car?", "", "The security question contains an invisible formatting character"},
		{"right-to-left override", "What was your first car?\u202e", "", "U+202E"},
		{"C1 control", "What was your\u0085 first car?", "", "a control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := core.NormalizeQuestionText(tt.in)
			if tt.wantErr != "" {
				if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("NormalizeQuestionText(%q) = %q, %v; want EINVALID with %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeQuestionText(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestCheckAnswerRefusesInvisibleCharacters(t *testing.T) {
	q := core.Question{ID: "custom-1", Text: "What was your first car?"}
	tests := []struct{ name, answer, wantErr string }{
		{"plain", "Volkswagen Beetle", ""},
		{"zero-width space", "Volks\u200bwagen", `The answer to "What was your first car?" contains an invisible formatting character`},
		{"right-to-left override", "\u202eVolkswagen", "U+202E"},
		{"C1 control", "Volks\u0085wagen", "a control character"},
		{"private use", "Volks\ue000wagen", "a private-use character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := core.CheckAnswer(q, tt.answer)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tt.wantErr)) {
				t.Fatalf("CheckAnswer(%q) = %v; want %q", tt.answer, err, tt.wantErr)
			}
		})
	}
}

// invisibleOrControl reports whether r is a control, format or bidi
// control character.
func invisibleOrControl(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Bidi_Control)
}

func FuzzNormalizeAccountName(f *testing.F) {
	for _, s := range []string{
		"alice@contoso.com", " Bob ", "M\u00dcLLER@contoso.de", "mu\u0308ller@contoso.de", "иван@contoso.com",
		"\u0430dmin", "ali\u200bce", "alice\u202e@contoso.com", "alice\u0085", "\uff21\uff4c\uff49\uff43\uff45\uff20contoso\uff0ecom",
		"\u0130stanbul", "\u1e9e", "\u01c5", "\u2126", "\u212a", "\u0345", "\ufb01", "tanaka山田たなカ@contoso.jp", "\xff", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := core.NormalizeAccountName(s)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID || got != "" {
				t.Fatalf("NormalizeAccountName(%q) = %q, %v; want \"\" and EINVALID", s, got, err)
			}
			return
		}
		if !utf8.ValidString(got) || !norm.NFKC.IsNormalString(got) {
			t.Fatalf("NormalizeAccountName(%q) = %q, not NFKC", s, got)
		}
		if strings.ContainsFunc(got, invisibleOrControl) {
			t.Fatalf("NormalizeAccountName(%q) = %q, holds a control, format or bidi character", s, got)
		}
		if strings.ToLower(got) != got || strings.TrimSpace(got) != got || got == "" {
			t.Fatalf("NormalizeAccountName(%q) = %q, not lower-case and trimmed", s, got)
		}
		again, err := core.NormalizeAccountName(got)
		if err != nil || again != got {
			t.Fatalf("NormalizeAccountName(%q) = %q, then %q, %v: not idempotent", s, got, again, err)
		}
		if sk := core.NameSkeleton(got); core.NameSkeleton(s) != sk {
			t.Fatalf("NameSkeleton(%q) = %q, but of its normal form %q it is %q", s, core.NameSkeleton(s), got, sk)
		}
	})
}
