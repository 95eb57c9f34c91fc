package ui

import "fyne.io/fyne/v2"

// Runner runs work off the UI goroutine and then done on it. Every call
// to the service, which may touch the store, the keyring or the network,
// goes through it, so the window never waits.
type Runner interface {
	Run(work, done func())
}

// goRunner runs work in a goroutine and hands done to fyne.Do.
type goRunner struct{}

func (goRunner) Run(work, done func()) {
	go func() {
		work()
		fyne.Do(done)
	}()
}

// SyncRunner runs work and done at once, on the caller's goroutine, so
// headless tests are deterministic without sleeping.
type SyncRunner struct{}

// Run implements Runner.
func (SyncRunner) Run(work, done func()) {
	work()
	done()
}

// call runs work through r and gives its result to done on the UI goroutine.
func call[T any](r Runner, work func() (T, error), done func(T, error)) {
	var v T
	var err error
	r.Run(func() { v, err = work() }, func() { done(v, err) })
}
