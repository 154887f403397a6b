use super::*;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn the_default_file_gives_the_212_reading_of_spec_section_3() {
    let settings = Settings::from_layers(None, &env(&[])).unwrap();
    assert_eq!(settings.database, PathBuf::from("data/minsheng.db"));
    assert_eq!(settings.timezone, chrono_tz::Asia::Shanghai);
    assert_eq!(settings.cycle.deadline_weekday, Weekday::Fri);
    assert_eq!(
        settings.cycle.deadline_time,
        NaiveTime::from_hms_opt(17, 0, 0).unwrap()
    );
    assert_eq!(
        (
            settings.cycle.prompt_offset,
            settings.cycle.reminder_offset,
            settings.cycle.escalation_offset
        ),
        (-2, -1, 2)
    );
    assert_eq!(settings.digest.days, vec![1, 11, 21]);
    assert_eq!(settings.invites.expiry_days, 7);
    assert_eq!(
        settings.retention,
        RetentionSettings {
            inbox_days: 2,
            quarantined_days: 90,
            outbox_payload_days: 30,
            exports_days: 7
        }
    );
    assert!(settings.admins.is_empty());
    assert!(settings.telegram.token.is_none());
}

#[test]
fn environment_variables_override_the_files() {
    let overlay = "database = \"/srv/a.db\"\n[cycle]\ndeadline_time = \"16:30\"\n";
    let settings = Settings::from_layers(
        Some(overlay),
        &env(&[
            ("MINSHENG_DATABASE", "/srv/b.db"),
            ("MINSHENG_ADMINS", "111, 222"),
            ("MINSHENG_CYCLE_STEP_TIME", "08:30"),
            ("MINSHENG_COLOURS_RED_BEHIND", "30"),
            ("MINSHENG_RETENTION_OUTBOX_PAYLOAD_DAYS", "60"),
            ("TELOXIDE_API_URL", "http://127.0.0.1:8081/"),
            ("TELOXIDE_TOKEN", "123:abc"),
        ]),
    )
    .unwrap();
    assert_eq!(settings.database, PathBuf::from("/srv/b.db"));
    assert_eq!(settings.admins, vec![111, 222]);
    assert_eq!(
        settings.cycle.deadline_time,
        NaiveTime::from_hms_opt(16, 30, 0).unwrap()
    );
    assert_eq!(
        settings.cycle.step_time,
        NaiveTime::from_hms_opt(8, 30, 0).unwrap()
    );
    assert_eq!(settings.colours.red_behind, 30.0);
    assert_eq!(settings.retention.outbox_payload_days, 60);
    assert_eq!(settings.telegram.api_url, "http://127.0.0.1:8081");
    assert_eq!(
        settings.telegram.token.as_ref().unwrap().expose(),
        "123:abc"
    );
}

#[test]
fn a_typo_in_an_override_file_is_refused_by_name() {
    let error =
        Settings::from_layers(Some("[cycle]\ndeadline_tiem = \"16:00\"\n"), &env(&[])).unwrap_err();
    assert!(
        format!("{error:#}").contains("cycle.deadline_tiem"),
        "{error:#}"
    );
}

#[test]
fn a_retention_of_zero_days_is_refused() {
    let error =
        Settings::from_layers(None, &env(&[("MINSHENG_RETENTION_INBOX_DAYS", "0")])).unwrap_err();
    assert!(format!("{error:#}").contains("retention"), "{error:#}");
}

#[test]
fn a_malformed_admin_id_is_refused_with_the_variable_named() {
    let error = Settings::from_layers(None, &env(&[("MINSHENG_ADMINS", "12,abc")])).unwrap_err();
    assert!(
        format!("{error:#}").contains("MINSHENG_ADMINS"),
        "{error:#}"
    );
}

#[test]
fn the_token_is_redacted_when_settings_are_printed() {
    let settings =
        Settings::from_layers(None, &env(&[("TELOXIDE_TOKEN", "123:very-secret")])).unwrap();
    assert!(!format!("{settings:?}").contains("very-secret"));
}

#[test]
fn robots_come_from_the_configuration_file_with_their_lines() {
    let overlay = "database = \"/srv/a.db\"\n\n[[robots]]\nname = \"专班群\"\nkind = \"wecom\"\nurl = \"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd1234\"\nto = \"admins\"\nsends = [\"digest\"]\n";
    let settings = Settings::from_layers(Some(overlay), &env(&[])).unwrap();
    assert_eq!(settings.database, PathBuf::from("/srv/a.db"));
    assert_eq!(settings.robots.len(), 1);
    assert_eq!(settings.robots[0].line, 7);
    assert_eq!(settings.robots[0].masked(), "qyapi.weixin.qq.com（…1234）");
    let typo = overlay.replace("sends", "send");
    let error = format!(
        "{:#}",
        Settings::from_layers(Some(&typo), &env(&[])).unwrap_err()
    );
    assert!(
        error.contains("line 8") && error.contains("send"),
        "{error}"
    );
    assert!(
        !error.contains("abcd1234"),
        "the key stays out of the error: {error}"
    );
    assert!(
        Settings::from_layers(None, &env(&[]))
            .unwrap()
            .robots
            .is_empty()
    );
}

#[test]
fn the_system_roots_are_trusted_only_when_asked() {
    let settings = Settings::from_layers(None, &env(&[])).unwrap();
    assert!(!settings.network.system_roots);
    let settings =
        Settings::from_layers(None, &env(&[("MINSHENG_NETWORK_SYSTEM_ROOTS", "true")])).unwrap();
    assert!(settings.network.system_roots);
}

#[test]
fn the_web_view_is_off_by_default_and_set_by_its_two_variables() {
    let settings = Settings::from_layers(None, &env(&[])).unwrap();
    assert_eq!(
        settings.web,
        WebSettings {
            listen: None,
            public_url: None
        }
    );
    assert!(!settings.web.secure());
    let settings = Settings::from_layers(
        None,
        &env(&[
            ("MINSHENG_WEB_LISTEN", "127.0.0.1:8080"),
            (
                "MINSHENG_WEB_PUBLIC_URL",
                "https://minsheng.example.gov.cn/",
            ),
        ]),
    )
    .unwrap();
    assert_eq!(settings.web.listen.as_deref(), Some("127.0.0.1:8080"));
    assert_eq!(
        settings.web.public_url.as_deref(),
        Some("https://minsheng.example.gov.cn")
    );
    assert!(settings.web.secure());
    let wrong = Settings::from_layers(None, &env(&[("MINSHENG_WEB_PUBLIC_URL", "minsheng.gov")]));
    assert!(format!("{:#}", wrong.unwrap_err()).contains("web.public_url"));
    assert!(unknown_env_warnings(&env(&[("MINSHENG_WEB_LISTEN", "")])).is_empty());
}
