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

// until is a time to come in the window's language: its time of day when
// it falls on the same day as now, else its date and time.
func (t text) until(d, now time.Time) string {
	d, now = d.Local(), now.Local()
	if dy, dm, dd := d.Date(); dy == now.Year() && dm == now.Month() && dd == now.Day() {
		return d.Format("15:04")
	}
	return t.dateTime(d)
}
