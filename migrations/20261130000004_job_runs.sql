-- When each named background job last ran, so that a daily job runs once a day across restarts
-- and however often the heartbeat beats.
CREATE TABLE job_runs (
    job    TEXT PRIMARY KEY,
    ran_at TEXT NOT NULL
);
