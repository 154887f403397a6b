-- A failed update waits for its next attempt: a failure of the machine (the disk full, the
-- database busy, an I/O error) backs off on the injected clock and is counted apart from
-- handler bugs, so bad luck that passes never sets a person's answer aside.
ALTER TABLE inbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE inbox ADD COLUMN setbacks INTEGER NOT NULL DEFAULT 0 CHECK (setbacks >= 0);
