-- Issue 14: group robots of WeCom, DingTalk and Feishu.
-- What is queued for a robot, sent once per (robot, period, step) like the outbox's steps.
CREATE TABLE robot_outbox (
    id              INTEGER PRIMARY KEY,
    robot           TEXT    NOT NULL CHECK (length(robot) > 0),
    period          TEXT    NOT NULL,
    step            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT,
    last_error      TEXT,
    UNIQUE (robot, period, step)
);
CREATE INDEX robot_outbox_due ON robot_outbox (robot, state, next_attempt_at);

-- Each robot's health: broken (its key refused) until its webhook changes; the admins told once.
CREATE TABLE robot_state (
    robot         TEXT PRIMARY KEY,
    -- SHA-256 of the webhook URL: a new URL in the configuration clears `broken_at`.
    webhook_hash  TEXT NOT NULL,
    broken_at     TEXT,
    broken_reason TEXT,
    told_at       TEXT,
    last_sent_at  TEXT,
    last_error    TEXT
);

-- A person's mobile number, for @-mentions in a unit's group (set by admins with /mobile).
ALTER TABLE people ADD COLUMN mobile TEXT CHECK (mobile IS NULL OR length(mobile) BETWEEN 5 AND 20);
