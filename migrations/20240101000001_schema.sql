-- The whole domain of SPEC.md. Later migrations add to it; this one is never edited once shipped.
-- Dates are ISO 8601 text ('2024-01-31'); instants are RFC 3339 text in UTC.

-- §2 The plan and its seed ---------------------------------------------------------------

CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL UNIQUE CHECK (year BETWEEN 2000 AND 2200),
    name        TEXT    NOT NULL CHECK (length(name) > 0),
    document    TEXT,
    issued_on   TEXT,
    starts_on   TEXT    NOT NULL,
    ends_on     TEXT    NOT NULL,
    timezone    TEXT    NOT NULL DEFAULT 'Asia/Shanghai',
    created_at  TEXT    NOT NULL,
    CHECK (starts_on <= ends_on)
);

CREATE TABLE categories (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position BETWEEN 1 AND 99),
    numeral  TEXT    NOT NULL CHECK (length(numeral) > 0),
    name     TEXT    NOT NULL CHECK (length(name) > 0),
    UNIQUE (plan_id, position),
    UNIQUE (plan_id, numeral)
);

-- Units are shared across plans: next year's list names the same bureaus.
-- A 'group' (各街道) stands for its members: street offices point at it with group_id.
CREATE TABLE units (
    id        INTEGER PRIMARY KEY,
    name      TEXT    NOT NULL UNIQUE CHECK (length(name) > 0),
    kind      TEXT    NOT NULL CHECK (kind IN ('department', 'street', 'enterprise', 'group')),
    group_id  INTEGER REFERENCES units (id),
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CHECK (group_id IS NULL OR kind <> 'group')
);

CREATE TABLE projects (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories (id),
    no          INTEGER NOT NULL CHECK (no BETWEEN 1 AND 9999),
    title       TEXT    NOT NULL CHECK (length(title) > 0),
    summary     TEXT    NOT NULL,
    goals       TEXT    NOT NULL,
    deadline    TEXT    NOT NULL,
    UNIQUE (plan_id, no)
);

-- The first unit listed is the lead (牵头); the others are co-units (协办), in document order.
CREATE TABLE project_units (
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    unit_id    INTEGER NOT NULL REFERENCES units (id),
    position   INTEGER NOT NULL CHECK (position >= 1),
    role       TEXT    NOT NULL CHECK (role IN ('lead', 'co')),
    PRIMARY KEY (project_id, unit_id),
    UNIQUE (project_id, position)
);
CREATE UNIQUE INDEX project_units_one_lead ON project_units (project_id) WHERE role = 'lead';

CREATE TABLE metrics (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position >= 1),
    name       TEXT    NOT NULL CHECK (length(name) > 0),
    kind       TEXT    NOT NULL CHECK (kind IN ('number', 'percent', 'yesno')),
    target     REAL    CHECK (target > 0),
    unit       TEXT,
    comparison TEXT    CHECK (comparison IN ('reach', 'at_least', 'about')),
    baseline   REAL    CHECK (baseline >= 0),
    UNIQUE (project_id, position),
    UNIQUE (project_id, name),
    -- a yes/no item has no number; every other metric has a target and a comparison
    CHECK ((kind = 'yesno') = (target IS NULL)),
    CHECK ((kind = 'yesno') = (comparison IS NULL))
);

-- §5 People and permissions ---------------------------------------------------------------

CREATE TABLE people (
    id             INTEGER PRIMARY KEY,
    telegram_id    INTEGER NOT NULL UNIQUE,
    display_name   TEXT    NOT NULL,
    username       TEXT,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'leader', 'contact')),
    unit_id        INTEGER REFERENCES units (id),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    reachable      INTEGER NOT NULL DEFAULT 1 CHECK (reachable IN (0, 1)),
    quiet          INTEGER NOT NULL DEFAULT 0 CHECK (quiet IN (0, 1)),
    -- where a leader's digest goes: their own chat when NULL, else a group
    digest_chat_id INTEGER,
    joined_at      TEXT    NOT NULL,
    CHECK (role <> 'contact' OR unit_id IS NOT NULL)
);

CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    -- only a hash of the token is kept: a leaked database does not leak working links
    token_hash  TEXT    NOT NULL UNIQUE,
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'leader', 'contact')),
    unit_id     INTEGER REFERENCES units (id),
    created_by  INTEGER NOT NULL REFERENCES people (id),
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_by     INTEGER REFERENCES people (id),
    used_at     TEXT,
    CHECK (role <> 'contact' OR unit_id IS NOT NULL),
    CHECK ((used_by IS NULL) = (used_at IS NULL))
);

CREATE TABLE assignments (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    role        TEXT    NOT NULL CHECK (role IN ('lead', 'co')),
    assigned_at TEXT    NOT NULL,
    removed_at  TEXT
);
CREATE UNIQUE INDEX assignments_one_active ON assignments (project_id, person_id) WHERE removed_at IS NULL;

-- A leader's scope: whole categories and/or single projects.
CREATE TABLE leader_scopes (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    category_id INTEGER REFERENCES categories (id) ON DELETE CASCADE,
    project_id  INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    CHECK ((category_id IS NULL) <> (project_id IS NULL)),
    UNIQUE (person_id, category_id, project_id)
);

CREATE TABLE leaves (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    from_date  TEXT    NOT NULL,
    to_date    TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    ended_at   TEXT,
    CHECK (from_date <= to_date)
);

-- §4 Reports: a correction is a new version, never an overwrite -------------------------------

CREATE TABLE reports (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects (id),
    person_id     INTEGER NOT NULL REFERENCES people (id),
    -- the Monday of the plan week this report answers
    week_start    TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- the reporter's assignment when they reported: the lead's figures are the project's,
    -- a co-unit's are contributions
    role          TEXT    NOT NULL DEFAULT 'lead' CHECK (role IN ('lead', 'co')),
    status        TEXT    NOT NULL CHECK (status IN ('on_track', 'behind', 'done', 'difficult')),
    progress      TEXT    NOT NULL DEFAULT '' CHECK (length(progress) <= 2000),
    difficulties  TEXT    NOT NULL DEFAULT '' CHECK (length(difficulties) <= 2000),
    evidence_kind TEXT    CHECK (evidence_kind IN ('photo', 'document')),
    evidence_file_id TEXT,
    late          INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    submitted_at  TEXT    NOT NULL,
    UNIQUE (project_id, person_id, week_start, version),
    CHECK ((evidence_kind IS NULL) = (evidence_file_id IS NULL))
);
CREATE INDEX reports_by_week ON reports (project_id, week_start);

CREATE TABLE report_values (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    metric_id INTEGER NOT NULL REFERENCES metrics (id),
    value     REAL    NOT NULL CHECK (value >= 0),
    PRIMARY KEY (report_id, metric_id)
);

-- A difficulty raised in a report stays open until an admin marks it resolved.
CREATE TABLE difficulties (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    text        TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    raised_at   TEXT    NOT NULL,
    resolved_at TEXT,
    resolved_by INTEGER REFERENCES people (id)
);

-- §3 The working calendar: admins' additions on top of the official data ----------------------

CREATE TABLE calendar_days (
    day        TEXT    PRIMARY KEY,
    working    INTEGER NOT NULL CHECK (working IN (0, 1)),
    note       TEXT    NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES people (id),
    created_at TEXT    NOT NULL
);

CREATE TABLE pauses (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    from_date  TEXT    NOT NULL,
    to_date    TEXT    NOT NULL,
    reason     TEXT    NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES people (id),
    created_at TEXT    NOT NULL,
    lifted_at  TEXT,
    CHECK (from_date <= to_date)
);

-- Talking to Telegram (RELIABILITY.md): every update in, every message out ---------------------

CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    chat_id     INTEGER,
    payload     TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'done', 'quarantined')),
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    received_at TEXT    NOT NULL,
    handled_at  TEXT,
    last_error  TEXT
);
CREATE INDEX inbox_pending ON inbox (state, update_id);

-- Scheduled sends carry (plan, period, project, person, step): the unique index below is what
-- makes a step idempotent across restarts and concurrent runs.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL,
    method          TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'uncertain', 'failed', 'unreachable')),
    plan_id         INTEGER REFERENCES plans (id),
    period          TEXT,
    project_id      INTEGER REFERENCES projects (id),
    person_id       INTEGER REFERENCES people (id),
    step            TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT,
    telegram_message_id INTEGER,
    last_error      TEXT,
    CHECK ((step IS NULL) OR (plan_id IS NOT NULL AND period IS NOT NULL AND person_id IS NOT NULL))
);
CREATE UNIQUE INDEX outbox_step_once
    ON outbox (plan_id, period, ifnull(project_id, 0), person_id, step) WHERE step IS NOT NULL;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Dialogue state per chat, on our own pool (never teloxide's SqliteStorage).
CREATE TABLE dialogues (
    chat_id    INTEGER PRIMARY KEY,
    state      TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);

-- §6 Digests as sent, so they can be shown again and compared with the next.
CREATE TABLE digests (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES plans (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('dekad', 'quarter', 'on_demand')),
    period_start TEXT    NOT NULL,
    period_end   TEXT    NOT NULL,
    person_id    INTEGER REFERENCES people (id),
    text         TEXT    NOT NULL,
    summary      TEXT    NOT NULL DEFAULT '{}',
    created_at   TEXT    NOT NULL,
    CHECK (period_start <= period_end)
);
CREATE INDEX digests_by_person ON digests (person_id, period_end);

-- Every change: who, what, when, before and after.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor_id    INTEGER REFERENCES people (id),
    actor_label TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    target      TEXT    NOT NULL DEFAULT '',
    before      TEXT,
    after       TEXT
);
