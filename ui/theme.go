package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// appTheme is Fyne's theme with the colours of text lifted where Fyne's
// fall below WCAG AA contrast (4.5:1) on the background, in the light
// and the dark variant, and a focus ring (focusRing) of 3:1 against
// everything it borders (TestThemeContrast computes every pair). variant,
// when set, forces one (the light-theme screenshots).
type appTheme struct {
	fyne.Theme
	variant *fyne.ThemeVariant
}

// NewTheme returns the window's theme.
func NewTheme() fyne.Theme { return appTheme{Theme: theme.DefaultTheme()} }

var (
	// A blue that white text reads on (4.9:1), and that reads on white.
	primaryBlue = color.NRGBA{R: 36, G: 104, B: 240, A: 255}
	// Secondary text (low-importance labels): Fyne's disabled grey is
	// 1.5:1 in dark and 1.3:1 in light.
	secondaryDark  = color.NRGBA{R: 150, G: 150, B: 155, A: 255}
	secondaryLight = color.NRGBA{R: 105, G: 105, B: 105, A: 255}
)

// colorNameFocusRing is the colour of the ring around the focused button,
// link or drop-down (see button). Fyne's ColorNameFocus stays the faint
// tint Fyne blends into menus and lists, under their text.
const colorNameFocusRing fyne.ThemeColorName = "focusRing"

// focusRing is white in the dark theme and black in the light one: the
// ring lies on the page or dialog background outside and on the button's
// own colour inside (grey, the primary blue, the danger red), and only
// these are 3:1 against all of them.
func (t appTheme) focusRing(v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	if v == theme.VariantDark {
		return color.NRGBA{R: 255, G: 255, B: 255, A: 255}
	}
	return color.NRGBA{A: 255}
}

func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	dark := v == theme.VariantDark
	switch n {
	case colorNameFocusRing:
		return t.focusRing(v)
	case theme.ColorNamePrimary:
		return primaryBlue
	case theme.ColorNameHyperlink:
		if dark {
			return color.NRGBA{R: 110, G: 168, B: 255, A: 255}
		}
		return primaryBlue
	case theme.ColorNameDisabled:
		if dark {
			return secondaryDark
		}
		return secondaryLight
	case theme.ColorNamePlaceHolder:
		if !dark {
			return secondaryLight
		}
	case theme.ColorNameError:
		if !dark {
			return color.NRGBA{R: 198, G: 40, B: 40, A: 255}
		}
	case theme.ColorNameForegroundOnError:
		if dark {
			return color.NRGBA{R: 23, G: 23, B: 24, A: 255} // dark text on the bright red of dark mode
		}
	case theme.ColorNameWarning:
		if !dark {
			return color.NRGBA{R: 170, G: 85, B: 0, A: 255}
		}
	case theme.ColorNameSuccess:
		if !dark {
			return color.NRGBA{R: 27, G: 120, B: 40, A: 255}
		}
	}
	return t.Theme.Color(n, v)
}
