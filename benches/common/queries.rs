//! Where a step's database time goes: sqlx reports every statement it ran (target
//! `sqlx::query`, with its text and `elapsed_secs`); this layer adds them up by statement while
//! recording is on. Off, it tells sqlx nobody listens, so timed runs pay nothing for it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

static RECORDING: AtomicBool = AtomicBool::new(false);
static TOTALS: Mutex<Option<HashMap<String, (u32, f64)>>> = Mutex::new(None);

struct Queries;

#[derive(Default)]
struct Statement {
    summary: String,
    text: String,
    secs: f64,
}

impl Visit for Statement {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = value.to_owned(),
            "db.statement" => self.text = value.trim().to_owned(),
            _ => {}
        }
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.secs = value;
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S: Subscriber> Layer<S> for Queries {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        metadata.target() == "sqlx::query" && RECORDING.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut statement = Statement::default();
        event.record(&mut statement);
        let key = if statement.text.is_empty() {
            statement.summary
        } else {
            statement.text
        };
        let key: String = key.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut totals = TOTALS.lock().unwrap();
        let entry = totals.get_or_insert_default().entry(key).or_default();
        entry.0 += 1;
        entry.1 += statement.secs;
    }
}

/// Installs the layer as the process's subscriber (once, before any query).
pub fn install() {
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Queries))
        .expect("no other subscriber");
}

/// Runs `step` with recording on and prints its statements, slowest in total first.
pub async fn profile<T>(name: &str, step: impl Future<Output = T>) -> T {
    *TOTALS.lock().unwrap() = Some(HashMap::new());
    RECORDING.store(true, Ordering::Relaxed);
    // Callsites cached as "never" before recording began must be asked again.
    tracing::callsite::rebuild_interest_cache();
    let out = step.await;
    RECORDING.store(false, Ordering::Relaxed);
    let totals = TOTALS.lock().unwrap().take().unwrap_or_default();
    let mut rows: Vec<_> = totals.into_iter().collect();
    rows.sort_by(|a, b| b.1.1.total_cmp(&a.1.1));
    let count: u32 = rows.iter().map(|r| r.1.0).sum();
    let secs: f64 = rows.iter().map(|r| r.1.1).sum();
    println!(
        "  {name}: {count} statements, {:?} in the database; the slowest in total:",
        Duration::from_secs_f64(secs)
    );
    for (text, (n, secs)) in rows.iter().take(6) {
        let text: String = text.chars().take(150).collect();
        println!(
            "    {n:>6} × {:>10.1?}  {text}",
            Duration::from_secs_f64(*secs)
        );
    }
    out
}
