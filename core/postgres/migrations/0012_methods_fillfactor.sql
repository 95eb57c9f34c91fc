-- Room on each page of methods for a newer version of its rows: the write
-- of an app's time step (each verification) can then stay on its page
-- (a HOT update: no index changes), so it dirties one page, and writes
-- one page image to the WAL after a checkpoint, instead of three or four.
-- New pages only; a table written before keeps its packed pages until it
-- is rewritten (VACUUM FULL methods).
ALTER TABLE methods SET (fillfactor = 85);
