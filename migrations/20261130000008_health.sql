-- When the running bot last had a successful getUpdates and last sent a message, for
-- `minsheng status --check`: one row, updated in place (one UPDATE per poll).
CREATE TABLE health (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    polled_at TEXT,
    sent_at   TEXT
);
INSERT INTO health (id) VALUES (1);
