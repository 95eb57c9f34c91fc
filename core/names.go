package core

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// NormalizeText normalises a text field a person typed (a display name, the
// name of an app or key, a security question or answer): Unicode NFKC, so
// that text that looks the same is stored the same, and trimmed of spaces.
// It refuses text that is not UTF-8 or that holds a character that cannot
// be seen or that changes how the text around it is shown: control
// characters (C0 and C1), format characters (zero-width space and joiner,
// the left-to-right and right-to-left marks, embeddings, overrides and
// isolates, the byte order mark...), other invisible characters (Hangul
// fillers...), line and paragraph separators, private-use, surrogate and
// unassigned characters, and the replacement character U+FFFD.
//
// field names the text in the message, as it would follow "The": "display
// name". Returns EINVALID naming the field and the character.
func NormalizeText(field, s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(EINVALID, "The %s is not valid text: it holds bytes that are not UTF-8. Type it again instead of pasting it.", field)
	}
	// Checked as typed, so the message shows what was typed, then once
	// normalised.
	t := strings.TrimFunc(s, trimmable)
	if err := checkText(field, t); err != nil {
		return "", err
	}
	t = strings.TrimFunc(norm.NFKC.String(t), trimmable)
	if err := checkText(field, t); err != nil {
		return "", err
	}
	return t, nil
}

// trimmable reports whether NormalizeText trims r off the ends of a text:
// spaces, tabs and line ends, but not the other line breaks and controls
// strings.TrimSpace trims (U+0085, U+2028, U+2029, form feed...), which it
// refuses.
func trimmable(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || unicode.Is(unicode.Zs, r)
}

// checkText refuses text holding a character refusedRune describes.
func checkText(field, s string) error {
	for i, r := range s {
		if what := refusedRune(r); what != "" {
			where := "at the start"
			if i > 0 {
				where = fmt.Sprintf("after %q", s[:i])
			}
			return Errorf(EINVALID, "The %s contains %s, %s, %s. Remove it, or type the text again instead of pasting it.",
				field, what, runeName(r), where)
		}
	}
	return nil
}

// refusedRune says what kind of character r is when a text field refuses
// it, and "" when it is accepted.
func refusedRune(r rune) string {
	switch {
	case unicode.Is(unicode.Bidi_Control, r):
		return "an invisible character that changes the text direction"
	case isControl(r):
		return "a control character"
	case unicode.Is(unicode.Cf, r):
		return "an invisible formatting character"
	case unicode.In(r, unicode.Zl, unicode.Zp):
		return "a line break"
	case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r):
		return "an invisible character"
	case unicode.Is(unicode.Co, r):
		return "a private-use character"
	case unicode.Is(unicode.Cs, r):
		return "a surrogate character"
	case r == utf8.RuneError:
		return "a replacement character, the mark of text damaged when copied"
	case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z):
		return "a character not assigned in Unicode"
	}
	return ""
}

// runeNames names the characters most often met in pasted text; others are
// shown by their code alone.
var runeNames = map[rune]string{
	0x0000: "NULL", 0x0009: "TAB", 0x000a: "LINE FEED", 0x000d: "CARRIAGE RETURN", 0x001b: "ESCAPE",
	0x007f: "DELETE", 0x0085: "NEXT LINE", 0x00ad: "SOFT HYPHEN", 0x034f: "COMBINING GRAPHEME JOINER",
	0x061c: "ARABIC LETTER MARK", 0x115f: "HANGUL CHOSEONG FILLER", 0x1160: "HANGUL JUNGSEONG FILLER",
	0x180e: "MONGOLIAN VOWEL SEPARATOR", 0x200b: "ZERO WIDTH SPACE", 0x200c: "ZERO WIDTH NON-JOINER",
	0x200d: "ZERO WIDTH JOINER", 0x200e: "LEFT-TO-RIGHT MARK", 0x200f: "RIGHT-TO-LEFT MARK",
	0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR", 0x202a: "LEFT-TO-RIGHT EMBEDDING",
	0x202b: "RIGHT-TO-LEFT EMBEDDING", 0x202c: "POP DIRECTIONAL FORMATTING", 0x202d: "LEFT-TO-RIGHT OVERRIDE",
	0x202e: "RIGHT-TO-LEFT OVERRIDE", 0x2060: "WORD JOINER", 0x2061: "FUNCTION APPLICATION",
	0x2062: "INVISIBLE TIMES", 0x2063: "INVISIBLE SEPARATOR", 0x2064: "INVISIBLE PLUS",
	0x2066: "LEFT-TO-RIGHT ISOLATE", 0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE",
	0x2069: "POP DIRECTIONAL ISOLATE", 0x3164: "HANGUL FILLER",
	0xfeff: "ZERO WIDTH NO-BREAK SPACE (BYTE ORDER MARK)", 0xffa0: "HALFWIDTH HANGUL FILLER",
	0xfffd: "REPLACEMENT CHARACTER",
}

// runeName is "U+200B ZERO WIDTH SPACE", or "U+E000" for a character
// runeNames does not hold.
func runeName(r rune) string {
	if n, ok := runeNames[r]; ok {
		return fmt.Sprintf("U+%04X %s", r, n)
	}
	return fmt.Sprintf("U+%04X", r)
}

// foldAccountName lower-cases an NFKC name until it stays NFKC: the
// lower-case of some characters is not in NFKC. ok is false in the
// unlikely case it does not settle.
func foldAccountName(s string) (string, bool) {
	for range 4 {
		l := norm.NFKC.String(strings.ToLower(s))
		if l == s {
			return s, true
		}
		s = l
	}
	return s, false
}

// checkAccountLabel refuses a part of an account name (between dots and @)
// that could pass for another: UTS #39 "highly restrictive" — letters of
// one script, or the Latin, Han, Hiragana, Katakana, Bopomofo and Hangul
// mixes of Japanese, Chinese and Korean — and no combining mark at its start.
func checkAccountLabel(label string) error {
	if r, _ := utf8.DecodeRuneInString(label); unicode.Is(unicode.M, r) {
		return Errorf(EINVALID, "The part %q of the account name starts with a combining mark (%s). Put the mark after a letter.", label, runeName(r))
	}
	var seen []string
	for _, r := range label {
		if unicode.Is(phoneticLookalikes, r) {
			return Errorf(EINVALID, "The part %q of the account name contains %s, a phonetic letter that looks like an ordinary one. Use ordinary letters.", label, runeName(r))
		}
		sc := scriptOf(r)
		if sc == "Common" || sc == "Inherited" || sc == "" || slices.Contains(seen, sc) {
			continue
		}
		seen = append(seen, sc)
		if !restrictiveScripts(seen) {
			return Errorf(EINVALID, "The part %q of the account name mixes %s and %s letters, so it could pass for another name. Use letters of one alphabet in each part of the name.",
				label, seen[0], sc)
		}
	}
	return nil
}

// phoneticLookalikes are the IPA, phonetic and Latin Extended-D letters
// (small capitals such as ᴠ ꜱ ᴡ ᴢ, ɑ ɡ ɩ): Latin by script, yet made to
// pass for ordinary letters, and used in no one's everyday name.
var phoneticLookalikes = &unicode.RangeTable{R16: []unicode.Range16{
	{Lo: 0x0250, Hi: 0x02af, Stride: 1}, // IPA Extensions
	{Lo: 0x1d00, Hi: 0x1dbf, Stride: 1}, // Phonetic Extensions and Supplement
	{Lo: 0xa720, Hi: 0xa7ff, Stride: 1}, // Latin Extended-D
}}

// cjkScripts are the mixes UTS #39 "highly restrictive" allows beside a
// single script.
var cjkScripts = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Bopomofo"},
	{"Latin", "Han", "Hangul"},
}

// restrictiveScripts reports whether one label may use all of scripts.
func restrictiveScripts(scripts []string) bool {
	if len(scripts) <= 1 {
		return true
	}
next:
	for _, set := range cjkScripts {
		for _, s := range scripts {
			if !slices.Contains(set, s) {
				continue next
			}
		}
		return true
	}
	return false
}

// likelyScripts are tried first by scriptOf, the rest of unicode.Scripts
// after.
var likelyScripts = []string{"Latin", "Common", "Inherited", "Cyrillic", "Greek", "Han", "Hiragana", "Katakana",
	"Hangul", "Arabic", "Hebrew", "Armenian", "Georgian", "Devanagari", "Thai", "Bopomofo", "Cherokee"}

// scriptOf returns the Unicode script of r ("Latin", "Cyrillic", "Common",
// "Inherited"...), and "" for an unassigned character. The Arabic-Indic
// digits, of the Common script, count as Arabic, after their
// Script_Extensions, so they do not mix with Latin.
func scriptOf(r rune) string {
	switch {
	case r < utf8.RuneSelf:
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return "Latin"
		}
		return "Common"
	case r >= 0x0660 && r <= 0x0669 || r >= 0x06f0 && r <= 0x06f9:
		return "Arabic"
	}
	for _, name := range likelyScripts {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	for name, t := range unicode.Scripts {
		if unicode.Is(t, r) {
			return name
		}
	}
	return ""
}

// confusables maps characters that look like a Latin letter or digit, once
// case-folded and decomposed (NFD), to that letter: a subset of the UTS #39
// confusables data that covers the Cyrillic, Greek, Armenian and Latin
// look-alikes of names, and the digits 0 and 1.
var confusables = map[rune]rune{
	// Digits and Latin letters that pass for others.
	'0': 'o', '1': 'l', 'ı': 'i', 'ɩ': 'i', 'ǀ': 'l', 'ȷ': 'j', 'ɑ': 'a', 'ɡ': 'g', 'ɢ': 'g', 'ᴏ': 'o', 'ᴄ': 'c',
	// Cyrillic.
	'а': 'a', 'е': 'e', 'һ': 'h', 'і': 'i', 'ј': 'j', 'к': 'k', 'ӏ': 'l', 'о': 'o', 'р': 'p', 'ԛ': 'q',
	'с': 'c', 'ѕ': 's', 'у': 'y', 'ү': 'y', 'х': 'x', 'ԁ': 'd', 'ԝ': 'w', 'ѵ': 'v', 'ꙇ': 'i',
	// Greek.
	'α': 'a', 'γ': 'y', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'ϲ': 'c', 'ϳ': 'j', 'υ': 'u',
	'χ': 'x',
	// Armenian.
	'ո': 'n', 'օ': 'o', 'ս': 'u', 'հ': 'h', 'զ': 'q', 'ց': 'g', 'յ': 'j',
}

// lookalikeSequences maps letter pairs that pass for one letter.
var lookalikeSequences = strings.NewReplacer("rn", "m", "vv", "w")

// NameSkeleton returns the skeleton of a name, after UTS #39: two names
// look alike when their skeletons are equal, so "pаypal" with a Cyrillic
// "а", "paypa1", "PayPal" and "paypal" share one. It applies NFKC, trims
// and lower-cases as NormalizeAccountName does, folds case, drops invisible
// characters, maps look-alikes of Latin letters (Cyrillic, Greek, Armenian,
// Latin) and the digits 0 and 1 to the letter, and "rn" to "m", "vv" to
// "w". Punctuation, other digits and accents stay, so "müller" and "muller"
// differ. The skeleton is for comparing, not for showing: it is in NFD.
func NameSkeleton(name string) string {
	s, _ := foldAccountName(strings.TrimFunc(norm.NFKC.String(name), trimmable))
	s = norm.NFD.String(cases.Fold().String(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point):
			continue
		case confusables[r] != 0:
			r = confusables[r]
		}
		b.WriteRune(r)
	}
	return norm.NFD.String(lookalikeSequences.Replace(b.String()))
}

// Reverse returns s with its characters in reverse order (a phone number
// reversed makes its last digits a prefix, for the help desk's search).
func Reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
