-- Issue 16: the read-only web view. A sign-in link is sent by /web and works once for ten
-- minutes; opening it starts a session of twelve hours. Only hashes of the tokens are kept: a
-- leaked database or backup holds no working link and no live session.
CREATE TABLE web_links (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_at     TEXT
);
CREATE INDEX web_links_expiry ON web_links (expires_at);

CREATE TABLE web_sessions (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL
);
CREATE INDEX web_sessions_person ON web_sessions (person_id);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
