//! `/`: the reader's scope in words, this 旬's reporting rate, the counts of 红黄蓝 and
//! 未报送, the projects that need attention first, and the chart: the digest of the 旬 so far
//! for the scope, so the page says exactly what `/digest` says.

use axum::extract::State as Extract;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::layout::{self, day, percent, state_label};
use super::{Reading, Refusal, chart};
use crate::domain::colour::{Colour, State};
use crate::export::chart::of_digest;
use crate::services::digest::{Digest, ProjectState};
use crate::services::web_view::{self, Reach};
use crate::web::{Reader, WebState};

pub async fn page(Extract(state): Extract<WebState>, reader: Reader) -> Result<Response, Refusal> {
    let mut read = Reading::of(&state, &reader.person).await?;
    let digest = web_view::overview(
        &mut read.conn,
        &state.ctx.settings,
        &read.plan,
        &read.scope,
        read.now,
    )
    .await?;
    let body = body(&read.scope.reach, &digest);
    Ok(layout::page("概览", Some(&read.plan.name), body).into_response())
}

/// What the overview shows of a digest of the 旬 so far.
pub fn body(reach: &Reach, digest: &Digest) -> Markup {
    let attention: Vec<&ProjectState> = digest
        .projects
        .iter()
        .filter(|p| needs_attention(p.state))
        .collect();
    let count = |state: State| digest.count(state);
    let no_contact = count(State::NoContact);
    html! {
        h1 { (digest.period.label()) "调度情况" }
        p.sub { "截至" (day(digest.as_of)) "，" (digest.projects.len()) "个项目" }
        p.scope { "查看范围：" (scope_words(reach)) }
        section.figures {
            div.rate {
                "本旬报送：已报 " strong { (digest.received) } " / 应报 " strong { (digest.expected) }
                @if digest.expected > 0 {
                    "（报送率 " (percent(digest.received as f64 * 100.0 / digest.expected as f64)) "）"
                }
            }
            ul.counts {
                @for colour in [Colour::Red, Colour::Yellow, Colour::Blue] {
                    li { (state_label(State::Colour(colour))) " " strong { (count(State::Colour(colour))) } "个" }
                }
                li { (state_label(State::Unreported)) " " strong { (count(State::Unreported)) } "个" }
                @if no_contact > 0 {
                    li { (state_label(State::NoContact)) " " strong { (no_contact) } "个" }
                }
            }
        }
        section {
            h2 { "需关注的项目" }
            @if attention.is_empty() {
                p.quiet { "本旬没有亮红、黄灯或未报送的项目。" }
            } @else {
                ul.attention {
                    @for p in &attention {
                        li {
                            a href={ "/projects/" (p.no) } { (p.no) ". " (p.title) }
                            " " (state_label(p.state))
                            div.meta { "牵头单位：" (p.lead_unit) }
                            @if !p.reasons.is_empty() {
                                div.reasons { (p.reasons.join("；")) }
                            }
                        }
                    }
                }
            }
        }
        section {
            h2 { "进度与序时进度" }
            (chart::progress(&of_digest(digest)))
            p.quiet { "未报送的项目不着色，只标“未报送”。" }
        }
        section {
            h2 { "全部项目" }
            ul.projects {
                @for p in &digest.projects {
                    li { a href={ "/projects/" (p.no) } { (p.no) ". " (p.title) } " " (state_label(p.state)) }
                }
            }
        }
    }
}

/// Red, then yellow, then unreported, then those without a lead contact (the digest's order).
fn needs_attention(state: State) -> bool {
    !matches!(state, State::Colour(Colour::Blue))
}

fn scope_words(reach: &Reach) -> String {
    match reach {
        Reach::All => "全部项目".to_owned(),
        Reach::Leader(words) if words.is_empty() => "尚未设定分管范围".to_owned(),
        Reach::Leader(words) => words.clone(),
        Reach::Own(projects) if projects.is_empty() => "本人暂无负责的项目".to_owned(),
        Reach::Own(projects) => {
            let named: Vec<String> = projects
                .iter()
                .map(|(no, title)| format!("{no}. {title}"))
                .collect();
            format!("本人负责的项目：{}", named.join("；"))
        }
    }
}
