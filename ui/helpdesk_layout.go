package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// wrapRow lays its objects out left to right, each at its own size,
// starting a new row where the next would not fit: a row of buttons
// that wraps in a narrow window instead of widening it. Its minimum
// width is the widest object's; its minimum height is that of the rows
// at the width it was last given (one object a row before that), so
// the window, which asks again after a layout, settles on the rows.
type wrapRow struct {
	width float32 // the width of the last layout (0: none yet)
}

// MinSize implements fyne.Layout.
func (l *wrapRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var widest float32
	for _, o := range objs {
		if o.Visible() {
			widest = fyne.Max(widest, o.MinSize().Width)
		}
	}
	width := l.width
	if width < widest {
		width = widest
	}
	_, h := l.place(objs, width, false)
	return fyne.NewSize(widest, h)
}

// Layout implements fyne.Layout.
func (l *wrapRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	l.place(objs, size.Width, true)
}

// place puts objs in rows within width (moving them when move is set)
// and returns the rows' count and height.
func (l *wrapRow) place(objs []fyne.CanvasObject, width float32, move bool) (rows int, height float32) {
	pad := theme.Padding()
	var x, y, rowH float32
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		s := o.MinSize()
		if rows == 0 {
			rows = 1
		} else if x+s.Width > width {
			y += rowH + pad
			x, rowH = 0, 0
			rows++
		}
		if move {
			o.Move(fyne.NewPos(x, y))
			o.Resize(s)
		}
		x += s.Width + pad
		rowH = fyne.Max(rowH, s.Height)
	}
	return rows, y + rowH
}
