//! `MINSHENG_*` variables the settings do not know: a typo (MINSHENG_ADMIN) would otherwise
//! be ignored without a word, and the bot would start without what the operator meant to set.

use std::collections::HashMap;

use super::{CONFIG_VAR, DEFAULT_TOML, ENV_PREFIX};

/// One warning line per unknown `MINSHENG_*` variable in `env`, naming the closest known one
/// when there is a close one; sorted by name.
pub fn unknown_env_warnings(env: &HashMap<String, String>) -> Vec<String> {
    let known = known_names();
    let prefix = format!("{ENV_PREFIX}_");
    let mut unknown: Vec<&String> = env
        .keys()
        .filter(|name| name.starts_with(&prefix) && !known.contains(name))
        .collect();
    unknown.sort();
    unknown
        .into_iter()
        .map(|name| match closest(name, &known) {
            Some(near) => format!("未知的环境变量 {name}，是否想设置 {near}？"),
            None => format!("未知的环境变量 {name}，已忽略"),
        })
        .collect()
}

/// Every variable the settings read: one per key of the default file, and the config file's.
fn known_names() -> Vec<String> {
    let table: toml::Table = toml::from_str(DEFAULT_TOML).expect("default.toml parses");
    let mut names = vec![CONFIG_VAR.to_owned()];
    collect(&table, ENV_PREFIX, &mut names);
    names
}

fn collect(table: &toml::Table, prefix: &str, names: &mut Vec<String>) {
    for (key, value) in table {
        let name = format!("{prefix}_{}", key.to_uppercase());
        match value {
            toml::Value::Table(inner) => collect(inner, &name, names),
            _ => names.push(name),
        }
    }
}

/// The known name fewest edits away, if it is within a third of the name's length.
fn closest<'a>(name: &str, known: &'a [String]) -> Option<&'a str> {
    let limit = (name.len() / 3).max(1);
    known
        .iter()
        .map(|k| (edits(name, k), k))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, k)| k.as_str())
}

/// Levenshtein distance on bytes (the names are ASCII).
fn edits(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(names: &[&str]) -> HashMap<String, String> {
        names
            .iter()
            .map(|n| ((*n).to_owned(), "1".to_owned()))
            .collect()
    }

    #[test]
    fn a_mistyped_variable_is_named_with_the_one_it_was_meant_to_be() {
        let warnings = unknown_env_warnings(&env(&[
            "MINSHENG_ADMIN",
            "MINSHENG_TELEGRAM_POLL_TIMEOUT",
            "MINSHENG_SEEDS",
            "HOME",
        ]));
        assert_eq!(
            warnings,
            [
                "未知的环境变量 MINSHENG_ADMIN，是否想设置 MINSHENG_ADMINS？",
                "未知的环境变量 MINSHENG_TELEGRAM_POLL_TIMEOUT，是否想设置 MINSHENG_TELEGRAM_POLL_TIMEOUT_SECS？",
            ]
        );
    }

    #[test]
    fn every_variable_the_settings_read_is_known() {
        let names = known_names();
        for name in [
            "MINSHENG_DATABASE",
            "MINSHENG_ADMINS",
            "MINSHENG_CONFIG",
            "MINSHENG_DIGEST_DAYS",
            "MINSHENG_RETENTION_INBOX_DAYS",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        assert!(unknown_env_warnings(&env(&["MINSHENG_ADMINS", "MINSHENG_DATABASE"])).is_empty());
    }

    #[test]
    fn a_name_far_from_every_known_one_is_only_said_to_be_ignored() {
        assert_eq!(
            unknown_env_warnings(&env(&["MINSHENG_WHATEVER_ELSE"])),
            ["未知的环境变量 MINSHENG_WHATEVER_ELSE，已忽略"]
        );
        assert_eq!(edits("kitten", "sitting"), 3);
    }
}
