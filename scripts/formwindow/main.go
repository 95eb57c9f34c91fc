// Command formwindow shows a Fyne window with a bold heading, a line of
// text, an entry and a button, built as Fyne's defaults build it: a
// second baseline for scripts/startup-ratio, which shows what a Fyne
// window pays to draw any text and control at all (the fonts and the
// renderer's shaders) beside the empty window's figures.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("org.securityinfo.formwindow")
	w := a.NewWindow("Form")
	w.SetContent(container.NewVBox(
		widget.NewLabelWithStyle("Sign in", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel("Type your account name."),
		widget.NewEntry(),
		widget.NewButton("Next", func() {}),
	))
	w.Resize(fyne.NewSize(1000, 680))
	w.ShowAndRun()
}
