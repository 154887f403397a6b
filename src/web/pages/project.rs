//! `/projects/{no}`: a project's targets, its figures week by week against the 序时 line,
//! every report version, its difficulties open and resolved, its units and contacts. A
//! project outside the reader's scope answers exactly as one that does not exist.

use axum::extract::{Path, State as Extract};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use chrono_tz::Tz;
use maud::{Markup, html};

use super::layout::{self, full_day, moment, percent, state_label};
use super::{Reading, Refusal, chart};
use crate::domain::role::AssignmentRole;
use crate::export::ledger::cells::week;
use crate::services::web_view::{self, ProjectPage, Version};
use crate::web::{Reader, WebState};

pub async fn page(
    Extract(state): Extract<WebState>,
    reader: Reader,
    Path(no): Path<String>,
) -> Result<Response, Refusal> {
    let mut read = Reading::of(&state, &reader.person).await?;
    // Anything but a plain number is a project that does not exist.
    let Some(no) = no.parse::<i64>().ok().filter(|n| *n > 0) else {
        return Ok(not_found(&read.plan.name));
    };
    let settings = &state.ctx.settings;
    let found = web_view::project(
        &mut read.conn,
        settings,
        &read.plan,
        &read.scope,
        no,
        read.now,
    )
    .await?;
    let Some(project) = found else {
        return Ok(not_found(&read.plan.name));
    };
    let title = format!("项目 {}", project.card.project.no);
    let body = body(&project, settings.timezone);
    Ok(layout::page(&title, Some(&read.plan.name), body).into_response())
}

/// The same answer for a project that does not exist and one outside the scope.
pub fn not_found(plan_name: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        layout::page("未找到", Some(plan_name), layout::notice(layout::NOT_FOUND)),
    )
        .into_response()
}

fn body(page: &ProjectPage, tz: Tz) -> Markup {
    let card = &page.card;
    let standing = &card.standing;
    let deadline = card.project.deadline.parse::<NaiveDate>().ok();
    html! {
        h1 { "项目 " (card.project.no) "　" (card.project.title) }
        p.sub { (card.project.category) }
        section.standing {
            (state_label(standing.state))
            " 序时进度 " (percent(standing.expected))
            @if !standing.reasons.is_empty() {
                div.reasons { (standing.reasons.join("；")) }
            }
        }
        section {
            h2 { "目标任务" }
            @if !card.project.summary.is_empty() { p { (card.project.summary) } }
            @if !card.project.goals.is_empty() { p { (card.project.goals) } }
            @if let Some(deadline) = deadline { p.meta { "完成时限：" (full_day(deadline)) } }
            @if !standing.figures.is_empty() {
                table.figures {
                    thead { tr { th { "指标" } th { "目标" } th { "最新完成" } } }
                    tbody {
                        @for (target, figure) in card.metrics.iter().zip(&standing.figures) {
                            tr {
                                td data-label="指标" { (target.name) }
                                td data-label="目标" { (target.target.to_string()) }
                                td data-label="最新完成" {
                                    (figure.shown())
                                    @if let Some(p) = figure.percent { "（" (percent(p)) "）" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !page.series.is_empty() {
            section {
                h2 { "逐周累计与序时进度" }
                @for series in &page.series { (chart::weekly(series)) }
            }
        }
        section {
            h2 { "承办单位与联络员" }
            ul.plain {
                @for unit in &card.units {
                    li { (unit_role(unit.role)) "：" (unit.name) }
                }
                @for contact in &card.contacts {
                    li { (contact.role.label()) "联络员：" (contact.name) }
                }
                @if card.contacts.is_empty() { li.quiet { "尚未指派联络员" } }
            }
        }
        section {
            h2 { "困难问题" }
            @let open: Vec<_> = page.difficulties.iter().filter(|d| d.resolved_at.is_none()).collect();
            @let closed: Vec<_> = page.difficulties.iter().filter(|d| d.resolved_at.is_some()).collect();
            h3 { "待协调（" (open.len()) "项）" }
            @if open.is_empty() { p.quiet { "无" } }
            ul.plain {
                @for d in &open { li { (d.text) span.meta { "（" (moment(d.raised_at, tz)) "提出）" } } }
            }
            h3 { "已解决（" (closed.len()) "项）" }
            @if closed.is_empty() { p.quiet { "无" } }
            ul.plain {
                @for d in &closed {
                    li {
                        (d.text)
                        span.meta {
                            "（" (moment(d.raised_at, tz)) "提出，"
                            @if let Some(at) = d.resolved_at { (moment(at, tz)) }
                            "解决）"
                        }
                    }
                }
            }
        }
        section {
            h2 { "报送记录（" (page.versions.len()) "份）" }
            @if page.versions.is_empty() { p.quiet { "尚无报送。" } }
            @for version in page.versions.iter().rev() { (report(version, &page.lead_unit, tz)) }
        }
    }
}

fn unit_role(role: AssignmentRole) -> &'static str {
    match role {
        AssignmentRole::Lead => "牵头单位",
        AssignmentRole::Co => "协办单位",
    }
}

/// One report version as submitted; a revision says which version it is.
fn report(version: &Version, lead_unit: &str, tz: Tz) -> Markup {
    let r = &version.report;
    html! {
        article.report {
            h3 {
                (week(r.week_start))
                @if r.version > 1 { span.revised { "修改稿（第" (r.version) "版）" } }
            }
            p.meta {
                (moment(r.submitted_at, tz)) "提交 · " (r.person_name)
                @if r.role == AssignmentRole::Lead { "（" (lead_unit) "，牵头）" } @else { "（协办）" }
                @if r.late { " · 逾期报送" }
            }
            p { "进度状态：" (r.status.label()) }
            @if !r.progress.is_empty() { p.text { "工作进展：" (r.progress) } }
            @if version.figures.iter().any(|f| f.value.is_some()) {
                p { "填报数据："
                    @for (i, f) in version.figures.iter().filter(|f| f.value.is_some()).enumerate() {
                        @if i > 0 { "；" }
                        (f.name) " " (f.shown())
                    }
                }
            }
            @if !r.difficulties.is_empty() { p.text { "困难问题：" (r.difficulties) } }
        }
    }
}
