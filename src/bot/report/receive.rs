//! An answer to the current step: typed text, a file or a pressed button becomes one [`Answer`],
//! the step decides what it makes of it (`Step`), and the conversation carries that out.

use teloxide::types::Message;

use crate::bot::BotContext;
use crate::bot::report::plain::{Bar, Taken, placed};
use crate::bot::report::state::{TextField, after};
use crate::bot::report::{Conversation, Draft, Press, ReportDialogue, ReportState};
use crate::bot::texts::{self, plain as words_say, report as say};
use crate::bot::turn::Turn;
use crate::db::people::Person;
use crate::domain::args::parse_project_no;
use crate::domain::metric::MetricKind;
use crate::domain::report::{
    MAX_TEXT, Status, TextError, ValueError, doubt, parse_text, parse_value, parse_yes_no,
};
use crate::services::cycle;

/// What a person gave at a step.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Text(String),
    /// ("photo" | "document", Telegram file id)
    File(String, String),
    /// A sticker, a location…: nothing a step takes.
    Other,
    Press(Press),
}

impl Answer {
    pub fn of_message(msg: &Message) -> Self {
        let file = match (msg.photo(), msg.document()) {
            (Some(sizes), _) => sizes
                .last()
                .map(|p| ("photo".to_owned(), p.file.id.0.clone())),
            (None, Some(document)) => Some(("document".to_owned(), document.file.id.0.clone())),
            _ => None,
        };
        match (file, msg.text()) {
            (Some((kind, id)), _) => Self::File(kind, id),
            (None, Some(text)) => Self::Text(text.to_owned()),
            (None, None) => Self::Other,
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// What a step makes of an answer.
#[derive(Debug, PartialEq)]
enum Step {
    /// No report under way: a message is not ours to answer.
    Ignore,
    Enter(ReportState),
    /// Not taken: say why, with the same question under it (one message).
    Refuse(String),
    /// A photo or a file joined the draft: the same step, said so above its question.
    Attach(ReportState, String),
    /// A button of another step: its alert says so.
    Expired,
    ChooseProject(i64),
    /// 与上周相同 on a prompt: last week's report shown to confirm.
    SameAsLast(i64),
    Submit(Draft),
    Cancel,
    /// Plain words read (or the choice of project taken): their summary or question was sent.
    Answered,
    /// A message with no report under way that does not read as one: where to go instead.
    Pointer,
}

fn refuse(why: impl Into<String>) -> Step {
    Step::Refuse(why.into())
}

/// Anything but a command, sent while a report is under way.
pub async fn on_input(
    ctx: &BotContext,
    turn: &Turn,
    dialogue: &ReportDialogue,
    person: &Person,
    msg: &Message,
    state: ReportState,
) -> anyhow::Result<()> {
    let mut conversation = Conversation::new(ctx, turn, dialogue, person, msg.chat.id.0);
    conversation
        .receive(&state, Answer::of_message(msg))
        .await?;
    Ok(())
}

/// A button press of the conversation. Returns the text to show on the button's alert when it
/// no longer fits the step.
pub async fn on_press(
    ctx: &BotContext,
    turn: &Turn,
    dialogue: &ReportDialogue,
    person: &Person,
    chat: i64,
    press: Press,
    state: ReportState,
) -> anyhow::Result<Option<&'static str>> {
    let mut conversation = Conversation::new(ctx, turn, dialogue, person, chat);
    conversation.receive(&state, Answer::Press(press)).await
}

impl Conversation<'_> {
    /// Takes an answer at a step; `Some` is the alert for a button that no longer fits.
    pub async fn receive(
        &mut self,
        state: &ReportState,
        answer: Answer,
    ) -> anyhow::Result<Option<&'static str>> {
        match self.step(state, answer).await? {
            Step::Ignore => {}
            Step::Enter(next) => self.enter(next).await?,
            Step::Refuse(why) => self.ask_after(state, &why).await?,
            Step::Attach(next, kind) => {
                self.dialogue.update(next.clone()).await?;
                self.ask_after(&next, &say::evidence_attached(&kind))
                    .await?;
            }
            Step::Expired => return Ok(Some(texts::expired_button())),
            Step::ChooseProject(no) => self.choose_project(no).await?,
            Step::SameAsLast(no) => self.same_as_last(no).await?,
            Step::Submit(draft) => self.submit(draft).await?,
            Step::Cancel => super::cancel(self.turn, self.dialogue, self.chat).await?,
            Step::Answered => {}
            Step::Pointer => self.point().await?,
        }
        Ok(None)
    }

    async fn step(&mut self, state: &ReportState, answer: Answer) -> anyhow::Result<Step> {
        // 与上周相同 on a prompt: last week's report to confirm, at any step.
        if let Answer::Press(Press::SameAsLast(no)) = answer {
            return Ok(Step::SameAsLast(no));
        }
        if let ReportState::WhichProject(text) = state {
            return self.chosen_for_words(text, answer).await;
        }
        // A prompt's button starts (or restarts) the report for its project, at any step.
        if let Answer::Press(Press::Project(no)) = answer {
            return Ok(Step::ChooseProject(no));
        }
        // A photo or a file is evidence at any step of a report under way.
        if let (Answer::File(kind, id), Some(draft)) = (&answer, state.draft()) {
            let draft = Draft {
                evidence: Some((kind.clone(), id.clone())),
                ..draft.clone()
            };
            return Ok(Step::Attach(state.with_draft(draft), kind.clone()));
        }
        // Plain words, typed where the step cannot take them as its answer.
        if let Answer::Text(text) = &answer
            && may_be_words(state, text)
            && self.plain(text, None, bar(state)).await? == Taken::Read
        {
            return Ok(Step::Answered);
        }
        Ok(match state {
            ReportState::Idle if matches!(answer, Answer::Press(_)) => Step::Expired,
            ReportState::Idle => match answer {
                Answer::Press(_) => Step::Ignore,
                _ => Step::Pointer,
            },
            ReportState::WhichProject(_) => Step::Ignore,
            ReportState::Placing(draft) => placing(draft, answer),
            ReportState::ChoosingProject => choosing_project(&answer),
            ReportState::Status(draft) => self.status(state, draft, answer).await?,
            ReportState::Metric(draft, index) => self.metric(state, draft, *index, answer).await?,
            ReportState::ConfirmDecrease(draft, index, value)
            | ReportState::Doubtful(draft, index, value) => {
                self.decrease(state, draft, *index, *value, answer).await?
            }
            ReportState::Progress(draft) | ReportState::Difficulties(draft) => {
                words(state, draft, answer)
            }
            ReportState::TooLong(draft, field, text) => too_long(draft, *field, text, answer),
            ReportState::Evidence(draft) => evidence(draft, answer),
            ReportState::Summary(draft) => summary(draft, answer),
            ReportState::ChoosingEdit(draft) => choosing_edit(draft, answer),
        })
    }

    async fn status(
        &mut self,
        state: &ReportState,
        draft: &Draft,
        answer: Answer,
    ) -> anyhow::Result<Step> {
        let status = match answer {
            Answer::Press(Press::Status(status)) => status,
            Answer::Press(_) => return Ok(Step::Expired),
            answer => match answer.text().and_then(Status::parse) {
                Some(status) => status,
                None => return Ok(refuse(say::bad_status())),
            },
        };
        let metrics = self.project(draft.project_id).await?.metrics.len();
        let draft = Draft {
            status: Some(status),
            ..draft.clone()
        };
        Ok(Step::Enter(after(draft, state, metrics)))
    }

    async fn metric(
        &mut self,
        state: &ReportState,
        draft: &Draft,
        index: usize,
        answer: Answer,
    ) -> anyhow::Result<Step> {
        let project = self.project(draft.project_id).await?;
        let last = project.last[index];
        let metrics = project.metrics.len();
        let value = match answer {
            Answer::Press(Press::YesNo(yes)) => yes_no(yes),
            Answer::Press(Press::Same) => match last {
                Some(last) => last,
                None => return Ok(Step::Expired),
            },
            Answer::Press(_) => return Ok(Step::Expired),
            Answer::File(..) | Answer::Other => return Ok(refuse(say::text_only())),
            Answer::Text(text) if project.metrics[index].kind == MetricKind::YesNo => {
                match parse_yes_no(&text) {
                    Some(yes) => yes_no(yes),
                    None => return Ok(refuse(say::bad_yes_no())),
                }
            }
            Answer::Text(text) => match (text.trim(), last, parse_value(&text)) {
                ("不变", Some(last), _) => last,
                (_, _, Ok(value))
                    if doubt(value, last, project.metrics[index].target).is_some() =>
                {
                    return Ok(Step::Enter(ReportState::Doubtful(
                        draft.clone(),
                        index,
                        value,
                    )));
                }
                (_, _, Ok(value)) => value,
                (typed, _, Err(ValueError::NotANumber)) => {
                    return Ok(refuse(say::not_a_number(typed)));
                }
                (_, _, Err(ValueError::Negative)) => return Ok(refuse(say::negative())),
            },
        };
        Ok(Step::Enter(with_value(state, draft, index, value, metrics)))
    }

    /// The project chosen for plain words that named none: the words read against it.
    async fn chosen_for_words(&mut self, text: &str, answer: Answer) -> anyhow::Result<Step> {
        let no = match &answer {
            Answer::Press(Press::Project(no)) => *no,
            Answer::Press(_) => return Ok(Step::Expired),
            Answer::Text(typed) => match parse_project_no(typed) {
                Some(no) => no,
                // New words instead of a choice: read afresh.
                None if self.plain(typed, None, Bar::Anything).await? == Taken::Read => {
                    return Ok(Step::Answered);
                }
                None => return Ok(refuse(say::press_a_button())),
            },
            Answer::File(..) | Answer::Other => return Ok(refuse(say::press_a_button())),
        };
        self.plain(text, Some(no), Bar::Anything).await?;
        Ok(Step::Answered)
    }

    /// Where a message that is not a report should go: plain words with the person's own
    /// project as the example, or /report.
    async fn point(&mut self) -> anyhow::Result<()> {
        let example = cycle::example_of(&mut *self.turn.conn().await, self.person.id).await?;
        let Some(example) = example else {
            return self.reply(say::nothing_assigned()).await;
        };
        let example = words_say::example(example.no, example.metric.as_ref(), example.last);
        self.reply(words_say::pointer(&example)).await
    }

    async fn decrease(
        &mut self,
        state: &ReportState,
        draft: &Draft,
        index: usize,
        value: f64,
        answer: Answer,
    ) -> anyhow::Result<Step> {
        Ok(match answer {
            Answer::Press(Press::KeepDecrease) => {
                let metrics = self.project(draft.project_id).await?.metrics.len();
                Step::Enter(with_value(state, draft, index, value, metrics))
            }
            Answer::Press(Press::RetypeDecrease) => {
                Step::Enter(ReportState::Metric(draft.clone(), index))
            }
            Answer::Press(_) => Step::Expired,
            _ => refuse(say::press_a_button()),
        })
    }
}

fn yes_no(yes: bool) -> f64 {
    if yes { 1.0 } else { 0.0 }
}

fn with_value(
    state: &ReportState,
    draft: &Draft,
    index: usize,
    value: f64,
    metrics: usize,
) -> ReportState {
    let mut draft = draft.clone();
    draft.values[index] = Some(value);
    after(draft, state, metrics)
}

/// Whether a typed text at this step is offered to the plain-words reader first: where the
/// step has no typed answer of its own, or the text is not one.
fn may_be_words(state: &ReportState, text: &str) -> bool {
    match state {
        ReportState::Idle
        | ReportState::Summary(_)
        | ReportState::Placing(_)
        | ReportState::ChoosingEdit(_) => true,
        ReportState::ChoosingProject => parse_project_no(text).is_none(),
        ReportState::Status(_) => Status::parse(text).is_none(),
        _ => false,
    }
}

/// With no report under way any report-like words are read; in the middle of one, figures.
fn bar(state: &ReportState) -> Bar {
    match state {
        ReportState::Idle => Bar::Anything,
        _ => Bar::Figures,
    }
}

/// The answer to a question about plain words: an option, or none of them.
fn placing(draft: &Draft, answer: Answer) -> Step {
    let option = match answer {
        Answer::Press(Press::Place(index)) => Some(index),
        Answer::Press(Press::PlaceNone) => None,
        Answer::Press(_) => return Step::Expired,
        _ => return refuse(say::press_a_button()),
    };
    placed(draft, option).map_or(Step::Expired, Step::Enter)
}

fn choosing_project(answer: &Answer) -> Step {
    match answer {
        Answer::Press(_) => Step::Expired,
        answer => match answer.text().and_then(parse_project_no) {
            Some(no) => Step::ChooseProject(no),
            None => refuse(say::press_a_button()),
        },
    }
}

/// Progress or difficulties: free text, or 无. A text over the limit is held and its first part
/// offered ([`ReportState::TooLong`]).
fn words(state: &ReportState, draft: &Draft, answer: Answer) -> Step {
    let field = match state {
        ReportState::Progress(_) => TextField::Progress,
        _ => TextField::Difficulties,
    };
    let text = match answer {
        Answer::Press(Press::Nothing) => String::new(),
        Answer::Press(_) => return Step::Expired,
        Answer::Text(text) => match parse_text(&text) {
            Ok(text) => text,
            Err(TextError::TooLong(_)) => {
                let typed = text.trim().to_owned();
                return Step::Enter(ReportState::TooLong(draft.clone(), field, typed));
            }
            Err(TextError::Empty) => return refuse(say::text_only()),
        },
        Answer::File(..) | Answer::Other => return refuse(say::text_only()),
    };
    Step::Enter(after(field.set(draft, Some(text)), state, 0))
}

/// An over-long text: 保留前2000字 keeps its first part; a text typed instead answers the
/// question as it would have.
fn too_long(draft: &Draft, field: TextField, text: &str, answer: Answer) -> Step {
    let asked = field.step(draft.clone());
    match answer {
        Answer::Press(Press::KeepFirst) => {
            let kept: String = text.chars().take(MAX_TEXT).collect();
            let kept = kept.trim_end().to_owned();
            let answered = ReportState::TooLong(draft.clone(), field, String::new());
            Step::Enter(after(field.set(draft, Some(kept)), &answered, 0))
        }
        Answer::Text(_) | Answer::Press(Press::Nothing) => words(&asked, draft, answer),
        Answer::Press(_) => Step::Expired,
        Answer::File(..) | Answer::Other => refuse(say::text_only()),
    }
}

/// The evidence step of a conversation begun before the upgrade: it is the summary now, and
/// its 跳过 (typed or pressed) leads there.
fn evidence(draft: &Draft, answer: Answer) -> Step {
    match answer {
        Answer::Press(Press::Skip) => Step::Enter(ReportState::Summary(draft.clone())),
        Answer::Text(text) if matches!(text.trim(), "跳过" | "无") => {
            Step::Enter(ReportState::Summary(draft.clone()))
        }
        answer => summary(draft, answer),
    }
}

fn summary(draft: &Draft, answer: Answer) -> Step {
    match answer {
        Answer::Press(Press::Submit) => Step::Submit(draft.clone()),
        Answer::Press(Press::Edit) => Step::Enter(ReportState::ChoosingEdit(draft.clone())),
        Answer::Press(Press::Cancel) => Step::Cancel,
        Answer::Press(_) => Step::Expired,
        _ => refuse(say::press_a_button()),
    }
}

/// 修改: one field is asked again, then back to the summary.
fn choosing_edit(draft: &Draft, answer: Answer) -> Step {
    let Answer::Press(press) = answer else {
        return refuse(say::press_a_button());
    };
    let draft = Draft {
        editing: true,
        ..draft.clone()
    };
    Step::Enter(match press {
        Press::EditStatus => ReportState::Status(draft),
        Press::EditMetric(index) if index < draft.values.len() => ReportState::Metric(draft, index),
        Press::EditProgress => ReportState::Progress(draft),
        Press::EditDifficulties => ReportState::Difficulties(draft),
        // 删除佐证材料: another is attached by sending it.
        Press::EditEvidence => ReportState::Summary(Draft {
            evidence: None,
            editing: false,
            ..draft
        }),
        Press::BackToSummary => ReportState::Summary(Draft {
            editing: false,
            ..draft
        }),
        _ => return Step::Expired,
    })
}

#[cfg(test)]
mod tests;
