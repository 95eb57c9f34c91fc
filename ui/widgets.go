package ui

import (
	"errors"
	"image/color"
	"path"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
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
	name  string // for a screen reader (named, accessible.go)
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

// button is the window's one button: every button and link in ui/ is
// one (a link is a button drawn as a hyperlink, see link), so that Enter
// and Space press whichever has the focus (Fyne's Button and Hyperlink
// press only on Space), Escape cancels its dialog, and the focus shows as
// a ring of focusRingWidth in the theme's focus-ring colour (appTheme,
// checked by TestThemeContrast) instead of Fyne's faint tint.
type button struct {
	widget.Button
	onEscape func()
	// link draws the button as a hyperlink: its text in the link colour,
	// underlined under the pointer, pressed only over its text.
	link bool
	// name is what a screen reader says when the text is not enough
	// (named, accessible.go).
	name string
	// focused and hovered are the button's own: Fyne's are unexported and
	// would tint the button's colour under the ring.
	focused, hovered bool
}

func newButton(label string, importance widget.Importance, tapped, onEscape func()) *button {
	b := &button{onEscape: onEscape}
	b.Text, b.Importance, b.OnTapped = label, importance, tapped
	b.ExtendBaseWidget(b)
	return b
}

// optionButton is a row of an option list ("Sign in another way",
// "Forgot my password", the account picker): icon and text from the left.
func optionButton(label string, res fyne.Resource, tapped func()) *button {
	b := newButton(label, widget.MediumImportance, tapped, nil)
	b.Icon, b.Alignment = res, widget.ButtonAlignLeading
	return b
}

// withIcon gives b an icon and returns it.
func (b *button) withIcon(res fyne.Resource) *button {
	b.Icon = res
	return b
}

// link is a focusable text link that runs fn, like the page's "Change"
// and "Delete".
func link(text string, fn func()) *button {
	b := newButton(text, widget.MediumImportance, fn, nil)
	b.link = true
	return b
}

// CreateRenderer implements fyne.Widget: Fyne's button (or a hyperlink's
// look, for a link) with the focus ring on top.
func (b *button) CreateRenderer() fyne.WidgetRenderer {
	if b.link {
		return newLinkRenderer(b)
	}
	return newRingRenderer(b, b.Button.CreateRenderer(), &b.focused)
}

// FocusGained implements fyne.Focusable.
func (b *button) FocusGained() {
	b.focused = true
	b.Refresh()
}

// FocusLost implements fyne.Focusable.
func (b *button) FocusLost() {
	b.focused = false
	b.Refresh()
}

// Cursor implements desktop.Cursorable: a link shows the pointing hand
// over its text, as Fyne's hyperlink does.
func (b *button) Cursor() desktop.Cursor {
	if b.link && b.hovered {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

// MouseIn implements desktop.Hoverable.
func (b *button) MouseIn(ev *desktop.MouseEvent) {
	b.hover(ev.Position)
	b.Button.MouseIn(ev)
}

// MouseMoved implements desktop.Hoverable.
func (b *button) MouseMoved(ev *desktop.MouseEvent) {
	if was := b.hovered; b.hover(ev.Position) != was {
		b.Refresh()
	}
}

// MouseOut implements desktop.Hoverable.
func (b *button) MouseOut() {
	b.hovered = false
	b.Button.MouseOut()
}

func (b *button) hover(pos fyne.Position) bool {
	b.hovered = !b.link || b.overText(pos)
	return b.hovered
}

// Tapped implements fyne.Tappable; a link reacts only over its text, as
// Fyne's hyperlink does. Keys tap with no position.
func (b *button) Tapped(ev *fyne.PointEvent) {
	if b.link && ev != nil && !b.overText(ev.Position) {
		return
	}
	b.Button.Tapped(ev)
}

// TypedKey implements fyne.Focusable: Enter and Space press the button,
// Escape cancels its dialog.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyEscape && b.onEscape != nil:
		b.onEscape()
	case ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter || ev.Name == fyne.KeySpace:
		// Not Tapped: since Fyne 2.8 a tap takes the focus away (a mouse
		// user's button is not focused), and a key must leave it where it
		// is, on a radio option say, unless the action moves it.
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
	}
}

// focusRingWidth is the focus ring's width in pixels. WCAG 2.4.7 asks for
// a visible focus and 1.4.11 for 3:1 against what it borders: 2 px of a
// colour that contrasts with the background and with every button's
// colour (appTheme.focusRing) is seen at a glance.
const focusRingWidth = 2

// focusRingColor is the theme's focus ring colour; a theme without one
// (the test driver's) draws it in the text colour.
func focusRingColor(th fyne.Theme) color.Color {
	v := fyne.CurrentApp().Settings().ThemeVariant()
	if rt, ok := th.(interface {
		focusRing(fyne.ThemeVariant) color.Color
	}); ok {
		return rt.focusRing(v)
	}
	return th.Color(theme.ColorNameForeground, v)
}

func newFocusRing() *canvas.Rectangle {
	r := canvas.NewRectangle(color.Transparent)
	r.StrokeWidth = focusRingWidth
	r.Hide()
	return r
}

// paintRing shows or hides a focus ring in th's colour.
func paintRing(ring *canvas.Rectangle, th fyne.Theme, focused bool) {
	ring.StrokeColor = focusRingColor(th)
	ring.CornerRadius = th.Size(theme.SizeNameInputRadius)
	ring.Hidden = !focused
	ring.Refresh()
}

// ringRenderer is a widget's own renderer with the focus ring drawn over
// its edge, so the ring borders the page on its outside and the widget's
// colour on its inside.
type ringRenderer struct {
	fyne.WidgetRenderer
	w       interface{ Theme() fyne.Theme }
	ring    *canvas.Rectangle
	focused *bool
	objs    []fyne.CanvasObject
}

func newRingRenderer(w interface{ Theme() fyne.Theme }, inner fyne.WidgetRenderer, focused *bool) *ringRenderer {
	r := &ringRenderer{WidgetRenderer: inner, w: w, ring: newFocusRing(), focused: focused}
	paintRing(r.ring, w.Theme(), *focused)
	return r
}

// Layout implements fyne.WidgetRenderer.
func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.ring.Move(fyne.NewPos(0, 0))
	r.ring.Resize(size)
}

// Objects implements fyne.WidgetRenderer: the widget's, then the ring.
// (Fyne's button changes its objects when it gains an icon.)
func (r *ringRenderer) Objects() []fyne.CanvasObject {
	r.objs = append(append(r.objs[:0], r.WidgetRenderer.Objects()...), r.ring)
	return r.objs
}

// Refresh implements fyne.WidgetRenderer.
func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	paintRing(r.ring, r.w.Theme(), *r.focused)
}

// linkRenderer draws a link-styled button as Fyne's hyperlink looks: the
// text with the same padding, the underline under the pointer, and the
// focus ring around the text.
type linkRenderer struct {
	b           *button
	seg         *widget.TextSegment
	text        *widget.RichText
	under, ring *canvas.Rectangle
	objs        []fyne.CanvasObject
}

func newLinkRenderer(b *button) *linkRenderer {
	seg := &widget.TextSegment{Text: b.Text, Style: widget.RichTextStyle{ColorName: theme.ColorNameHyperlink, Inline: true, SizeName: theme.SizeNameText}}
	r := &linkRenderer{b: b, seg: seg, text: widget.NewRichText(seg), under: canvas.NewRectangle(color.Transparent), ring: newFocusRing()}
	r.under.Hide()
	r.objs = []fyne.CanvasObject{r.text, r.ring, r.under}
	r.Refresh()
	return r
}

// textArea is where a link's text and its ring are, in b's coordinates
// (as Fyne's hyperlink places its focus).
func (b *button) textArea() (fyne.Position, fyne.Size) {
	th := b.Theme()
	inner, pad := th.Size(theme.SizeNameInnerPadding), th.Size(theme.SizeNamePadding)
	ts := fyne.MeasureText(b.Text, th.Size(theme.SizeNameText), fyne.TextStyle{})
	w := min(b.Size().Width, ts.Width+inner+2*pad) - inner
	return fyne.NewPos(inner/2, inner/2), fyne.NewSize(w, ts.Height+inner)
}

func (b *button) overText(p fyne.Position) bool {
	pos, size := b.textArea()
	return p.X >= pos.X && p.X <= pos.X+size.Width && p.Y >= pos.Y && p.Y <= pos.Y+size.Height
}

// Destroy implements fyne.WidgetRenderer.
func (r *linkRenderer) Destroy() {}

// Objects implements fyne.WidgetRenderer.
func (r *linkRenderer) Objects() []fyne.CanvasObject { return r.objs }

// MinSize implements fyne.WidgetRenderer.
func (r *linkRenderer) MinSize() fyne.Size { return r.text.MinSize() }

// Layout implements fyne.WidgetRenderer.
func (r *linkRenderer) Layout(size fyne.Size) {
	th := r.b.Theme()
	inner, pad := th.Size(theme.SizeNameInnerPadding), th.Size(theme.SizeNamePadding)
	r.text.Resize(size)
	pos, area := r.b.textArea()
	r.ring.Move(pos)
	r.ring.Resize(area)
	r.under.Move(fyne.NewPos(pos.X+inner/2, area.Height-inner+2*pad))
	r.under.Resize(fyne.NewSize(area.Width-inner, 1))
}

// Refresh implements fyne.WidgetRenderer.
func (r *linkRenderer) Refresh() {
	th := r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.seg.Text = r.b.Text
	r.seg.Style.ColorName = theme.ColorNameHyperlink
	if r.b.Disabled() {
		r.seg.Style.ColorName = theme.ColorNameDisabled
	}
	r.text.Refresh()
	r.under.FillColor = th.Color(theme.ColorNameHyperlink, v)
	r.under.Hidden = !r.b.hovered
	r.under.Refresh()
	paintRing(r.ring, th, r.b.focused)
	r.Layout(r.b.Size())
}

// focusFirst focuses the first enabled, visible control in o (a screen's
// container), so an option list starts on its first option.
func focusFirst(win fyne.Window, o fyne.CanvasObject) {
	if f := firstFocusable(o); f != nil {
		win.Canvas().Focus(f)
	}
}

func firstFocusable(o fyne.CanvasObject) fyne.Focusable {
	if o == nil || !o.Visible() {
		return nil
	}
	if f, ok := o.(fyne.Focusable); ok {
		if d, ok := o.(fyne.Disableable); !ok || !d.Disabled() {
			return f
		}
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, x := range c.Objects {
			if f := firstFocusable(x); f != nil {
				return f
			}
		}
	}
	return nil
}

// selectBox is a drop-down that also takes the dialog's keys: Enter for
// its primary action, Escape to cancel. It shows the focus ring as
// buttons do, and opens with its choice (or else its first option)
// highlighted, so Enter takes it at once.
type selectBox struct {
	widget.Select
	onEnter, onEscape func()
	focused           bool
	name              string // for a screen reader (named)
}

func newSelect(options []string, changed func(string), onEnter, onEscape func()) *selectBox {
	s := &selectBox{onEnter: onEnter, onEscape: onEscape}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s)
	return s
}

// CreateRenderer implements fyne.Widget.
func (s *selectBox) CreateRenderer() fyne.WidgetRenderer {
	return newRingRenderer(s, s.Select.CreateRenderer(), &s.focused)
}

// FocusGained implements fyne.Focusable.
func (s *selectBox) FocusGained() {
	s.focused = true
	s.Refresh()
}

// FocusLost implements fyne.Focusable.
func (s *selectBox) FocusLost() {
	s.focused = false
	s.Refresh()
}

// Tapped implements fyne.Tappable.
func (s *selectBox) Tapped(ev *fyne.PointEvent) {
	s.Select.Tapped(ev)
	s.highlightChoice()
}

// TypedKey implements fyne.Focusable.
func (s *selectBox) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyEscape && s.onEscape != nil:
		s.onEscape()
	case (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && s.onEnter != nil:
		s.onEnter()
	case ev.Name == fyne.KeySpace || ev.Name == fyne.KeyUp || ev.Name == fyne.KeyDown:
		s.Select.TypedKey(ev) // opens the list, which takes the focus
		s.highlightChoice()
	default:
		s.Select.TypedKey(ev)
	}
}

// highlightChoice highlights, in the list just opened, the option chosen
// or else the first.
func (s *selectBox) highlightChoice() {
	c := fyne.CurrentApp().Driver().CanvasForObject(s)
	if c == nil {
		return
	}
	menu, ok := c.Focused().(*widget.PopUpMenu)
	if !ok {
		return
	}
	for range max(s.SelectedIndex(), 0) + 1 {
		menu.ActivateNext()
	}
}

// radioChoice is a set of radio buttons, each focusable in reading order:
// Space or a tap chooses one, Enter is the dialog's primary action,
// Escape cancels. (Fyne's RadioGroup lets neither key through.) Each
// option is a button, with its focus ring.
type radioChoice struct {
	box      *fyne.Container
	options  []*radioOption
	Selected string
}

type radioOption struct {
	button
	group   *radioChoice
	onEnter func()
}

func newRadioChoice(labels []string, onEnter, onEscape func()) *radioChoice {
	g := &radioChoice{box: container.NewVBox()}
	for _, l := range labels {
		o := &radioOption{group: g, onEnter: onEnter}
		o.onEscape = onEscape
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
		o.button.TypedKey(ev) // Space chooses
	}
}

// checkBox is a check box that takes the dialog's keys as a radio
// option does: Space or a tap ticks it, Enter is the dialog's primary
// action, Escape cancels; it shows the focus ring.
type checkBox struct {
	widget.Check
	onEnter, onEscape func()
	focused           bool
}

func newCheckBox(label string, onEnter, onEscape func()) *checkBox {
	c := &checkBox{onEnter: onEnter, onEscape: onEscape}
	c.Text = label
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer implements fyne.Widget.
func (c *checkBox) CreateRenderer() fyne.WidgetRenderer {
	return newRingRenderer(c, c.Check.CreateRenderer(), &c.focused)
}

// FocusGained implements fyne.Focusable.
func (c *checkBox) FocusGained() {
	c.focused = true
	c.Refresh()
}

// FocusLost implements fyne.Focusable.
func (c *checkBox) FocusLost() {
	c.focused = false
	c.Refresh()
}

// TypedKey implements fyne.Focusable.
func (c *checkBox) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyEscape && c.onEscape != nil:
		c.onEscape()
	case (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && c.onEnter != nil:
		c.onEnter()
	default:
		c.Check.TypedKey(ev) // Space ticks
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
	case core.KindRecoveryCodes:
		return icon("recovery-codes")
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

// newInfoDialog is Fyne's dialog.NewCustom with the window's button as
// its one button, which closes it (Escape too).
func newInfoDialog(title, dismiss string, body fyne.CanvasObject, win fyne.Window) *dialog.CustomDialog {
	d := dialog.NewCustomWithoutButtons(title, body, win)
	d.SetButtons([]fyne.CanvasObject{newButton(dismiss, widget.MediumImportance, d.Hide, d.Hide)})
	return d
}

// showConfirm is Fyne's dialog.ShowConfirm with the window's buttons and
// words: No (or Escape) calls fn(false), Yes fn(true).
func showConfirm(tr text, title, message string, fn func(bool), win fyne.Window) {
	d := dialog.NewCustomWithoutButtons(title, wrapped(message), win)
	no := newButton(tr.T("common.no"), widget.MediumImportance, func() { d.Hide(); fn(false) }, nil)
	no.onEscape = no.OnTapped
	yes := newButton(tr.T("common.yes"), widget.HighImportance, func() { d.Hide(); fn(true) }, no.OnTapped)
	d.SetButtons([]fyne.CanvasObject{no, yes})
	d.Show()
	win.Canvas().Focus(no)
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
