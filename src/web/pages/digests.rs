//! `/digests`: the ten-day digests and quarter summaries as they were sent to the reader,
//! newest first; an admin sees every one, labelled with whom it went to. Their text is the
//! Telegram text: escaped (maud escapes every value) with its line breaks kept by the
//! stylesheet.

use axum::extract::State as Extract;
use axum::response::{IntoResponse, Response};
use chrono_tz::Tz;
use maud::{Markup, html};

use super::layout::{self, moment};
use super::{Reading, Refusal};
use crate::db::pages::SentDigest;
use crate::domain::dekad::Period;
use crate::domain::role::Role;
use crate::services::web_view;
use crate::web::{Reader, WebState};

pub const CONTACTS_RECEIVE_NONE: &str =
    "调度通报发送给工作专班和分管负责同志，联络员不接收调度通报。";

pub async fn page(Extract(state): Extract<WebState>, reader: Reader) -> Result<Response, Refusal> {
    let mut read = Reading::of(&state, &reader.person).await?;
    let sent = web_view::digests(&mut read.conn, &reader.person).await?;
    let body = body(reader.person.role, &sent, state.ctx.settings.timezone);
    Ok(layout::page("调度通报", Some(&read.plan.name), body).into_response())
}

fn body(role: Role, sent: &[SentDigest], tz: Tz) -> Markup {
    let dekads: Vec<&SentDigest> = sent.iter().filter(|d| d.kind == "dekad").collect();
    let quarters: Vec<&SentDigest> = sent.iter().filter(|d| d.kind == "quarter").collect();
    html! {
        h1 { "调度通报" }
        @if role == Role::Contact {
            p.notice { (CONTACTS_RECEIVE_NONE) }
        } @else {
            @if role == Role::Admin { p.sub { "全部已发送的调度通报，注明发送对象。" } }
            section {
                h2 { "每旬调度（" (dekads.len()) "期）" }
                @if dekads.is_empty() { p.quiet { "尚未收到每旬调度通报。" } }
                @for d in &dekads { (one(role, d, tz)) }
            }
            section {
                h2 { "季度汇总（" (quarters.len()) "期）" }
                @if quarters.is_empty() { p.quiet { "尚未收到季度汇总。" } }
                @for d in &quarters { (one(role, d, tz)) }
            }
        }
    }
}

fn one(role: Role, digest: &SentDigest, tz: Tz) -> Markup {
    let period = if digest.kind == "quarter" {
        Period::quarter_of(digest.period_start)
    } else {
        Period::dekad_of(digest.period_start)
    };
    html! {
        article.digest {
            h3 { (period.label()) }
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
