// Package outbox is the delivery used when nothing else is configured:
// every message is appended to a file in the data folder instead of being
// sent, so every flow can be tried without a mail server or an SMS
// provider. The window and `securityinfoctl outbox list` show it, with a
// banner saying that nothing is delivered.
package outbox

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// FileName is the outbox file's name in the data folder.
const FileName = "outbox.jsonl"

// Entry is one message in the outbox, as `outbox list --json` prints it.
type Entry struct {
	Time     time.Time    `json:"time"`
	Channel  core.Channel `json:"channel"`
	To       string       `json:"to"` // E.164 for phones
	Language string       `json:"language"`
	Subject  string       `json:"subject,omitempty"`
	Text     string       `json:"text"`
	Purpose  string       `json:"purpose"`
	// AccountID is the account the message is for ("" in outboxes
	// written before it was kept: shown to administrators only).
	AccountID string `json:"accountId,omitempty"`
}

// Outbox appends messages to one file, one JSON object a line. The file is
// created 0600: it holds codes.
type Outbox struct {
	path string
	now  func() time.Time
	mu   sync.Mutex
}

var _ core.Sender = (*Outbox)(nil)

// New returns the outbox kept at path. now is the clock (nil: time.Now).
func New(path string, now func() time.Time) *Outbox {
	if now == nil {
		now = time.Now
	}
	return &Outbox{path: path, now: now}
}

// Path returns the outbox file's path.
func (o *Outbox) Path() string { return o.path }

// Send implements core.Sender: it appends the message and syncs the file,
// as one write so that concurrent writers do not interleave lines.
func (o *Outbox) Send(ctx context.Context, m core.Message) error {
	line, err := json.Marshal(Entry{Time: o.now().UTC(), Channel: m.Channel, To: m.To, Language: m.Language,
		Subject: m.Subject, Text: m.Text, Purpose: m.Purpose, AccountID: m.AccountID})
	if err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	f, err := os.OpenFile(o.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return core.Errorf(core.EUNAVAILABLE, "The outbox %s can't be written: %v.", o.path, errors.Unwrap(err))
	}
	_, err = f.Write(append(line, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return core.Errorf(core.EUNAVAILABLE, "The outbox %s can't be written: %v.", o.path, err)
	}
	return nil
}

// Read returns the messages in the outbox at path, oldest first; none when
// the file does not exist yet.
func Read(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return []Entry{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer f.Close()
	out := []Entry{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("read outbox %s line %d: %w", path, n, err)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}
