//! An answer to the current step: typed text, a file or a pressed button becomes one [`Answer`],
//! the step decides what it makes of it (`Step`), and the conversation carries that out.

use teloxide::types::Message;

use crate::bot::BotContext;
use crate::bot::report::plain::{Bar, Taken, placed};
use crate::bot::report::state::after;
use crate::bot::report::{Conversation, Draft, Press, ReportDialogue, ReportState};
use crate::bot::texts::{self, plain as words_say, report as say};
use crate::bot::turn::Turn;
use crate::db::people::Person;
use crate::domain::args::parse_project_no;
use crate::domain::metric::MetricKind;
use crate::domain::report::{Status, TextError, ValueError, parse_text, parse_value, parse_yes_no};
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
    /// Not taken: say why, then the same question again.
    Refuse(String),
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
            Step::Refuse(why) => {
                self.turn.reply(self.chat, why).await?;
                self.ask(state).await?;
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
            ReportState::ConfirmDecrease(draft, index, value) => {
                self.decrease(state, draft, *index, *value, answer).await?
            }
            ReportState::Progress(draft) | ReportState::Difficulties(draft) => {
                words(state, draft, answer)
            }
            ReportState::Evidence(draft) => evidence(state, draft, answer),
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
                (_, Some(last), Ok(value)) if value < last => {
                    return Ok(Step::Enter(ReportState::ConfirmDecrease(
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

/// Progress or difficulties: free text, or 无.
fn words(state: &ReportState, draft: &Draft, answer: Answer) -> Step {
    let text = match answer {
        Answer::Press(Press::Nothing) => String::new(),
        Answer::Press(_) => return Step::Expired,
        Answer::Text(text) => match parse_text(&text) {
            Ok(text) => text,
            Err(TextError::TooLong(length)) => return refuse(say::too_long(length)),
            Err(TextError::Empty) => return refuse(say::text_only()),
        },
        Answer::File(..) | Answer::Other => return refuse(say::text_only()),
    };
    let draft = match state {
        ReportState::Progress(_) => Draft {
            progress: Some(text),
            ..draft.clone()
        },
        _ => Draft {
            difficulties: Some(text),
            ..draft.clone()
        },
    };
    Step::Enter(after(draft, state, 0))
}

/// A photo or a file, or 跳过.
fn evidence(state: &ReportState, draft: &Draft, answer: Answer) -> Step {
    let evidence = match answer {
        Answer::File(kind, id) => Some((kind, id)),
        Answer::Press(Press::Skip) => None,
        Answer::Press(_) => return Step::Expired,
        Answer::Text(text) if matches!(text.trim(), "跳过" | "无") => None,
        Answer::Text(_) | Answer::Other => return refuse(say::bad_evidence()),
    };
    let draft = Draft {
        evidence,
        ..draft.clone()
    };
    Step::Enter(after(draft, state, 0))
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
        Press::EditEvidence => ReportState::Evidence(draft),
        Press::BackToSummary => ReportState::Summary(Draft {
            editing: false,
            ..draft
        }),
        _ => return Step::Expired,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft::new(1, 12, "新建公共充电桩".to_owned(), 2)
    }

    fn text(typed: &str) -> Answer {
        Answer::Text(typed.to_owned())
    }

    #[test]
    fn a_button_of_another_step_expires_and_typing_at_a_button_step_is_refused() {
        let at_summary = ReportState::Summary(draft());
        assert_eq!(summary(&draft(), Answer::Press(Press::Skip)), Step::Expired);
        assert_eq!(
            summary(&draft(), text("提交")),
            refuse(say::press_a_button())
        );
        assert_eq!(
            evidence(&at_summary, &draft(), Answer::Press(Press::Submit)),
            Step::Expired
        );
        assert_eq!(
            choosing_edit(&draft(), Answer::Press(Press::EditMetric(2))),
            Step::Expired,
            "the project has two metrics"
        );
        assert_eq!(
            choosing_project(&text("十二")),
            refuse(say::press_a_button())
        );
        assert_eq!(choosing_project(&text("12")), Step::ChooseProject(12));
    }

    #[test]
    fn evidence_is_a_file_or_skipped_typed_or_pressed() {
        let state = ReportState::Evidence(draft());
        let file = evidence(
            &state,
            &draft(),
            Answer::File("photo".to_owned(), "AgAD".to_owned()),
        );
        let Step::Enter(ReportState::Summary(kept)) = file else {
            panic!("a photo leads to the summary: {file:?}");
        };
        assert_eq!(kept.evidence, Some(("photo".to_owned(), "AgAD".to_owned())));
        for skipped in [text(" 跳过 "), text("无"), Answer::Press(Press::Skip)] {
            assert_eq!(
                evidence(&state, &draft(), skipped),
                Step::Enter(ReportState::Summary(draft()))
            );
        }
        assert_eq!(
            evidence(&state, &draft(), text("稍后补")),
            refuse(say::bad_evidence())
        );
    }

    #[test]
    fn progress_and_difficulties_take_text_or_nothing() {
        let at_progress = ReportState::Progress(draft());
        let Step::Enter(ReportState::Difficulties(next)) =
            words(&at_progress, &draft(), text(" 完成主体施工 "))
        else {
            panic!("difficulties come after progress");
        };
        assert_eq!(next.progress.as_deref(), Some("完成主体施工"));
        let at_difficulties = ReportState::Difficulties(draft());
        let Step::Enter(ReportState::Evidence(next)) =
            words(&at_difficulties, &draft(), Answer::Press(Press::Nothing))
        else {
            panic!("evidence comes after difficulties");
        };
        assert_eq!(next.difficulties.as_deref(), Some(""));
        assert_eq!(
            words(&at_progress, &draft(), Answer::Other),
            refuse(say::text_only())
        );
    }
}
