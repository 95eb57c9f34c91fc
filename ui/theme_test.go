package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// luminance is WCAG 2's relative luminance.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2's contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// over is fg painted over the opaque bg (alpha compositing, as the GL
// painter blends a translucent colour).
func over(fg, bg color.Color) color.Color {
	fr, fg2, fb, fa := fg.RGBA()
	br, bg2, bb, _ := bg.RGBA()
	mix := func(f, b uint32) uint8 { return uint8((f + b*(0xffff-fa)/0xffff) >> 8) } // RGBA is premultiplied
	return color.NRGBA{R: mix(fr, br), G: mix(fg2, bg2), B: mix(fb, bb), A: 0xff}
}

// TestThemeContrast: every colour the window writes text in meets WCAG AA
// (4.5:1) on the page and dialog backgrounds, and the text on coloured
// buttons on their colour, in the light and the dark theme. The focus
// ring meets 3:1 (WCAG 1.4.11) against every colour it borders.
func TestThemeContrast(t *testing.T) {
	if got := contrast(color.White, color.Black); math.Abs(got-21) > 0.01 {
		t.Fatalf("contrast of white on black = %.2f, want 21", got)
	}
	th := NewTheme()
	for _, v := range []fyne.ThemeVariant{theme.VariantDark, theme.VariantLight} {
		for _, bg := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameOverlayBackground} {
			for _, fg := range []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameDisabled, theme.ColorNamePlaceHolder,
				theme.ColorNameHyperlink, theme.ColorNameError, theme.ColorNameWarning, theme.ColorNameSuccess} {
				if r := contrast(th.Color(fg, v), th.Color(bg, v)); r < 4.5 {
					t.Errorf("variant %d: %s on %s is %.2f:1, under 4.5:1", v, fg, bg, r)
				}
			}
		}
		for _, pair := range [][2]fyne.ThemeColorName{{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
			{theme.ColorNameForegroundOnError, theme.ColorNameError}} {
			if r := contrast(th.Color(pair[0], v), th.Color(pair[1], v)); r < 4.5 {
				t.Errorf("variant %d: %s on %s is %.2f:1, under 4.5:1", v, pair[0], pair[1], r)
			}
		}
		focusRingContrast(t, th, v)
	}
}

// focusRingContrast: the ring lies over a focused control's edge (see
// button): outside it the page, a dialog or a banner; inside, the
// control's own colour (a button of each importance the window uses, a
// drop-down; a link or a low-importance button is the page's colour),
// plain or under the pointer's hover tint. Each is 3:1 against the ring.
func focusRingContrast(t *testing.T, th fyne.Theme, v fyne.ThemeVariant) {
	t.Helper()
	c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
	bg := c(theme.ColorNameBackground)
	borders := map[string]color.Color{
		"page":           bg,
		"dialog":         c(theme.ColorNameOverlayBackground),
		"button":         c(theme.ColorNameButton),
		"primary button": c(theme.ColorNamePrimary),
		"danger button":  c(theme.ColorNameError),
		"drop-down":      c(theme.ColorNameInputBackground),
		"warning banner": over(withAlpha(c(theme.ColorNameWarning), 0x40), bg),
		"primary banner": over(withAlpha(c(theme.ColorNamePrimary), 0x40), bg),
	}
	for name, col := range borders {
		borders[name+", hovered"] = over(c(theme.ColorNameHover), col)
	}
	ring := c(colorNameFocusRing)
	if _, _, _, a := ring.RGBA(); a != 0xffff {
		t.Errorf("variant %d: the focus ring %v is not opaque", v, ring)
	}
	least, leastName := 21.0, ""
	for name, col := range borders {
		r := contrast(ring, col)
		if r < 3 {
			t.Errorf("variant %d: the focus ring %v against the %s %v is %.2f:1, under 3:1", v, ring, name, col, r)
		}
		if r < least {
			least, leastName = r, name
		}
	}
	t.Logf("variant %d: the focus ring's least contrast is %.2f:1, against the %s", v, least, leastName)
}
