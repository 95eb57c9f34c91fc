package ui

import (
	"time"
)

// formatDate shows a date in the window's language.
func (t text) date(d time.Time) string {
	d = d.Local()
	if t.lang == "de" {
		return d.Format("02.01.2006")
	}
	return d.Format("2 January 2006")
}

// dateTime shows a date and time in the window's language.
func (t text) dateTime(d time.Time) string {
	d = d.Local()
	if t.lang == "de" {
		return d.Format("02.01.2006 15:04")
	}
	return d.Format("2 Jan 2006 15:04")
}
