//! The weekly report conversation (SPEC.md §4): one question at a time, buttons where the
//! choice is closed, the same question again after bad input, and a summary to confirm. Its
//! state lives in SQLite ([`TxStorage`]), saved with each step.

use serde::{Deserialize, Serialize};
use teloxide::dispatching::dialogue::Dialogue;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, Message};

use crate::bot::BotContext;
use crate::bot::dialogue_storage::TxStorage;
use crate::bot::outgoing::Outgoing;
use crate::bot::scope::Scope;
use crate::bot::texts::{self, report as say};
use crate::db::assignments;
use crate::db::calendar as calendar_db;
use crate::db::people::Person;
use crate::db::plan::{self, MetricRow, PlanRow};
use crate::domain::args::parse_project_no;
use crate::domain::metric::{MetricKind, format_number};
use crate::domain::report::{
    QuickForm, Status, TextError, ValueError, parse_text, parse_value, parse_yes_no,
};
use crate::services::{people as admin, reporting};

pub type ReportDialogue = Dialogue<ReportState, TxStorage>;

/// Where a person is in the conversation; each step carries what was collected so far.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum ReportState {
    #[default]
    Idle,
    ChoosingProject,
    Status(Draft),
    Metric(Draft, usize),
    /// A value below the last one, waiting to be confirmed as a correction.
    ConfirmDecrease(Draft, usize, f64),
    Progress(Draft),
    Difficulties(Draft),
    Evidence(Draft),
    Summary(Draft),
    ChoosingEdit(Draft),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub project_id: i64,
    pub project_no: i64,
    pub title: String,
    pub status: Option<Status>,
    /// By metric position.
    pub values: Vec<Option<f64>>,
    pub progress: Option<String>,
    pub difficulties: Option<String>,
    /// ("photo" | "document", Telegram file id)
    pub evidence: Option<(String, String)>,
    /// Answering one field after 修改: back to the summary next.
    pub editing: bool,
}

/// A button of the conversation. Presses are checked against the current step: one from an
/// old message is answered as expired.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Press {
    Project(i64),
    Status(Status),
    Same,
    YesNo(bool),
    KeepDecrease,
    RetypeDecrease,
    Nothing,
    Skip,
    Submit,
    Edit,
    Cancel,
    EditStatus,
    EditMetric(usize),
    EditProgress,
    EditDifficulties,
    EditEvidence,
    BackToSummary,
}

impl Press {
    pub fn data(&self) -> String {
        match self {
            Self::Project(no) => format!("r:p:{no}"),
            Self::Status(status) => format!("r:s:{}", status.as_str()),
            Self::Same => "r:same".to_owned(),
            Self::YesNo(yes) => format!("r:yn:{}", u8::from(*yes)),
            Self::KeepDecrease => "r:dec:keep".to_owned(),
            Self::RetypeDecrease => "r:dec:retype".to_owned(),
            Self::Nothing => "r:none".to_owned(),
            Self::Skip => "r:skip".to_owned(),
            Self::Submit => "r:submit".to_owned(),
            Self::Edit => "r:edit".to_owned(),
            Self::Cancel => "r:cancel".to_owned(),
            Self::EditStatus => "r:e:status".to_owned(),
            Self::EditMetric(index) => format!("r:e:m:{index}"),
            Self::EditProgress => "r:e:progress".to_owned(),
            Self::EditDifficulties => "r:e:difficulties".to_owned(),
            Self::EditEvidence => "r:e:evidence".to_owned(),
            Self::BackToSummary => "r:e:back".to_owned(),
        }
    }

    pub fn parse(data: &str) -> Option<Self> {
        let parts: Vec<&str> = data.split(':').collect();
        Some(match parts.as_slice() {
            ["r", "p", no] => Self::Project(no.parse().ok()?),
            ["r", "s", status] => Self::Status(Status::from_db(status)?),
            ["r", "same"] => Self::Same,
            ["r", "yn", yes] => Self::YesNo(match *yes {
                "1" => true,
                "0" => false,
                _ => return None,
            }),
            ["r", "dec", "keep"] => Self::KeepDecrease,
            ["r", "dec", "retype"] => Self::RetypeDecrease,
            ["r", "none"] => Self::Nothing,
            ["r", "skip"] => Self::Skip,
            ["r", "submit"] => Self::Submit,
            ["r", "edit"] => Self::Edit,
            ["r", "cancel"] => Self::Cancel,
            ["r", "e", "status"] => Self::EditStatus,
            ["r", "e", "m", index] => Self::EditMetric(index.parse().ok()?),
            ["r", "e", "progress"] => Self::EditProgress,
            ["r", "e", "difficulties"] => Self::EditDifficulties,
            ["r", "e", "evidence"] => Self::EditEvidence,
            ["r", "e", "back"] => Self::BackToSummary,
            _ => return None,
        })
    }
}

fn button(text: impl Into<String>, press: Press) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text.into(), press.data())
}

/// What a step needs to know of the project: its metrics and the person's last figures.
struct Project {
    metrics: Vec<MetricRow>,
    last: Vec<Option<f64>>,
    role: String,
}

async fn project_of(scope: &Scope, draft: &Draft, person: &Person) -> anyhow::Result<Project> {
    let mut conn = scope.conn().await;
    let metrics = plan::metrics_of_project(&mut conn, draft.project_id).await?;
    let (last, _) =
        reporting::last_values(&mut conn, draft.project_id, person.id, &metrics).await?;
    let role = assignments::current_role(&mut conn, draft.project_id, person.id)
        .await?
        .unwrap_or_else(|| "lead".to_owned());
    Ok(Project {
        metrics,
        last,
        role,
    })
}

/// The assigned projects of a person in the current plan: (id, no, title).
async fn assigned(
    scope: &Scope,
    plan: &PlanRow,
    person: &Person,
) -> anyhow::Result<Vec<(i64, i64, String)>> {
    let all = assignments::of_plan(&mut *scope.conn().await, plan.id).await?;
    Ok(all
        .into_iter()
        .filter(|a| a.person_id == person.id)
        .map(|a| (a.project_id, a.project_no, a.title))
        .collect())
}

fn new_draft(id: i64, no: i64, title: String, metrics: usize) -> Draft {
    Draft {
        project_id: id,
        project_no: no,
        title,
        status: None,
        values: vec![None; metrics],
        progress: None,
        difficulties: None,
        evidence: None,
        editing: false,
    }
}

/// /report, /report 12, /report 12 充电桩=45 …, or the button on a prompt.
pub async fn start(
    ctx: &BotContext,
    scope: &Scope,
    dialogue: &ReportDialogue,
    person: &Person,
    chat: i64,
    args: &str,
) -> anyhow::Result<()> {
    let plan =
        admin::current_plan(&mut *scope.conn().await, scope.now(), ctx.settings.timezone).await?;
    let mine = assigned(scope, &plan, person).await?;
    if mine.is_empty() {
        dialogue.update(ReportState::Idle).await?;
        scope.reply(chat, say::nothing_assigned()).await?;
        return Ok(());
    }
    if let Some(form) = QuickForm::parse(args) {
        return match form {
            Ok(form) => quick(scope, dialogue, person, chat, &mine, form).await,
            Err(message) => Ok(scope.reply(chat, message).await?),
        };
    }
    let chosen = match args.trim() {
        "" if mine.len() == 1 => Some(mine[0].clone()),
        "" => None,
        text => {
            match parse_project_no(text).and_then(|no| mine.iter().find(|(_, n, _)| *n == no)) {
                Some(project) => Some(project.clone()),
                None => {
                    scope
                        .reply(chat, say::not_yours(text.trim(), &mine))
                        .await?;
                    return Ok(());
                }
            }
        }
    };
    let state = match chosen {
        Some((id, no, title)) => {
            let metrics = plan::metrics_of_project(&mut *scope.conn().await, id)
                .await?
                .len();
            ReportState::Status(new_draft(id, no, title, metrics))
        }
        None => ReportState::ChoosingProject,
    };
    enter(scope, dialogue, person, chat, state).await
}

/// Moves to a step and asks its question.
async fn enter(
    scope: &Scope,
    dialogue: &ReportDialogue,
    person: &Person,
    chat: i64,
    state: ReportState,
) -> anyhow::Result<()> {
    dialogue.update(state.clone()).await?;
    ask(scope, person, chat, &state).await
}

/// The question of a step, with its buttons.
async fn ask(scope: &Scope, person: &Person, chat: i64, state: &ReportState) -> anyhow::Result<()> {
    let message = match state {
        ReportState::Idle => return Ok(()),
        ReportState::ChoosingProject => {
            let mine = assignments::of_person(&mut *scope.conn().await, person.id).await?;
            let rows = mine.into_iter().map(|a| {
                vec![button(
                    format!("{}. {}", a.project_no, a.title),
                    Press::Project(a.project_no),
                )]
            });
            Outgoing::text(chat, say::choose_project())
                .with_keyboard(&InlineKeyboardMarkup::new(rows))
        }
        ReportState::Status(draft) => {
            let rows = Status::ALL.chunks(2).map(|pair| {
                pair.iter()
                    .map(|s| button(s.label(), Press::Status(*s)))
                    .collect::<Vec<_>>()
            });
            Outgoing::text(chat, say::ask_status(draft.project_no, &draft.title))
                .with_keyboard(&InlineKeyboardMarkup::new(rows))
        }
        ReportState::Metric(draft, index) => {
            let project = project_of(scope, draft, person).await?;
            let metric = &project.metrics[*index];
            let last = project.last[*index];
            let question = say::ask_metric(*index + 1, project.metrics.len(), metric, last);
            let keyboard = if metric.kind == MetricKind::YesNo.as_str() {
                InlineKeyboardMarkup::new([[
                    button("是", Press::YesNo(true)),
                    button("否", Press::YesNo(false)),
                ]])
            } else if let Some(last) = last {
                InlineKeyboardMarkup::new([[button(
                    format!("不变（{}）", format_number(last)),
                    Press::Same,
                )]])
            } else {
                InlineKeyboardMarkup::new(Vec::<Vec<InlineKeyboardButton>>::new())
            };
            Outgoing::text(chat, question).with_keyboard(&keyboard)
        }
        ReportState::ConfirmDecrease(draft, index, value) => {
            let project = project_of(scope, draft, person).await?;
            let last = project.last[*index].unwrap_or_default();
            let keyboard = InlineKeyboardMarkup::new([[
                button(
                    format!("是，更正为 {}", format_number(*value)),
                    Press::KeepDecrease,
                ),
                button("重新填写", Press::RetypeDecrease),
            ]]);
            Outgoing::text(
                chat,
                say::confirm_decrease(&project.metrics[*index].name, *value, last),
            )
            .with_keyboard(&keyboard)
        }
        ReportState::Progress(_) => Outgoing::text(chat, say::ask_progress())
            .with_keyboard(&InlineKeyboardMarkup::new([[button("无", Press::Nothing)]])),
        ReportState::Difficulties(_) => Outgoing::text(chat, say::ask_difficulties())
            .with_keyboard(&InlineKeyboardMarkup::new([[button("无", Press::Nothing)]])),
        ReportState::Evidence(_) => Outgoing::text(chat, say::ask_evidence())
            .with_keyboard(&InlineKeyboardMarkup::new([[button("跳过", Press::Skip)]])),
        ReportState::Summary(draft) => {
            let project = project_of(scope, draft, person).await?;
            let keyboard = InlineKeyboardMarkup::new([[
                button("提交", Press::Submit),
                button("修改", Press::Edit),
                button("取消", Press::Cancel),
            ]]);
            Outgoing::text(chat, say::summary(draft, &project.metrics, &project.last))
                .with_keyboard(&keyboard)
        }
        ReportState::ChoosingEdit(draft) => {
            let project = project_of(scope, draft, person).await?;
            let mut rows = vec![vec![button("推进状态", Press::EditStatus)]];
            rows.extend(
                project
                    .metrics
                    .iter()
                    .enumerate()
                    .map(|(i, m)| vec![button(m.name.clone(), Press::EditMetric(i))]),
            );
            rows.push(vec![
                button("本周进展", Press::EditProgress),
                button("困难问题", Press::EditDifficulties),
            ]);
            rows.push(vec![
                button("佐证材料", Press::EditEvidence),
                button("返回", Press::BackToSummary),
            ]);
            Outgoing::text(chat, say::choose_edit()).with_keyboard(&InlineKeyboardMarkup::new(rows))
        }
    };
    scope.send(message).await?;
    Ok(())
}

/// The step after one is answered: the next question, or the summary when editing one field.
fn after(draft: Draft, answered: &ReportState, metrics: usize) -> ReportState {
    if draft.editing {
        return ReportState::Summary(Draft {
            editing: false,
            ..draft
        });
    }
    match answered {
        ReportState::Status(_) if metrics > 0 => ReportState::Metric(draft, 0),
        ReportState::Status(_) => ReportState::Progress(draft),
        ReportState::Metric(_, i) | ReportState::ConfirmDecrease(_, i, _) if i + 1 < metrics => {
            ReportState::Metric(draft, i + 1)
        }
        ReportState::Metric(..) | ReportState::ConfirmDecrease(..) => ReportState::Progress(draft),
        ReportState::Progress(_) => ReportState::Difficulties(draft),
        ReportState::Difficulties(_) => ReportState::Evidence(draft),
        _ => ReportState::Summary(draft),
    }
}

/// Anything but a command, sent while a report is under way.
pub async fn on_input(
    ctx: &BotContext,
    scope: &Scope,
    dialogue: &ReportDialogue,
    person: &Person,
    msg: &Message,
    state: ReportState,
) -> anyhow::Result<()> {
    let chat = msg.chat.id.0;
    let text = msg.text();
    let asked = &state;
    let refuse = move |why: String| async move {
        scope.reply(chat, why).await?;
        ask(scope, person, chat, asked).await
    };
    match &state {
        ReportState::Idle => Ok(()),
        ReportState::ChoosingProject => match text.and_then(parse_project_no) {
            Some(no) => choose_project(ctx, scope, dialogue, person, chat, no).await,
            None => refuse(say::press_a_button().to_owned()).await,
        },
        ReportState::Status(draft) => match text.and_then(Status::parse) {
            Some(status) => {
                answer_status(scope, dialogue, person, chat, draft.clone(), status, &state).await
            }
            None => refuse(say::bad_status().to_owned()).await,
        },
        ReportState::Metric(draft, index) => {
            let project = project_of(scope, draft, person).await?;
            let metric = &project.metrics[*index];
            let Some(text) = text else {
                return refuse(say::text_only().to_owned()).await;
            };
            if metric.kind == MetricKind::YesNo.as_str() {
                return match parse_yes_no(text) {
                    Some(yes) => {
                        answer_metric(
                            scope,
                            dialogue,
                            person,
                            chat,
                            draft.clone(),
                            *index,
                            if yes { 1.0 } else { 0.0 },
                            &project,
                            &state,
                        )
                        .await
                    }
                    None => refuse(say::bad_yes_no().to_owned()).await,
                };
            }
            if text.trim() == "不变"
                && let Some(last) = project.last[*index]
            {
                return answer_metric(
                    scope,
                    dialogue,
                    person,
                    chat,
                    draft.clone(),
                    *index,
                    last,
                    &project,
                    &state,
                )
                .await;
            }
            match parse_value(text) {
                Ok(value) => match project.last[*index] {
                    Some(last) if value < last => {
                        enter(
                            scope,
                            dialogue,
                            person,
                            chat,
                            ReportState::ConfirmDecrease(draft.clone(), *index, value),
                        )
                        .await
                    }
                    _ => {
                        answer_metric(
                            scope,
                            dialogue,
                            person,
                            chat,
                            draft.clone(),
                            *index,
                            value,
                            &project,
                            &state,
                        )
                        .await
                    }
                },
                Err(ValueError::NotANumber) => refuse(say::not_a_number(text.trim())).await,
                Err(ValueError::Negative) => refuse(say::negative().to_owned()).await,
            }
        }
        ReportState::ConfirmDecrease(..) => refuse(say::press_a_button().to_owned()).await,
        ReportState::Progress(draft) | ReportState::Difficulties(draft) => {
            let Some(text) = text else {
                return refuse(say::text_only().to_owned()).await;
            };
            match parse_text(text) {
                Ok(text) => {
                    answer_text(scope, dialogue, person, chat, draft.clone(), text, &state).await
                }
                Err(TextError::TooLong(length)) => refuse(say::too_long(length)).await,
                Err(TextError::Empty) => refuse(say::text_only().to_owned()).await,
            }
        }
        ReportState::Evidence(draft) => {
            let evidence = match (msg.photo(), msg.document()) {
                (Some(sizes), _) => sizes
                    .last()
                    .map(|p| ("photo".to_owned(), p.file.id.0.clone())),
                (None, Some(document)) => Some(("document".to_owned(), document.file.id.0.clone())),
                _ => None,
            };
            match (evidence, text.map(str::trim)) {
                (Some(evidence), _) => {
                    let draft = Draft {
                        evidence: Some(evidence),
                        ..draft.clone()
                    };
                    enter(scope, dialogue, person, chat, after(draft, &state, 0)).await
                }
                (None, Some("跳过" | "无")) => {
                    skip_evidence(scope, dialogue, person, chat, draft, &state).await
                }
                _ => refuse(say::bad_evidence().to_owned()).await,
            }
        }
        ReportState::Summary(_) | ReportState::ChoosingEdit(_) => {
            refuse(say::press_a_button().to_owned()).await
        }
    }
}

/// 跳过 at the evidence step, typed or pressed.
async fn skip_evidence(
    scope: &Scope,
    dialogue: &ReportDialogue,
    person: &Person,
    chat: i64,
    draft: &Draft,
    state: &ReportState,
) -> anyhow::Result<()> {
    enter(
        scope,
        dialogue,
        person,
        chat,
        after(
            Draft {
                evidence: None,
                ..draft.clone()
            },
            state,
            0,
        ),
    )
    .await
}

async fn choose_project(
    ctx: &BotContext,
    scope: &Scope,
    dialogue: &ReportDialogue,
    person: &Person,
    chat: i64,
    no: i64,
) -> anyhow::Result<()> {
    let plan =
        admin::current_plan(&mut *scope.conn().await, scope.now(), ctx.settings.timezone).await?;
    let mine = assigned(scope, &plan, person).await?;
    let Some((id, no, title)) = mine.iter().find(|(_, n, _)| *n == no).cloned() else {
        scope
            .reply(chat, say::not_yours(&no.to_string(), &mine))
            .await?;
        return ask(scope, person, chat, &ReportState::ChoosingProject).await;
    };
    let metrics = plan::metrics_of_project(&mut *scope.conn().await, id)
        .await?
        .len();
    enter(
        scope,
        dialogue,
        person,
        chat,
        ReportState::Status(new_draft(id, no, title, metrics)),
    )
    .await
}

async fn answer_status(
    scope: &Scope,
    dialogue: &ReportDialogue,
    person: &Person,
    chat: i64,
    draft: Draft,
    status: Status,
    state: &ReportState,
) -> anyhow::Result<()> {
    let metrics = plan::metrics_of_project(&mut *scope.conn().await, draft.project_id)
        .await?
        .len();
    enter(
        scope,
        dialogue,
        person,
        chat,
        after(
            Draft {
                status: Some(status),
                ..draft
            },
            state,
            metrics,
        ),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn answer_metric(
    scope: &Scope,
    dialogue: &ReportDialogue,
    person: &Person,
    chat: i64,
    mut draft: Draft,
    index: usize,
    value: f64,
    project: &Project,
    state: &ReportState,
) -> anyhow::Result<()> {
    draft.values[index] = Some(value);
    enter(
        scope,
        dialogue,
        person,
        chat,
        after(draft, state, project.metrics.len()),
    )
    .await
}

async fn answer_text(
    scope: &Scope,
    dialogue: &ReportDialogue,
    person: &Person,
    chat: i64,
    draft: Draft,
    text: String,
    state: &ReportState,
) -> anyhow::Result<()> {
    let draft = match state {
        ReportState::Progress(_) => Draft {
            progress: Some(text),
            ..draft
        },
        _ => Draft {
            difficulties: Some(text),
            ..draft
        },
    };
    enter(scope, dialogue, person, chat, after(draft, state, 0)).await
}

/// A button press of the conversation. Returns the text to show on the button's alert when it
/// no longer fits the step.
pub async fn on_press(
    ctx: &BotContext,
    scope: &Scope,
    dialogue: &ReportDialogue,
    person: &Person,
    chat: i64,
    press: Press,
    state: ReportState,
) -> anyhow::Result<Option<&'static str>> {
    match (&state, press) {
        // A prompt's button starts (or restarts) the report for its project.
        (_, Press::Project(no)) => {
            choose_project(ctx, scope, dialogue, person, chat, no).await?;
        }
        (ReportState::Status(draft), Press::Status(status)) => {
            answer_status(scope, dialogue, person, chat, draft.clone(), status, &state).await?
        }
        (ReportState::Metric(draft, index), Press::Same | Press::YesNo(_)) => {
            let project = project_of(scope, draft, person).await?;
            let value = match press {
                Press::YesNo(yes) => Some(if yes { 1.0 } else { 0.0 }),
                _ => project.last[*index],
            };
            let Some(value) = value else {
                return Ok(Some(texts::expired_button()));
            };
            answer_metric(
                scope,
                dialogue,
                person,
                chat,
                draft.clone(),
                *index,
                value,
                &project,
                &state,
            )
            .await?;
        }
        (ReportState::ConfirmDecrease(draft, index, value), Press::KeepDecrease) => {
            let project = project_of(scope, draft, person).await?;
            answer_metric(
                scope,
                dialogue,
                person,
                chat,
                draft.clone(),
                *index,
                *value,
                &project,
                &state,
            )
            .await?;
        }
        (ReportState::ConfirmDecrease(draft, index, _), Press::RetypeDecrease) => {
            enter(
                scope,
                dialogue,
                person,
                chat,
                ReportState::Metric(draft.clone(), *index),
            )
            .await?;
        }
        (ReportState::Progress(draft) | ReportState::Difficulties(draft), Press::Nothing) => {
            answer_text(
                scope,
                dialogue,
                person,
                chat,
                draft.clone(),
                String::new(),
                &state,
            )
            .await?
        }
        (ReportState::Evidence(draft), Press::Skip) => {
            skip_evidence(scope, dialogue, person, chat, draft, &state).await?
        }
        (ReportState::Summary(draft), Press::Submit) => {
            submit(ctx, scope, dialogue, person, chat, draft.clone()).await?
        }
        (ReportState::Summary(draft), Press::Edit) => {
            enter(
                scope,
                dialogue,
                person,
                chat,
                ReportState::ChoosingEdit(draft.clone()),
            )
            .await?
        }
        (ReportState::Summary(_), Press::Cancel) => cancel(scope, dialogue, chat).await?,
        (ReportState::ChoosingEdit(draft), edit) => {
            let draft = Draft {
                editing: true,
                ..draft.clone()
            };
            let next = match edit {
                Press::EditStatus => ReportState::Status(draft),
                Press::EditMetric(index) if index < draft.values.len() => {
                    ReportState::Metric(draft, index)
                }
                Press::EditProgress => ReportState::Progress(draft),
                Press::EditDifficulties => ReportState::Difficulties(draft),
                Press::EditEvidence => ReportState::Evidence(draft),
                Press::BackToSummary => ReportState::Summary(Draft {
                    editing: false,
                    ..draft
                }),
                _ => return Ok(Some(texts::expired_button())),
            };
            enter(scope, dialogue, person, chat, next).await?;
        }
        _ => return Ok(Some(texts::expired_button())),
    }
    Ok(None)
}

/// /cancel, or 取消 on the summary: nothing is saved.
pub async fn cancel(scope: &Scope, dialogue: &ReportDialogue, chat: i64) -> anyhow::Result<()> {
    let was = dialogue.get().await?.unwrap_or_default();
    dialogue.update(ReportState::Idle).await?;
    let text = if was == ReportState::Idle {
        say::nothing_to_cancel()
    } else {
        say::cancelled()
    };
    scope.reply(chat, text).await?;
    Ok(())
}

async fn submit(
    ctx: &BotContext,
    scope: &Scope,
    dialogue: &ReportDialogue,
    person: &Person,
    chat: i64,
    draft: Draft,
) -> anyhow::Result<()> {
    let project = project_of(scope, &draft, person).await?;
    let plan =
        admin::current_plan(&mut *scope.conn().await, scope.now(), ctx.settings.timezone).await?;
    if !assigned(scope, &plan, person)
        .await?
        .iter()
        .any(|(id, ..)| *id == draft.project_id)
    {
        dialogue.update(ReportState::Idle).await?;
        scope
            .reply(chat, say::no_longer_yours(draft.project_no))
            .await?;
        return Ok(());
    }
    let values: Vec<(i64, f64)> = project
        .metrics
        .iter()
        .zip(&draft.values)
        .filter_map(|(m, v)| v.map(|v| (m.id, v)))
        .collect();
    let mut conn = scope.conn().await;
    let calendar = calendar_db::load(&mut conn, plan.id).await?;
    let submission = reporting::Submission {
        project_id: draft.project_id,
        person_id: person.id,
        role: &project.role,
        status: draft.status.unwrap_or(Status::OnTrack),
        values: &values,
        progress: draft.progress.as_deref().unwrap_or_default(),
        difficulties: draft.difficulties.as_deref().unwrap_or_default(),
        evidence: draft
            .evidence
            .as_ref()
            .map(|(kind, id)| (kind.as_str(), id.as_str())),
    };
    let saved = reporting::save(
        &mut conn,
        &calendar,
        &ctx.settings,
        plan.dates(),
        &submission,
        scope.now(),
    )
    .await?;
    let (facts, figures) = reporting::facts(
        &mut conn,
        &ctx.settings,
        &calendar,
        &plan,
        draft.project_id,
        scope.now(),
    )
    .await?;
    drop(conn);
    let verdict = reporting::verdict(&ctx.settings, &facts);
    dialogue.update(ReportState::Idle).await?;
    tracing::info!(
        person = person.id,
        project = draft.project_no,
        report = saved.report_id,
        version = saved.version,
        late = saved.week.late,
        expected = saved.week.expected,
        "report saved"
    );
    scope
        .reply(
            chat,
            say::receipt(&draft, &saved, &project.role, &figures, &verdict),
        )
        .await?;
    Ok(())
}

/// The quick form: checked against the project, then shown as a summary to confirm.
async fn quick(
    scope: &Scope,
    dialogue: &ReportDialogue,
    person: &Person,
    chat: i64,
    mine: &[(i64, i64, String)],
    form: QuickForm,
) -> anyhow::Result<()> {
    let Some((id, no, title)) = mine.iter().find(|(_, n, _)| *n == form.project_no).cloned() else {
        scope
            .reply(chat, say::not_yours(&form.project_no.to_string(), mine))
            .await?;
        return Ok(());
    };
    let mut conn = scope.conn().await;
    let metrics = plan::metrics_of_project(&mut conn, id).await?;
    let (last, last_status) = reporting::last_values(&mut conn, id, person.id, &metrics).await?;
    drop(conn);
    let mut draft = new_draft(id, no, title, metrics.len());
    draft.values = last;
    draft.status = Some(last_status.unwrap_or(Status::OnTrack));
    for (key, typed) in &form.values {
        let index = match key.parse::<usize>() {
            Ok(position) if (1..=metrics.len()).contains(&position) => Some(position - 1),
            _ => {
                let found: Vec<usize> = metrics
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| m.name.contains(key.as_str()))
                    .map(|(i, _)| i)
                    .collect();
                (found.len() == 1).then(|| found[0])
            }
        };
        let Some(index) = index else {
            scope
                .reply(chat, say::unknown_metric(key, &metrics))
                .await?;
            return Ok(());
        };
        let value = if metrics[index].kind == MetricKind::YesNo.as_str() {
            parse_yes_no(typed)
                .map(|yes| if yes { 1.0 } else { 0.0 })
                .ok_or(ValueError::NotANumber)
        } else {
            parse_value(typed)
        };
        match value {
            Ok(value) => draft.values[index] = Some(value),
            Err(ValueError::Negative) => return Ok(scope.reply(chat, say::negative()).await?),
            Err(ValueError::NotANumber) => {
                return Ok(scope.reply(chat, say::not_a_number(typed)).await?);
            }
        }
    }
    if let Some(status) = &form.status {
        match Status::parse(status) {
            Some(status) => draft.status = Some(status),
            None => return Ok(scope.reply(chat, say::bad_status()).await?),
        }
    }
    for (field, text) in [
        (&mut draft.progress, &form.progress),
        (&mut draft.difficulties, &form.difficulties),
    ] {
        if let Some(text) = text {
            match parse_text(text) {
                Ok(text) => *field = Some(text),
                Err(TextError::TooLong(length)) => {
                    return Ok(scope.reply(chat, say::too_long(length)).await?);
                }
                Err(TextError::Empty) => *field = Some(String::new()),
            }
        }
    }
    enter(scope, dialogue, person, chat, ReportState::Summary(draft)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_button_reads_back_and_foreign_data_does_not() {
        let presses = [
            Press::Project(12),
            Press::Status(Status::Difficult),
            Press::Same,
            Press::YesNo(false),
            Press::KeepDecrease,
            Press::RetypeDecrease,
            Press::Nothing,
            Press::Skip,
            Press::Submit,
            Press::Edit,
            Press::Cancel,
            Press::EditStatus,
            Press::EditMetric(2),
            Press::EditProgress,
            Press::EditDifficulties,
            Press::EditEvidence,
            Press::BackToSummary,
        ];
        for press in presses {
            assert!(
                press.data().len() <= 64,
                "Telegram's limit for callback data"
            );
            assert_eq!(Press::parse(&press.data()), Some(press));
        }
        assert_eq!(Press::parse("r:s:great"), None);
        assert_eq!(Press::parse("r:yn:2"), None);
        assert_eq!(Press::parse("inv:admin"), None);
    }
}
