package sqlite

// OpenAt opens a store with only the first upto migrations applied, as an
// older build would have left it.
func OpenAt(path string, upto int) (*Store, error) { return open(path, upto) }

// Pragma reads a pragma on the store's writer and reader connections.
func (s *Store) Pragma(name string) (writer, reader string, err error) {
	if err = s.writer.QueryRow("PRAGMA " + name).Scan(&writer); err != nil {
		return
	}
	err = s.reader.QueryRow("PRAGMA " + name).Scan(&reader)
	return
}
