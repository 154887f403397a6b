use super::*;

const MINIMAL: &str = r#"
[plan]
year = 2024
name = "测试计划"
starts_on = "2024-01-01"
ends_on = "2024-12-31"
timezone = "Asia/Shanghai"

[[units]]
name = "发展软环境保障局"
kind = "department"

[[categories]]
numeral = "一"
name = "助老扶老提升改造项目"

[[projects]]
no = 3
category = "一"
title = "建设老年人食堂"
summary = "2024年计划新建6处老年人食堂。"
goals = "新建6处。"
units = ["发展软环境保障局"]

[[projects.metrics]]
name = "新建老年人食堂"
kind = "number"
target = 6
unit = "处"
comparison = "reach"
baseline = 10
"#;

fn refusal(text: &str) -> SeedError {
    parse(text, "seeds/x.toml").unwrap_err()
}

#[test]
fn a_minimal_plan_parses_with_the_deadline_defaulting_to_the_plans_end() {
    let seed = parse(MINIMAL, "seeds/x.toml").unwrap();
    assert_eq!(
        seed.projects[0].deadline,
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()
    );
    assert_eq!(
        seed.projects[0].metrics[0].target.to_string(),
        "6处（现有10处）"
    );
}

#[test]
fn a_toml_syntax_error_names_the_file_and_line() {
    let error = refusal(&MINIMAL.replace("target = 6", "target = = 6"));
    assert_eq!(error.file, "seeds/x.toml");
    assert_eq!(error.line, 28);
}

#[test]
fn an_unlisted_unit_is_refused_at_its_project() {
    let error =
        refusal(&MINIMAL.replace("units = [\"发展软环境保障局\"]", "units = [\"发展软环境\"]"));
    assert_eq!(error.line, 17, "{error}");
    assert!(
        error.reason.contains("“发展软环境”未在 [[units]] 中列出"),
        "{error}"
    );
}

#[test]
fn a_layout_break_left_in_a_title_is_refused() {
    let error = refusal(&MINIMAL.replace(
        "title = \"建设老年人食堂\"",
        "title = \"建设老年人\\n食堂\"",
    ));
    assert!(error.reason.contains("换行"), "{error}");
}

#[test]
fn a_negative_target_is_refused_at_its_metric() {
    let error = refusal(&MINIMAL.replace("target = 6", "target = -6"));
    assert_eq!(error.line, 25, "{error}");
    assert!(error.reason.contains("应为正数"), "{error}");
}

#[test]
fn a_yes_no_metric_with_a_target_is_refused() {
    let error = refusal(&MINIMAL.replace("kind = \"number\"", "kind = \"yesno\""));
    assert!(error.reason.contains("是/否指标"), "{error}");
}

#[test]
fn duplicate_project_numbers_and_unknown_keys_are_refused() {
    let twice = format!(
        "{MINIMAL}\n[[projects]]\nno = 3\ncategory = \"一\"\ntitle = \"x\"\nsummary = \"x\"\ngoals = \"x\"\nunits = [\"发展软环境保障局\"]\n"
    );
    assert!(refusal(&twice).reason.contains("重复"));
    let typo = MINIMAL.replace("summary =", "sumary =");
    assert!(refusal(&typo).reason.contains("sumary"));
}

#[test]
fn a_deadline_outside_the_plan_is_refused() {
    let late = MINIMAL.replace(
        "units = [\"发展软环境保障局\"]",
        "units = [\"发展软环境保障局\"]\ndeadline = \"2025-03-01\"",
    );
    assert!(refusal(&late).reason.contains("不在计划期"));
}
