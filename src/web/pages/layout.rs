//! The page around every body: the plan's name, the three links, the stylesheet. Words shared
//! by several pages live here.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use maud::{DOCTYPE, Markup, html};

use crate::domain::colour::{Colour, State};

pub const FAILED: &str = "页面暂时无法显示，请稍后再试；如持续出现，请联系工作专班。";
pub const NO_PLAN: &str = "当前没有正在执行的年度计划。";
pub const NOT_FOUND: &str = "没有这个项目，或该项目不在您的查看范围内。";
/// An address the view does not have.
pub const NO_PAGE: &str = "没有这个页面：请从上方的链接进入。";

/// A whole page: `plan` is the plan's name for the header (none when there is no plan).
pub fn page(title: &str, plan: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            (head(title, html! {}))
            body {
                header.top {
                    div.plan { (plan.unwrap_or("重点民生实事调度")) }
                    nav {
                        a href="/" { "概览" }
                        a href="/digests" { "调度通报" }
                        a href="/ledger.xlsx" { "台账下载" }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// Every page's head: phone-width viewport, no referrer, the one stylesheet; `more` adds to it
/// (the sign-in page's refresh).
pub fn head(title: &str, more: Markup) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="referrer" content="no-referrer";
            (more)
            title { (title) " · 重点民生实事调度" }
            link rel="stylesheet" href="/assets/style.css";
        }
    }
}

/// A body of one sentence.
pub fn notice(text: &str) -> Markup {
    html! { p.notice { (text) } }
}

/// A state as a coloured label with its word (never the colour alone).
pub fn state_label(state: State) -> Markup {
    html! { span class={ "label " (state_class(state)) } { (state.label()) } }
}

pub fn state_class(state: State) -> &'static str {
    match state {
        State::Colour(Colour::Red) => "red",
        State::Colour(Colour::Yellow) => "yellow",
        State::Colour(Colour::Blue) => "blue",
        State::Unreported | State::NoContact => "none",
    }
}

/// "3月6日"
pub fn day(date: NaiveDate) -> String {
    format!("{}月{}日", date.month(), date.day())
}

/// "2024年12月31日"
pub fn full_day(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// A stored instant, local: "3月6日 09:00".
pub fn moment(at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    format!("{} {}", day(local.date_naive()), local.format("%H:%M"))
}

/// A percentage as people write it: "46%".
pub fn percent(value: f64) -> String {
    format!("{}%", value.round() as i64)
}
