//! `/digests`: the ten-day digests and quarter summaries as they were sent to the reader. The
//! index shows the latest period in full and lists every period, newest first, each opening
//! `/digests/{dekad|quarter}/{first day}`; an admin reads every reader's copy, labelled with
//! whom it went to. A year of them on one page would be megabytes on a phone. Their text is
//! the Telegram text: escaped (maud escapes every value), its line breaks kept by the
//! stylesheet.

use axum::extract::{Path, State as Extract};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use chrono_tz::Tz;
use maud::{Markup, html};

use super::layout::{self, moment};
use super::{Reading, Refusal};
use crate::db::pages::{SentDigest, SentPeriod};
use crate::domain::dekad::Period;
use crate::domain::role::Role;
use crate::services::web_view;
use crate::web::{Reader, WebState};

pub const CONTACTS_RECEIVE_NONE: &str =
    "调度通报发送给工作专班和分管负责同志，联络员不接收调度通报。";
/// A period the reader had no digest of.
pub const NO_SUCH_DIGEST: &str = "没有这一期调度通报，或它未发送给您。";

pub async fn page(Extract(state): Extract<WebState>, reader: Reader) -> Result<Response, Refusal> {
    let mut read = Reading::of(&state, &reader.person).await?;
    let person = &reader.person;
    let periods = web_view::digest_periods(&mut read.conn, person).await?;
    let latest = match periods.first() {
        Some(p) => web_view::digests_of(&mut read.conn, person, &p.kind, p.period_start).await?,
        None => Vec::new(),
    };
    let body = index(person.role, &periods, &latest, state.ctx.settings.timezone);
    Ok(layout::page("调度通报", Some(&read.plan.name), body).into_response())
}

/// One period's digests: `kind` is `dekad` or `quarter`, `start` its first day.
pub async fn period(
    Extract(state): Extract<WebState>,
    reader: Reader,
    Path((kind, start)): Path<(String, String)>,
) -> Result<Response, Refusal> {
    let mut read = Reading::of(&state, &reader.person).await?;
    let sent = match (kind.as_str(), start.parse::<NaiveDate>()) {
        ("dekad" | "quarter", Ok(start)) => {
            web_view::digests_of(&mut read.conn, &reader.person, &kind, start).await?
        }
        _ => Vec::new(),
    };
    let Some(first) = sent.first() else {
        let body = layout::notice(NO_SUCH_DIGEST);
        let page = layout::page("未找到", Some(&read.plan.name), body);
        return Ok((StatusCode::NOT_FOUND, page).into_response());
    };
    let title = period_of(&first.kind, first.period_start).label();
    let tz = state.ctx.settings.timezone;
    let body = html! {
        p.sub { a href="/digests" { "← 全部调度通报" } }
        h1 { (title) }
        @for digest in &sent { (one(reader.person.role, digest, tz)) }
    };
    Ok(layout::page(&title, Some(&read.plan.name), body).into_response())
}

fn index(role: Role, periods: &[SentPeriod], latest: &[SentDigest], tz: Tz) -> Markup {
    let dekads: Vec<&SentPeriod> = periods.iter().filter(|p| p.kind == "dekad").collect();
    let quarters: Vec<&SentPeriod> = periods.iter().filter(|p| p.kind == "quarter").collect();
    html! {
        h1 { "调度通报" }
        @if role == Role::Contact {
            p.notice { (CONTACTS_RECEIVE_NONE) }
        } @else {
            @if role == Role::Admin { p.sub { "全部已发送的调度通报，注明发送对象。" } }
            @if let Some(first) = latest.first() {
                section {
                    h2 { "最近一期：" (period_of(&first.kind, first.period_start).label()) }
                    @for digest in latest { (one(role, digest, tz)) }
                }
            }
            section {
                h2 { "每旬调度（" (dekads.len()) "期）" }
                @if dekads.is_empty() { p.quiet { "尚未收到每旬调度通报。" } }
                (list(role, &dekads, tz))
            }
            section {
                h2 { "季度汇总（" (quarters.len()) "期）" }
                @if quarters.is_empty() { p.quiet { "尚未收到季度汇总。" } }
                (list(role, &quarters, tz))
            }
        }
    }
}

/// The periods as links, newest first, with when they went out.
fn list(role: Role, periods: &[&SentPeriod], tz: Tz) -> Markup {
    html! {
        ul.periods {
            @for p in periods {
                li {
                    a href={ "/digests/" (p.kind) "/" (p.period_start) } {
                        (period_of(&p.kind, p.period_start).label())
                    }
                    span.meta {
                        " · " (moment(p.sent_at, tz)) "发送"
                        @if role == Role::Admin { " · " (p.copies) "份" }
                    }
                }
            }
        }
    }
}

fn one(role: Role, digest: &SentDigest, tz: Tz) -> Markup {
    html! {
        article.digest {
            p.meta {
                (moment(digest.created_at, tz)) "发送"
                @if role == Role::Admin {
                    " · 发送对象：" (digest.reader.as_deref().unwrap_or("全体"))
                }
            }
            div.text { (digest.text) }
        }
    }
}

fn period_of(kind: &str, start: NaiveDate) -> Period {
    if kind == "quarter" {
        Period::quarter_of(start)
    } else {
        Period::dekad_of(start)
    }
}
