// Command emptywindow shows an empty Fyne window: the baseline that
// scripts/startup-ratio compares the app's start-up time with.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("org.securityinfo.emptywindow")
	w := a.NewWindow("Empty")
	w.SetContent(widget.NewLabel(""))
	w.Resize(fyne.NewSize(1000, 680))
	w.ShowAndRun()
}
