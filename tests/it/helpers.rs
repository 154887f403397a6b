//! `TestApp`: the bot as production builds it, pointed at a fake Bot API and a fresh database.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use chrono::{DateTime, Utc};
use minsheng::app::App;
use minsheng::clock::{Clock, ManualClock};
use minsheng::config::Settings;
use minsheng::runtime::steps::{Drained, Steps};
use sqlx::SqlitePool;
use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::dptree;
use teloxide::types::{Message, Update};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::fake_api::{FakeApi, group_chat, private_chat, user};

pub const ADMIN_ID: i64 = 900_001;
pub const TOKEN: &str = "123456:TEST-token-never-logged";
/// How long a test waits for the bot to answer before it fails.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
}

/// Settings as the environment of a real deployment would give them.
pub fn settings(dir: &Path, api_url: &str) -> Settings {
    settings_with(dir, api_url, &[])
}

/// The same, with more variables set (or set otherwise) on top.
pub fn settings_with(dir: &Path, api_url: &str, more: &[(&str, &str)]) -> Settings {
    Settings::from_layers(None, &test_env(dir, api_url, more)).expect("test settings")
}

/// The test settings with a `--config` file's text on top (its `[[robots]]`, say).
pub fn settings_configured(dir: &Path, api_url: &str, config: &str) -> anyhow::Result<Settings> {
    settings_configured_with(dir, api_url, config, &[])
}

/// Like [`settings_configured`], with more variables (a second admin…).
pub fn settings_configured_with(
    dir: &Path,
    api_url: &str,
    config: &str,
    more: &[(&str, &str)],
) -> anyhow::Result<Settings> {
    Settings::from_layers(Some(config), &test_env(dir, api_url, more))
}

fn test_env(dir: &Path, api_url: &str, more: &[(&str, &str)]) -> HashMap<String, String> {
    let mut env: HashMap<String, String> = [
        (
            "MINSHENG_DATABASE",
            dir.join("minsheng.db").display().to_string(),
        ),
        ("MINSHENG_SEEDS", seeds_dir().display().to_string()),
        ("MINSHENG_ADMINS", ADMIN_ID.to_string()),
        ("MINSHENG_TELEGRAM_POLL_TIMEOUT_SECS", "1".to_owned()),
        ("TELOXIDE_API_URL", api_url.to_owned()),
        ("TELOXIDE_TOKEN", TOKEN.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    env.extend(more.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    env
}

/// The bot's own handler tree, with one more command that misbehaves.
pub fn the_bot_plus(
    command: &'static str,
    misbehaviour: UpdateHandler<anyhow::Error>,
) -> UpdateHandler<anyhow::Error> {
    dptree::entry()
        .branch(
            Update::filter_message()
                .filter(move |msg: Message| msg.text() == Some(command))
                .chain(misbehaviour),
        )
        .branch(minsheng::bot::handler_tree())
}

pub struct TestApp {
    pub api: FakeApi,
    pub pool: SqlitePool,
    pub clock: Arc<ManualClock>,
    dir: TempDir,
    /// How many of each chat's messages the test has read with `next_reply_to`.
    read: Mutex<HashMap<i64, usize>>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    /// The loops, when the test steps them itself ([`TestApp::spawn_stepped`]).
    steps: Option<Steps>,
    /// Where the web view listens, when it is on ([`TestApp::spawn_with_web`]).
    web: Option<SocketAddr>,
}

impl TestApp {
    /// The bot without its once-a-minute heartbeat: no weekly step interrupts the test.
    pub async fn spawn() -> Self {
        Self::spawn_with(App::without_heartbeat).await
    }

    /// Builds the app as production does, lets the test adjust it (a handler tree that
    /// misbehaves), then runs it.
    pub async fn spawn_with(adjust: impl FnOnce(App) -> App) -> Self {
        let api = FakeApi::start().await;
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at("2024-03-13T09:00:00+08:00")));
        Self::launch(api, dir, clock, adjust).await
    }

    /// Like [`TestApp::spawn`], first started at `rfc3339`: a fresh install on that day, the
    /// admin admitted then.
    pub async fn spawn_at(rfc3339: &str) -> Self {
        let api = FakeApi::start().await;
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at(rfc3339)));
        Self::launch(api, dir, clock, App::without_heartbeat).await
    }

    /// The bot with no loop running in the background: the test handles updates and sends
    /// messages with [`TestApp::drain`], and then knows that nothing more comes.
    pub async fn spawn_stepped() -> Self {
        Self::spawn_stepped_with(|app| app).await
    }

    /// Like [`TestApp::spawn_stepped`], with the app adjusted first (a handler tree).
    pub async fn spawn_stepped_with(adjust: impl FnOnce(App) -> App) -> Self {
        let api = FakeApi::start().await;
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at("2024-03-13T09:00:00+08:00")));
        log_to_file();
        let app = App::build(settings(dir.path(), &api.url), clock.clone())
            .await
            .expect("building the app");
        let steps = adjust(app).into_steps().await.expect("starting the steps");
        Self {
            api,
            pool: steps.context().pool.clone(),
            clock,
            dir,
            read: Mutex::new(HashMap::new()),
            stop: None,
            task: None,
            steps: Some(steps),
            web: None,
        }
    }

    /// Downloads at most one report's evidence due by the clock (a stepped app only).
    pub async fn keep_evidence_next(&self) -> minsheng::runtime::evidence::EvidenceOutcome {
        self.steps
            .as_ref()
            .expect("keep_evidence_next steps an app from spawn_stepped")
            .keep_evidence_next()
            .await
            .expect("an evidence step")
    }

    /// Fetches, handles and sends until nothing more is due by the clock (a stepped app only).
    pub async fn drain(&self) -> Drained {
        self.steps
            .as_ref()
            .expect("drain steps an app from spawn_stepped")
            .drain()
            .await
            .expect("a drain")
    }

    /// Stops the bot and starts it again, as production builds it.
    pub async fn restart(self) -> Self {
        let read = std::mem::take(&mut *self.read.lock().unwrap());
        let app = self.restart_with(App::without_heartbeat).await;
        *app.read.lock().unwrap() = read;
        app
    }

    /// Stops the bot, lets the clock reach `rfc3339` while it is down, and starts it again.
    pub async fn halted_until(self, rfc3339: &str) -> Self {
        let read = std::mem::take(&mut *self.read.lock().unwrap());
        let (api, dir, clock) = self.halt().await;
        clock.set(at(rfc3339));
        let app = Self::launch(api, dir, clock, App::without_heartbeat).await;
        *app.read.lock().unwrap() = read;
        app
    }

    /// Stops the bot and starts it again on the same database, with a `--config` file's text.
    pub async fn restart_configured(self, config: &str) -> Self {
        let read = std::mem::take(&mut *self.read.lock().unwrap());
        let (api, dir, clock) = self.halt().await;
        let settings = settings_configured(dir.path(), &api.url, config).expect("the config");
        let app = Self::launch_with(api, dir, clock, settings, App::without_heartbeat).await;
        *app.read.lock().unwrap() = read;
        app
    }

    /// Like [`TestApp::spawn`], with a `--config` file's text on top of the test settings.
    pub async fn spawn_configured(config: &str) -> Self {
        let api = FakeApi::start().await;
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at("2024-03-13T09:00:00+08:00")));
        let settings = settings_configured(dir.path(), &api.url, config).expect("the config");
        Self::launch_with(api, dir, clock, settings, App::without_heartbeat).await
    }

    /// The bot serving its web view on a free port of 127.0.0.1, with `more` variables on top
    /// (a public address, say).
    pub async fn spawn_with_web(more: &[(&str, &str)]) -> Self {
        let api = FakeApi::start().await;
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at("2024-03-13T09:00:00+08:00")));
        let mut vars = vec![("MINSHENG_WEB_LISTEN", "127.0.0.1:0")];
        vars.extend_from_slice(more);
        let settings = settings_with(dir.path(), &api.url, &vars);
        Self::launch_with(api, dir, clock, settings, App::without_heartbeat).await
    }

    /// `http://<the web view's bound address><path>`: where a test's requests go, whatever
    /// public address the links name.
    pub fn web_url(&self, path: &str) -> String {
        let address = self.web.expect("the web view is on (spawn_with_web)");
        format!("http://{address}{path}")
    }

    async fn launch(
        api: FakeApi,
        dir: TempDir,
        clock: Arc<ManualClock>,
        adjust: impl FnOnce(App) -> App,
    ) -> Self {
        let settings = settings(dir.path(), &api.url);
        Self::launch_with(api, dir, clock, settings, adjust).await
    }

    async fn launch_with(
        api: FakeApi,
        dir: TempDir,
        clock: Arc<ManualClock>,
        settings: Settings,
        adjust: impl FnOnce(App) -> App,
    ) -> Self {
        log_to_file();
        let app = App::build(settings, clock.clone())
            .await
            .expect("building the app");
        let app = adjust(app);
        let pool = app.pool().clone();
        let web = app.web_address();
        let (stop, stopped) = oneshot::channel();
        let mut started = app.started();
        let task = tokio::spawn(app.run_until_stopped(async {
            let _ = stopped.await;
        }));
        // Past its start-up: the test's first step comes after the catch-up beat, never with it.
        tokio::time::timeout(PATIENCE, started.wait_for(|started| *started))
            .await
            .expect("the bot starts in time")
            .expect("the bot starts");
        Self {
            api,
            pool,
            clock,
            dir,
            read: Mutex::new(HashMap::new()),
            stop: Some(stop),
            task: Some(task),
            steps: None,
            web,
        }
    }

    /// Stops the bot and starts it again on the same database, Bot API and clock; returns once
    /// it has started (with a heartbeat: once its catch-up beat has run).
    pub async fn restart_with(self, adjust: impl FnOnce(App) -> App) -> Self {
        let (api, dir, clock) = self.halt().await;
        Self::launch(api, dir, clock, adjust).await
    }

    /// A contact sends a quick-form report (`/report 9 1=2 进展:…`), confirms it with 提交, and
    /// gets the ✅ receipt.
    pub async fn reports(&self, person: &Person, command: &str) {
        self.says(person, command);
        self.next_reply_to(person).await;
        self.presses(person, &minsheng::bot::report::Press::Submit.data());
        let receipt = self.next_reply_to(person).await;
        assert!(receipt.starts_with("✅"), "{receipt}");
    }

    /// A person writes to the bot in their private chat.
    pub fn says(&self, person: &Person, text: &str) {
        self.says_and_id(person, text);
    }

    /// Like [`TestApp::says`], returning the update's id.
    pub fn says_and_id(&self, person: &Person, text: &str) -> i64 {
        self.api.push_text(
            person.user(),
            private_chat(person.id, person.first_name),
            text,
        )
    }

    /// A person writes in a group the bot is in.
    pub fn says_in_group(&self, person: &Person, group: i64, text: &str) {
        self.api.push_text(person.user(), group_chat(group), text);
    }

    /// A person presses an inline button carrying `data`.
    pub fn presses(&self, person: &Person, data: &str) {
        self.api.push_callback(person.user(), 1, data);
    }

    /// The buttons under the bot's last message to a person, waiting for one to arrive.
    pub async fn buttons_under_last(&self, person: &Person) -> Buttons {
        let body = self
            .api
            .wait_until(PATIENCE, || {
                self.api
                    .sent()
                    .into_iter()
                    .rev()
                    .find(|s| s.chat_id == person.id)
                    .map(|s| s.body)
            })
            .await
            .expect("a message");
        let rows = body["reply_markup"]["inline_keyboard"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        Buttons(
            rows.iter()
                .map(|row| {
                    row.as_array()
                        .cloned()
                        .unwrap_or_default()
                        .iter()
                        .map(|b| {
                            let field =
                                |name: &str| b[name].as_str().unwrap_or_default().to_owned();
                            (field("text"), field("callback_data"))
                        })
                        .collect()
                })
                .collect(),
        )
    }

    /// Every message the bot has sent a person so far.
    pub fn messages_to(&self, person: &Person) -> Vec<String> {
        self.api.sent_to(person.id)
    }

    /// The bot's `n`th message to a person (from 1), waiting for it to arrive.
    pub async fn nth_reply_to(&self, person: &Person, n: usize) -> String {
        self.api
            .nth_message_to(person.id, n, PATIENCE)
            .await
            .unwrap_or_else(|| {
                panic!(
                    "{} got no message #{n}; requests so far: {:?}",
                    person.first_name,
                    self.api
                        .requests()
                        .iter()
                        .map(|r| format!("{} {}", r.method, r.body))
                        .collect::<Vec<_>>()
                )
            })
    }

    /// The bot's next message to a person that this test has not read yet.
    pub async fn next_reply_to(&self, person: &Person) -> String {
        let n = {
            let mut read = self.read.lock().unwrap();
            let n = read.entry(person.id).or_insert(0);
            *n += 1;
            *n
        };
        self.nth_reply_to(person, n).await
    }

    /// The first message to a person that contains `needle`, waiting for it to arrive.
    pub async fn message_to_containing(&self, person: &Person, needle: &str) -> String {
        self.api
            .wait_until(PATIENCE, || {
                self.messages_to(person)
                    .into_iter()
                    .find(|m| m.contains(needle))
            })
            .await
            .unwrap_or_else(|| {
                panic!(
                    "no message to {} contains {needle:?}; they got {:?}",
                    person.first_name,
                    self.messages_to(person)
                )
            })
    }

    /// Marks everything sent to a person so far as read.
    pub async fn skip_replies_to(&self, person: &Person, count: usize) {
        for _ in 0..count {
            self.next_reply_to(person).await;
        }
    }

    /// A person writes anything else: a sticker, a voice message, a photo (`kind` and its JSON).
    pub fn sends(&self, person: &Person, kind: &str, payload: serde_json::Value) {
        let mut message = serde_json::json!({ "from": person.user(), "chat": private_chat(person.id, person.first_name) });
        message[kind] = payload;
        self.api.push_message(message);
    }

    /// A contact of `unit` assigned to `projects` as `role`, set up directly in the database.
    pub async fn contact_on(&self, person: &Person, unit: &str, projects: &[i64], role: &str) {
        self.admit(person, "contact", Some(unit)).await;
        for no in projects {
            sqlx::query(
                "INSERT INTO assignments (project_id, person_id, role, assigned_at)
                 VALUES ((SELECT id FROM projects WHERE no = ?), (SELECT id FROM people WHERE telegram_id = ?), ?, ?)",
            )
            .bind(no)
            .bind(person.id)
            .bind(role)
            .bind(minsheng::db::instant(self.clock.now()))
            .execute(&self.pool)
            .await
            .unwrap();
        }
    }

    /// Sets the injected clock to an RFC 3339 instant.
    pub fn set_time(&self, rfc3339: &str) {
        self.clock.set(at(rfc3339));
    }

    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// One heartbeat of the weekly cycle at the clock's time, as the scheduler would run it.
    pub async fn tick(&self) -> minsheng::services::cycle::Queued {
        let settings = settings(self.dir.path(), &self.api.url);
        minsheng::jobs::cycle::run_due(&self.pool, &settings, self.clock.now())
            .await
            .expect("run_due")
    }

    /// The digest beat at the clock's time: how many digests were queued.
    pub async fn tick_digest(&self) -> usize {
        let settings = settings(self.dir.path(), &self.api.url);
        minsheng::jobs::digest::run_due(&self.pool, &settings, self.clock.now())
            .await
            .expect("digest run_due")
    }

    /// The quarterly-summary beat at the clock's time: how many summaries were queued.
    pub async fn tick_quarter(&self) -> usize {
        let settings = settings(self.dir.path(), &self.api.url);
        minsheng::jobs::digest::run_quarter_due(&self.pool, &settings, self.clock.now())
            .await
            .expect("quarter run_due")
    }

    /// The steps queued in the outbox for a person: ("2024-03-11", "prompt") …
    pub async fn steps_of(&self, person: &Person) -> Vec<(String, String)> {
        sqlx::query_as(
            "SELECT o.period, o.step FROM outbox o JOIN people p ON p.id = o.person_id
             WHERE p.telegram_id = ? AND o.step IS NOT NULL ORDER BY o.id",
        )
        .bind(person.id)
        .fetch_all(&self.pool)
        .await
        .unwrap()
    }

    /// Moves the injected clock on: what was scheduled for later becomes due.
    pub fn advance(&self, seconds: i64) {
        self.clock.advance(chrono::TimeDelta::seconds(seconds));
    }

    /// Admits a person directly in the database, as an accepted invite will.
    pub async fn admit(&self, person: &Person, role: &str, unit: Option<&str>) {
        sqlx::query(
            "INSERT INTO people (telegram_id, display_name, role, unit_id, joined_at)
             VALUES (?, ?, ?, (SELECT id FROM units WHERE name = ?), '2024-03-01T00:00:00Z')",
        )
        .bind(person.id)
        .bind(person.first_name)
        .bind(role)
        .bind(unit)
        .execute(&self.pool)
        .await
        .unwrap();
    }

    /// Queues a message as a scheduled step would, straight into the outbox.
    pub async fn queue_message(&self, chat: i64, text: &str) {
        let now = self.clock.now();
        let mut conn = self.pool.acquire().await.unwrap();
        minsheng::bot::outgoing::Outgoing::text(chat, text)
            .enqueue(&mut conn, now)
            .await
            .unwrap();
    }

    /// Waits for a query to give `expected`: for what the runtime does in the background.
    pub async fn eventually(&self, sql: &'static str, expected: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let value: Option<String> = sqlx::query_scalar(sql)
                .fetch_optional(&self.pool)
                .await
                .unwrap();
            if value.as_deref() == Some(expected) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{sql} gave {value:?}, not {expected}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn scalar(&self, sql: &'static str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }

    pub async fn stop(self) {
        self.halt().await;
    }

    async fn halt(mut self) -> (FakeApi, TempDir, Arc<ManualClock>) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(steps) = self.steps.take() {
            steps.stop().await;
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(PATIENCE, task)
                .await
                .expect("the bot stops in time")
                .expect("the bot task does not panic")
                .expect("the bot stops cleanly");
        }
        (self.api, self.dir, self.clock)
    }
}

/// The settings a running test app was built with, with a `--config` file's text on top.
pub fn settings_of_configured(app: &TestApp, config: &str) -> Settings {
    settings_configured(app.dir.path(), &app.api.url, config).expect("the config")
}

/// The settings a running test app was built with.
pub fn settings_of(app: &TestApp) -> Settings {
    settings(app.dir.path(), &app.api.url)
}

/// Where the in-process bots of a test run log, at debug level. `.ci/run` greps it for the token.
pub fn log_path() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("it.log")
}

pub fn log_to_file() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let file = std::fs::File::create(log_path()).expect("creating the test log");
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("debug,sqlx=warn"))
            .with_writer(Mutex::new(file))
            .with_ansi(false)
            .try_init();
    });
}

#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub id: i64,
    pub first_name: &'static str,
    pub username: Option<&'static str>,
}

impl Person {
    pub const fn new(id: i64, first_name: &'static str) -> Self {
        Self {
            id,
            first_name,
            username: None,
        }
    }

    pub const fn with_username(id: i64, first_name: &'static str, username: &'static str) -> Self {
        Self {
            id,
            first_name,
            username: Some(username),
        }
    }

    pub fn user(&self) -> serde_json::Value {
        user(self.id, self.first_name, self.username)
    }
}

pub const ADMIN: Person = Person::new(ADMIN_ID, "专班王");
pub const STRANGER: Person = Person::new(555_001, "路人甲");

/// An inline keyboard as the person sees it: rows of (label, callback data).
pub struct Buttons(pub Vec<Vec<(String, String)>>);

impl Buttons {
    /// Every button's label, row after row.
    pub fn labels(&self) -> Vec<String> {
        self.0
            .iter()
            .flatten()
            .map(|(label, _)| label.clone())
            .collect()
    }

    /// The callback data, row by row.
    pub fn data(&self) -> Vec<Vec<String>> {
        self.0
            .iter()
            .map(|row| row.iter().map(|(_, data)| data.clone()).collect())
            .collect()
    }
}

/// The real binary on `database`, as an operator runs it: no token, no config file, the
/// repository's seeds. Callers add what their case needs.
pub fn minsheng_binary(args: &[&str], database: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_minsheng"));
    command
        .args(args)
        .arg("--database")
        .arg(database)
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("MINSHENG_CONFIG")
        .env("MINSHENG_SEEDS", seeds_dir());
    command
}

/// What a run of the binary printed on stdout.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}
