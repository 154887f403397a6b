-- Issue 10, delivery: secrets that leave the outbox once sent, a lease on rows in flight, and
-- the last answer to each person not admitted.

-- Strings (invite tokens) that the payload carries only until the message is sent or fails for
-- good: then they are blanked in `payload` and this is cleared. A JSON array, or NULL.
ALTER TABLE outbox ADD COLUMN secrets TEXT;

-- When the row was taken for sending: a row left `sending` long after this lost its outcome and
-- is taken again (as `uncertain`) while the bot runs.
ALTER TABLE outbox ADD COLUMN claimed_at TEXT;

-- The last time a person who is not admitted was answered: at most once per ten minutes, so a
-- stranger's flood costs one reply, not a queue that holds up everyone else.
CREATE TABLE refusals (
    telegram_id INTEGER PRIMARY KEY,
    answered_at TEXT    NOT NULL
);

-- The sender looks for spent secrets after every final outcome: only the few rows with some.
CREATE INDEX outbox_secrets ON outbox (id) WHERE secrets IS NOT NULL;
