package ui

import (
	"errors"
	"image/color"
	"path"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/core"
)

// field is an entry that also cancels its dialog on Escape; Enter
// submits through OnSubmitted as usual.
//
// A space that reaches a field before any key has since the field gained
// the focus is not typed: it is the rune of the Space that pressed a
// button or link and so moved the focus here (GLFW sends a key's KeyDown and
// TypedKey, then its rune, to whatever has the focus by then). Typed, it
// would make the password that follows wrong. Every activating key goes
// through here, whatever widget it pressed; only a leading space put in
// without a key (an input method's) is lost.
type field struct {
	widget.Entry
	onEscape func()
	// keyed: a key or rune reached the field since it gained the focus.
	keyed bool
}

func newField(placeholder string, onEscape func()) *field {
	f := &field{onEscape: onEscape}
	f.PlaceHolder = placeholder
	f.ExtendBaseWidget(f)
	return f
}

// FocusGained implements fyne.Focusable.
func (f *field) FocusGained() {
	f.keyed = false
	f.Entry.FocusGained()
}

// KeyDown implements desktop.Keyable.
func (f *field) KeyDown(ev *fyne.KeyEvent) {
	f.keyed = true
	f.Entry.KeyDown(ev)
}

// TypedRune implements fyne.Focusable: it drops the space of a Space
// that pressed something else (see field).
func (f *field) TypedRune(r rune) {
	if r == ' ' && !f.keyed {
		f.keyed = true
		return
	}
	f.keyed = true
	f.Entry.TypedRune(r)
}

// TypedKey implements fyne.Focusable.
func (f *field) TypedKey(ev *fyne.KeyEvent) {
	f.keyed = true
	if ev.Name == fyne.KeyEscape && f.onEscape != nil {
		f.onEscape()
		return
	}
	f.Entry.TypedKey(ev)
}

// button is a button that also cancels its dialog on Escape.
type button struct {
	widget.Button
	onEscape func()
}

func newButton(label string, importance widget.Importance, tapped, onEscape func()) *button {
	b := &button{onEscape: onEscape}
	b.Text, b.Importance, b.OnTapped = label, importance, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey implements fyne.Focusable: Enter and Space press the button,
// Escape cancels its dialog.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyEscape && b.onEscape != nil:
		b.onEscape()
	case ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter:
		if !b.Disabled() {
			b.Tapped(nil)
		}
	default:
		b.Button.TypedKey(ev)
	}
}

// selectBox is a drop-down that also takes the dialog's keys: Enter for
// its primary action, Escape to cancel.
type selectBox struct {
	widget.Select
	onEnter, onEscape func()
}

func newSelect(options []string, changed func(string), onEnter, onEscape func()) *selectBox {
	s := &selectBox{onEnter: onEnter, onEscape: onEscape}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey implements fyne.Focusable.
func (s *selectBox) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyEscape && s.onEscape != nil:
		s.onEscape()
	case (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && s.onEnter != nil:
		s.onEnter()
	default:
		s.Select.TypedKey(ev)
	}
}

// radioChoice is a set of radio buttons, each focusable in reading order:
// Space or a tap chooses one, Enter is the dialog's primary action,
// Escape cancels. (Fyne's RadioGroup lets neither key through.)
type radioChoice struct {
	box      *fyne.Container
	options  []*radioOption
	Selected string
}

type radioOption struct {
	widget.Button
	group             *radioChoice
	onEnter, onEscape func()
}

func newRadioChoice(labels []string, onEnter, onEscape func()) *radioChoice {
	g := &radioChoice{box: container.NewVBox()}
	for _, l := range labels {
		o := &radioOption{group: g, onEnter: onEnter, onEscape: onEscape}
		o.Text, o.Importance, o.Alignment = l, widget.LowImportance, widget.ButtonAlignLeading
		o.OnTapped = func() { g.SetSelected(l) }
		o.ExtendBaseWidget(o)
		g.options = append(g.options, o)
		g.box.Add(o)
	}
	g.paint()
	return g
}

// SetSelected chooses the option labelled l.
func (g *radioChoice) SetSelected(l string) {
	g.Selected = l
	g.paint()
}

func (g *radioChoice) paint() {
	for _, o := range g.options {
		if o.Text == g.Selected {
			o.SetIcon(theme.RadioButtonCheckedIcon())
		} else {
			o.SetIcon(theme.RadioButtonIcon())
		}
	}
}

// TypedKey implements fyne.Focusable.
func (o *radioOption) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyEscape && o.onEscape != nil:
		o.onEscape()
	case (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && o.onEnter != nil:
		o.onEnter()
	default:
		o.Button.TypedKey(ev) // Space chooses
	}
}

// heading is a large bold label.
func heading(text string) *widget.Label {
	return &widget.Label{Text: text, SizeName: theme.SizeNameHeadingText, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
}

// subheading is a bold label.
func subheading(text string) *widget.Label {
	return &widget.Label{Text: text, SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}}
}

// wrapped is a label that wraps.
func wrapped(text string) *widget.Label {
	return &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}
}

// errorLabel shows the core's message for a failed call; empty hides it.
func errorLabel() *widget.Label {
	l := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	l.Hide()
	return l
}

// setError shows err in l, in the window's language (text.Error), or
// hides l when err is nil.
func (t text) setError(l *widget.Label, err error) {
	if err == nil {
		l.SetText("")
		l.Hide()
		return
	}
	l.Importance = widget.DangerImportance
	l.SetText(t.Error(err))
	l.Show()
}

// icon returns a themed icon from assets/icons.
func icon(name string) fyne.Resource {
	b, err := assets.Icons.ReadFile(path.Join("icons", name+".svg"))
	if err != nil {
		return theme.QuestionIcon()
	}
	return theme.NewThemedResource(fyne.NewStaticResource(name+".svg", b))
}

// kindIcon is the icon of a method kind.
func kindIcon(k core.MethodKind) fyne.Resource {
	switch k {
	case core.KindPhone, core.KindAlternatePhone:
		return icon("phone")
	case core.KindOfficePhone:
		return icon("office-phone")
	case core.KindEmail:
		return icon("email")
	case core.KindAuthenticatorApp:
		return icon("authenticator")
	case core.KindSecurityQuestions:
		return icon("questions")
	case core.KindSecurityKey:
		return icon("security-key")
	case core.KindTemporaryAccessPass:
		return icon("pass")
	}
	return theme.QuestionIcon()
}

// sized gives an icon a fixed size.
func sized(res fyne.Resource, size float32) fyne.CanvasObject {
	img := canvas.NewImageFromResource(res)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(size, size))
	return img
}

// banner is a coloured strip with a message and optional actions.
func banner(msg string, importance widget.Importance, actions ...fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameWarning))
	if importance == widget.HighImportance {
		bg.FillColor = theme.Color(theme.ColorNamePrimary)
	}
	bg.FillColor = withAlpha(bg.FillColor, 0x40)
	bg.CornerRadius = theme.InputRadiusSize()
	text := &widget.Label{Text: msg, Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}}
	row := container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), container.NewHBox(actions...), flowing(text))
	return container.NewStack(bg, container.NewPadded(row))
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), a}
}

// modal is a dialog whose content and buttons change from step to step,
// with Escape and Cancel closing it.
type modal struct {
	d       *dialog.CustomDialog
	body    *fyne.Container
	width   *fixedWidth
	busy    *widget.ProgressBarInfinite
	shown   bool
	onClose func()
}

func newModal(title string, win fyne.Window) *modal {
	w := fixedWidth(440)
	m := &modal{body: container.NewStack(), busy: widget.NewProgressBarInfinite(), width: &w}
	m.busy.Hide()
	m.busy.Stop()
	m.d = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, m.busy, nil, nil, container.New(m.width, m.body)), win)
	m.d.SetOnClosed(func() {
		m.busy.Stop()
		if m.onClose != nil {
			m.onClose()
		}
	})
	return m
}

// step shows content with buttons, and focuses first when it is set.
func (m *modal) step(content fyne.CanvasObject, buttons ...fyne.CanvasObject) {
	m.body.Objects = []fyne.CanvasObject{content}
	m.body.Refresh()
	m.d.SetButtons(buttons)
	m.fit()
}

// fit sizes the dialog to its content at its width.
func (m *modal) fit() {
	if m.shown {
		m.d.Resize(m.d.MinSize())
	}
}

// setBusy shows or hides the progress bar.
func (m *modal) setBusy(b bool) {
	if b {
		m.busy.Show()
		m.busy.Start()
	} else {
		m.busy.Stop()
		m.busy.Hide()
	}
}

// show opens the dialog with its content width-wide.
func (m *modal) show(width float32) {
	*m.width = fixedWidth(width)
	m.shown = true
	m.d.Show()
	m.fit()
}

func (m *modal) close() { m.d.Hide() }

// spacer is vertical room between sections.
func spacer(h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(1, h))
	return r
}

var _ = layout.NewSpacer

// iconOK is the success mark.
func iconOK() fyne.Resource { return theme.NewSuccessThemedResource(theme.ConfirmIcon()) }

// plain makes a validator's core error show as its message under an
// entry, while core.ErrorMessage still finds the *core.Error inside.
func plain(fn func(string) error) fyne.StringValidator {
	return func(s string) error {
		err := fn(s)
		var ce *core.Error
		if errors.As(err, &ce) {
			return messageError{ce}
		}
		return err
	}
}

// messageError shows only the message of a core error.
type messageError struct{ e *core.Error }

func (m messageError) Error() string { return m.e.Message }
func (m messageError) Unwrap() error { return m.e }

// valid runs an entry's validator without showing the result, so fields
// not yet touched are not marked wrong.
func valid(f *field) bool { return f.Validator == nil || f.Validator(f.Text) == nil }

// link is a focusable text link that runs fn, like the page's "Change"
// and "Delete".
func link(text string, fn func()) *widget.Hyperlink {
	h := widget.NewHyperlink(text, nil)
	h.OnTapped = fn
	return h
}

// fixedWidth lays its objects out at one width and their natural height
// at that width, so wrapped text is measured as it will wrap and never
// makes a dialog or the window grow tall.
type fixedWidth float32

// MinSize implements fyne.Layout.
func (f *fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		if o.Size().Width != float32(*f) {
			o.Resize(fyne.NewSize(float32(*f), o.Size().Height))
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(*f), h)
}

// Layout implements fyne.Layout.
func (f *fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(float32(*f), size.Height))
	}
}

// fixedHeight gives scrolling content a height of its own.
type fixedHeight float32

// MinSize implements fyne.Layout.
func (f fixedHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, float32(f))
}

// Layout implements fyne.Layout.
func (f fixedHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// tall is o (a scroll) at height h.
func tall(h float32, o fyne.CanvasObject) fyne.CanvasObject { return container.New(fixedHeight(h), o) }

// flowing holds wrapped text outside a scroll or a fixed width. Before it
// is first laid out a wrapped label measures itself a character a line,
// asking for a window hundreds of lines tall; flowing asks for two lines
// until the label knows its width.
func flowing(o fyne.CanvasObject) fyne.CanvasObject { return container.New(flowLayout{}, o) }

type flowLayout struct{}

// MinSize implements fyne.Layout.
func (flowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if o.Size().Width < 100 {
			s = s.Max(fyne.NewSize(0, 2*theme.TextSize()+2*theme.InnerPadding()))
			continue
		}
		m := o.MinSize()
		s = s.Max(fyne.NewSize(0, m.Height))
	}
	return s
}

// Layout implements fyne.Layout.
func (flowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
