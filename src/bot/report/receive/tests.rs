//! The steps' decisions, without a database: what each answer leads to.

use super::*;

fn draft() -> Draft {
    Draft::new(1, 12, "新建公共充电桩".to_owned(), 2)
}

fn text(typed: &str) -> Answer {
    Answer::Text(typed.to_owned())
}

#[test]
fn a_button_of_another_step_expires_and_typing_at_a_button_step_is_refused() {
    assert_eq!(summary(&draft(), Answer::Press(Press::Skip)), Step::Expired);
    assert_eq!(
        summary(&draft(), text("提交")),
        refuse(say::press_a_button())
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
fn an_evidence_step_stored_before_the_upgrade_is_the_summary() {
    for skipped in [text(" 跳过 "), text("无"), Answer::Press(Press::Skip)] {
        assert_eq!(
            evidence(&draft(), skipped),
            Step::Enter(ReportState::Summary(draft()))
        );
    }
    assert_eq!(
        evidence(&draft(), Answer::Press(Press::Submit)),
        Step::Submit(draft())
    );
    assert_eq!(
        evidence(&draft(), text("稍后补")),
        refuse(say::press_a_button())
    );
}

#[test]
fn progress_and_difficulties_take_text_or_nothing_then_the_summary() {
    let at_progress = ReportState::Progress(draft());
    let Step::Enter(ReportState::Difficulties(next)) =
        words(&at_progress, &draft(), text(" 完成主体施工 "))
    else {
        panic!("difficulties come after progress");
    };
    assert_eq!(next.progress.as_deref(), Some("完成主体施工"));
    let at_difficulties = ReportState::Difficulties(draft());
    let Step::Enter(ReportState::Summary(next)) =
        words(&at_difficulties, &draft(), Answer::Press(Press::Nothing))
    else {
        panic!("the summary comes after difficulties: no evidence step");
    };
    assert_eq!(next.difficulties.as_deref(), Some(""));
    assert_eq!(
        words(&at_progress, &draft(), Answer::Other),
        refuse(say::text_only())
    );
}

#[test]
fn an_over_long_text_is_held_and_its_first_part_kept_on_a_press() {
    let long = "很".repeat(2500);
    let at_progress = ReportState::Progress(draft());
    let held = words(&at_progress, &draft(), text(&long));
    assert_eq!(
        held,
        Step::Enter(ReportState::TooLong(
            draft(),
            TextField::Progress,
            long.clone()
        ))
    );
    let Step::Enter(ReportState::Difficulties(next)) = too_long(
        &draft(),
        TextField::Progress,
        &long,
        Answer::Press(Press::KeepFirst),
    ) else {
        panic!("kept, the next question");
    };
    assert_eq!(next.progress, Some("很".repeat(MAX_TEXT)));
    let Step::Enter(ReportState::Difficulties(next)) =
        too_long(&draft(), TextField::Progress, &long, text("完成选址"))
    else {
        panic!("a shorter text typed instead answers the question");
    };
    assert_eq!(next.progress.as_deref(), Some("完成选址"));
    let editing = Draft {
        editing: true,
        ..draft()
    };
    let Step::Enter(ReportState::Summary(back)) = too_long(
        &editing,
        TextField::Difficulties,
        &long,
        Answer::Press(Press::KeepFirst),
    ) else {
        panic!("from the summary, back to it");
    };
    assert_eq!(back.difficulties.map(|d| d.chars().count()), Some(MAX_TEXT));
    assert!(!back.editing);
}
