//go:build screenshots

package ui

// The screenshots of the README and docs/, rendered by the real (OpenGL) driver.
// Run under an X server: make screenshots (uses xvfb-run). Not part of
// make test: it waits for frames to be painted, which a test must not do.
// The states are screenshots_test.go's.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/theme"
)

var realApp fyne.App

// lightShots: SCREENSHOTS_THEME=light takes every screenshot again in the
// light theme, named NAME_light.png.
var lightShots = os.Getenv("SCREENSHOTS_THEME") == "light"

// TestMain runs the tests beside the app's event loop, which must own
// the main goroutine.
func TestMain(m *testing.M) {
	realApp = app.NewWithID("org.securityinfo.screenshots")
	realApp.Settings().SetTheme(NewTheme()) // as cmd/securityinfo does
	if lightShots {
		realApp.Settings().SetTheme(forcedTheme(theme.VariantLight))
	}
	code := 0
	go func() {
		code = m.Run()
		fyne.Do(realApp.Quit)
	}()
	realApp.Run()
	os.Exit(code)
}

// forcedTheme is the window's theme in one variant.
func forcedTheme(v fyne.ThemeVariant) fyne.Theme {
	return appTheme{Theme: theme.DefaultTheme(), variant: &v}
}

type shooter struct {
	t   *testing.T
	dir string
	h   *harness
}

// do runs fn on the UI goroutine and waits for it. A failure there (a
// t.Fatal ends the goroutine it runs on) is reported and ends the run
// instead of hanging the event loop.
func (s *shooter) do(fn func()) {
	fyne.DoAndWait(func() {
		ok := false
		defer func() {
			if !ok {
				fmt.Fprintln(os.Stderr, "screenshots: a step failed on the UI goroutine:", recover())
				os.Exit(1)
			}
		}()
		fn()
		ok = true
	})
}

// shot waits for the frame to be painted and saves what the X server
// shows of the window as name.png (ImageMagick's import: reading back the
// GL framebuffer gives black under Xvfb's software renderer).
func (s *shooter) shot(name string) {
	time.Sleep(500 * time.Millisecond)
	var size fyne.Size
	s.do(func() { size = s.h.w.Canvas().Size() })
	geometry := fmt.Sprintf("%dx%d+0+0", int(size.Width), int(size.Height))
	if testing.Verbose() {
		fmt.Println(name, geometry)
	}
	if lightShots {
		name += "_light"
	}
	out := filepath.Join(s.dir, name+".png")
	if b, err := exec.Command("import", "-window", "root", "-crop", geometry, "+repage", out).CombinedOutput(); err != nil {
		s.t.Errorf("import %s: %v %s", name, err, b)
	}
}

func newShooter(t *testing.T, lang string) *shooter {
	dir := os.Getenv("SCREENSHOTS_DIR")
	if dir == "" {
		t.Skip("SCREENSHOTS_DIR not set")
	}
	os.MkdirAll(dir, 0o755)
	s := &shooter{t: t, dir: dir}
	s.do(func() {
		w := realApp.NewWindow("Security info")
		w.Resize(fyne.NewSize(1000, 680))
		w.Show()
		s.h = newHarnessOn(t, lang, realApp, w, SyncRunner{})
	})
	// Hide, not close: closing the last window would end the app, and the
	// next test with it.
	t.Cleanup(func() { s.do(s.h.w.Hide) })
	return s
}
