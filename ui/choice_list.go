package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// choiceList is a list of choices (the pages, the help desk's results)
// that a person reaches with the keyboard and a screen reader: each row
// is focusable, Enter and Space choose it as a click does, it shows the
// focus ring, and it names itself (name). It stands in for Fyne's List,
// whose rows neither take Enter nor name anything. Rows are made once per
// item shown (the lists here are short: the pages, a search's results).
type choiceList struct {
	box    *fyne.Container
	view   *container.Scroll
	length func() int
	make   func() fyne.CanvasObject
	update func(i int, o fyne.CanvasObject)
	name   func(i int) string
	rows   []*choiceRow
	chosen int // -1: none
	// OnSelected is called when a row is chosen (a click, Enter, Space or
	// Select).
	OnSelected func(i int)
}

func newChoiceList(length func() int, make func() fyne.CanvasObject, update func(int, fyne.CanvasObject), name func(int) string) *choiceList {
	l := &choiceList{box: container.NewVBox(), length: length, make: make, update: update, name: name, chosen: -1}
	l.view = container.NewVScroll(l.box)
	l.Refresh()
	return l
}

// Refresh shows the items as they are now.
func (l *choiceList) Refresh() {
	n := l.length()
	for len(l.rows) < n {
		i := len(l.rows)
		r := &choiceRow{content: l.make(), list: l, index: i}
		r.ExtendBaseWidget(r)
		l.rows = append(l.rows, r)
	}
	l.box.Objects = l.box.Objects[:0]
	for i := 0; i < n; i++ {
		l.update(i, l.rows[i].content)
		l.rows[i].chosen = i == l.chosen
		l.rows[i].Refresh()
		l.box.Objects = append(l.box.Objects, l.rows[i])
	}
	if l.chosen >= n {
		l.chosen = -1
	}
	l.box.Refresh()
}

// RefreshItem shows item i as it is now.
func (l *choiceList) RefreshItem(i int) {
	if i >= 0 && i < len(l.rows) && i < l.length() {
		l.update(i, l.rows[i].content)
		l.rows[i].Refresh()
	}
}

// Select chooses row i (and calls OnSelected).
func (l *choiceList) Select(i int) {
	if i < 0 || i >= l.length() {
		return
	}
	l.mark(i)
	if l.OnSelected != nil {
		l.OnSelected(i)
	}
}

// UnselectAll chooses no row.
func (l *choiceList) UnselectAll() { l.mark(-1) }

func (l *choiceList) mark(i int) {
	l.chosen = i
	for j, r := range l.rows {
		if was := r.chosen; was != (j == i) {
			r.chosen = j == i
			r.Refresh()
		}
	}
}

// choiceRow is one row of a choiceList.
type choiceRow struct {
	widget.BaseWidget
	content fyne.CanvasObject
	list    *choiceList
	index   int
	chosen  bool
	focused bool
}

var (
	_ fyne.Focusable  = (*choiceRow)(nil)
	_ fyne.Tappable   = (*choiceRow)(nil)
	_ fyne.Accessible = (*choiceRow)(nil)
)

// Tapped implements fyne.Tappable: the row is chosen.
func (r *choiceRow) Tapped(*fyne.PointEvent) { r.list.Select(r.index) }

// TypedKey implements fyne.Focusable: Enter and Space choose the row.
func (r *choiceRow) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		r.list.Select(r.index)
	}
}

// TypedRune implements fyne.Focusable.
func (r *choiceRow) TypedRune(rune) {}

// FocusGained implements fyne.Focusable.
func (r *choiceRow) FocusGained() { r.focused = true; r.Refresh() }

// FocusLost implements fyne.Focusable.
func (r *choiceRow) FocusLost() { r.focused = false; r.Refresh() }

// AccessibilityLabel implements fyne.Accessible: the item's name, and
// whether it is the one chosen.
func (r *choiceRow) AccessibilityLabel() string {
	name := r.list.name(r.index)
	if r.chosen {
		name += ", selected"
	}
	return name
}

// AccessibilityRole implements fyne.Accessible.
func (r *choiceRow) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleButton }

// CreateRenderer implements fyne.Widget: the content, on the selection's
// colour when chosen, with the focus ring.
func (r *choiceRow) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.Transparent)
	bg.CornerRadius = theme.InputRadiusSize()
	inner := widget.NewSimpleRenderer(container.NewStack(bg, container.NewPadded(r.content)))
	rr := newRingRenderer(r, &choiceRowRenderer{WidgetRenderer: inner, r: r, bg: bg}, &r.focused)
	return rr
}

type choiceRowRenderer struct {
	fyne.WidgetRenderer
	r  *choiceRow
	bg *canvas.Rectangle
}

// Refresh implements fyne.WidgetRenderer: the selection's colour.
func (c *choiceRowRenderer) Refresh() {
	c.bg.FillColor = color.Transparent
	if c.r.chosen {
		c.bg.FillColor = c.r.Theme().Color(theme.ColorNameSelection, fyne.CurrentApp().Settings().ThemeVariant())
	}
	c.bg.Refresh()
	c.WidgetRenderer.Refresh()
}
