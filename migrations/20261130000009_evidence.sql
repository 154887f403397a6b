-- Issue 15: evidence kept. Each report's photo or file is downloaded from Telegram into the
-- data folder (evidence/<year>/<project no>/), its SHA-256 recorded; a failed download waits
-- for its next try. `path` is relative to the folder that holds the database.
CREATE TABLE evidence_files (
    report_id   INTEGER PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    file_id     TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'stored', 'too_big', 'failed')),
    path        TEXT,
    sha256      TEXT,
    size        INTEGER,
    tries       INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),
    next_try_at TEXT    NOT NULL,
    last_error  TEXT,
    stored_at   TEXT,
    CHECK ((state = 'stored') = (path IS NOT NULL AND sha256 IS NOT NULL))
);
CREATE INDEX evidence_files_due ON evidence_files (state, next_try_at);
