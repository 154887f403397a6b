//! The command line's words when it cannot parse what the operator typed: clap's own are
//! English.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// One line on what was wrong (with the nearest valid name, when clap found one), then the
/// usage line and where to read more.
pub fn parse_error(error: &clap::Error) -> String {
    let said = |kind| error.get(kind).map(shown).unwrap_or_default();
    let arg = said(ContextKind::InvalidArg);
    let value = said(ContextKind::InvalidValue);
    let mut line = match error.kind() {
        ErrorKind::InvalidSubcommand => {
            format!("没有“{}”这个命令", said(ContextKind::InvalidSubcommand))
        }
        ErrorKind::UnknownArgument => format!("不认识的参数“{arg}”"),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数 {arg}"),
        ErrorKind::MissingSubcommand => "缺少命令".to_owned(),
        ErrorKind::InvalidValue => format!("参数 {arg} 的值“{value}”无效"),
        ErrorKind::ValueValidation => format!("参数 {arg} 的值“{value}”无法识别{}", form_of(&arg)),
        ErrorKind::ArgumentConflict => {
            format!("参数 {arg} 不能与 {} 同时使用", said(ContextKind::PriorArg))
        }
        _ => format!(
            "命令行有误{}",
            if arg.is_empty() {
                String::new()
            } else {
                format!("：{arg}")
            }
        ),
    };
    let valid = said(ContextKind::ValidValue);
    if !valid.is_empty() {
        line.push_str(&format!("，可选：{valid}"));
    }
    let suggested = [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg]
        .into_iter()
        .map(said)
        .find(|s| !s.is_empty());
    if let Some(suggested) = suggested {
        line.push_str(&format!("，是否想用：{suggested}"));
    }
    let usage = said(ContextKind::Usage).replace("Usage: ", "用法：");
    match usage.trim() {
        "" => format!("minsheng：{line}\n详见 --help。"),
        usage => format!("minsheng：{line}\n\n{usage}\n\n详见 --help。"),
    }
}

/// How a value of the argument is written, for the kinds people mistype.
fn form_of(arg: &str) -> &'static str {
    if arg.contains("<日期>") {
        "，日期写作 2025-10-11"
    } else if arg.contains("<时刻>") {
        "，时刻写作 2025-03-10T09:00:00+08:00"
    } else {
        ""
    }
}

fn shown(value: &ContextValue) -> String {
    match value {
        ContextValue::Strings(all) => all.join("、"),
        ContextValue::StyledStrs(all) => all
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        other => other.to_string(),
    }
}
