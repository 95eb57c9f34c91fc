package core

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters of DESIGN section 5 (OWASP's minimum: 19 MiB, 2 passes,
// 1 lane).
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
	// argonMaxMemoryKiB is the most a stored hash may ask for (its
	// parameters are read from it, so that they can grow later): a
	// row edited to ask for more is refused unhashed, so no hash can
	// take more than ArgonSlots x 64 MiB at once.
	argonMaxMemoryKiB = 64 * 1024
)

// argonSlots bounds the argon2id computations running at once across the
// process to the number of cores: each holds argonMemoryKiB of memory, and
// more at once would not finish sooner. A flood of requests that each make
// the service hash (a refused first account, a wrong password) waits here
// instead of holding a 19 MiB buffer each, so the memory hashing can take
// is at most ArgonSlots x 19 MiB whatever arrives (ArgonSlots x 64 MiB
// with stored hashes edited to ask for more; beyond that they are refused).
var argonSlots = make(chan struct{}, ArgonSlots)

// ArgonSlots is how many argon2id computations may run at once.
var ArgonSlots = max(runtime.GOMAXPROCS(0), 1)

// HashingStats count the process's argon2id computations: Total started,
// Running now, and the Peak of running at once (at most ArgonSlots).
type HashingStats struct {
	Total         uint64
	Running, Peak int
}

var (
	hashingMu sync.Mutex
	hashing   HashingStats
)

// Hashing returns the process's argon2id counts, for metrics and tests.
func Hashing() HashingStats {
	hashingMu.Lock()
	defer hashingMu.Unlock()
	return hashing
}

// argon2id runs one bounded argon2id computation.
func argon2id(secret, salt []byte, t, m uint32, p uint8, keyLen uint32) []byte {
	argonSlots <- struct{}{}
	hashingMu.Lock()
	hashing.Total++
	hashing.Running++
	hashing.Peak = max(hashing.Peak, hashing.Running)
	hashingMu.Unlock()
	defer func() {
		hashingMu.Lock()
		hashing.Running--
		hashingMu.Unlock()
		<-argonSlots
	}()
	return argon2.IDKey(secret, salt, t, m, p, keyLen)
}

// HashSecret hashes a password or an answer with argon2id and returns it in
// the PHC string format, with its parameters, so they can change later.
func HashSecret(secret string, rand io.Reader) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return "", fmt.Errorf("hash salt: %w", err)
	}
	sum := argon2id([]byte(secret), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(sum)), nil
}

// VerifySecret reports whether secret matches a hash made by HashSecret. A
// malformed hash never matches.
func VerifySecret(hash, secret string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > argonMaxMemoryKiB || t > 16 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2id([]byte(secret), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
