//! The files an operator installs from `deploy/`: the systemd units pass `systemd-analyze
//! verify`, the backup script keeps the newest 30, and the README's Restore steps bring the data
//! back, all with the real binary on a temporary database.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::helpers::{STRANGER, seeds_dir};

const SYSTEMD_ANALYZE: &str = "/usr/bin/systemd-analyze";
const UNITS: [&str; 5] = [
    "minsheng.service",
    "minsheng-backup.service",
    "minsheng-backup.timer",
    "minsheng-health.service",
    "minsheng-health.timer",
];

fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn copy_executable(from: &Path, to: &Path) {
    fs::create_dir_all(to.parent().unwrap()).unwrap();
    fs::copy(from, to).unwrap();
    fs::set_permissions(to, fs::Permissions::from_mode(0o755)).unwrap();
}

/// A root laid out as the README's Deploy section installs it: the binary and the backup script
/// in /usr/local/bin, the units in /etc/systemd/system, and the system's own units beside them
/// (verify follows the units' dependencies down to sysinit.target).
fn installed_root(units: &[(&str, String)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let bin = root.path().join("usr/local/bin");
    copy_executable(
        Path::new(env!("CARGO_BIN_EXE_minsheng")),
        &bin.join("minsheng"),
    );
    copy_executable(
        &deploy_dir().join("backup.sh"),
        &bin.join("minsheng-backup"),
    );
    let system = root.path().join("usr/lib/systemd/system");
    fs::create_dir_all(&system).unwrap();
    for entry in fs::read_dir("/usr/lib/systemd/system").unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            fs::copy(entry.path(), system.join(entry.file_name())).unwrap();
        }
    }
    let etc = root.path().join("etc/systemd/system");
    fs::create_dir_all(&etc).unwrap();
    for (name, body) in units {
        fs::write(etc.join(name), body).unwrap();
    }
    root
}

/// Everything `systemd-analyze verify` says about the units; it exits 0 on mere warnings (an
/// unknown key, say), so any output at all counts as a finding.
fn verify(units: &[(&str, String)]) -> String {
    let root = installed_root(units);
    let output = Command::new(SYSTEMD_ANALYZE)
        .arg("verify")
        .arg(format!("--root={}", root.path().display()))
        .args(
            units
                .iter()
                .map(|(name, _)| format!("/etc/systemd/system/{name}")),
        )
        .output()
        .expect("running systemd-analyze");
    let mut findings = text(&output.stdout) + &text(&output.stderr);
    if !output.status.success() {
        findings.push_str(&format!("\n(exit status {})", output.status));
    }
    findings
}

fn deploy_units() -> Vec<(&'static str, String)> {
    UNITS
        .iter()
        .map(|name| (*name, fs::read_to_string(deploy_dir().join(name)).unwrap()))
        .collect()
}

#[test]
fn the_units_pass_systemd_analyze_verify_without_a_warning() {
    if !Path::new(SYSTEMD_ANALYZE).exists() {
        eprintln!("{SYSTEMD_ANALYZE} is missing: the units were not verified");
        return;
    }
    let findings = verify(&deploy_units());
    assert_eq!(findings.trim(), "", "systemd-analyze verify found problems");

    // The check itself can fail: a misspelt key is only a warning, and it is caught.
    let mut misspelt = deploy_units();
    misspelt[0].1 = misspelt[0]
        .1
        .replace("Restart=on-failure", "Restart=on-failure\nRestartSecs=10");
    assert!(
        verify(&misspelt).contains("Unknown key 'RestartSecs'"),
        "an unknown key must be reported"
    );
}

fn setting<'a>(unit: &'a str, key: &str) -> Vec<&'a str> {
    unit.lines()
        .filter_map(|line| line.strip_prefix(key)?.strip_prefix('='))
        .collect()
}

#[test]
fn the_service_runs_confined_as_its_own_user_and_restarts_on_failure() {
    let service = fs::read_to_string(deploy_dir().join("minsheng.service")).unwrap();
    for (key, value) in [
        ("User", "minsheng"),
        ("WorkingDirectory", "/var/lib/minsheng"),
        ("EnvironmentFile", "/etc/minsheng/env"),
        ("ExecStart", "/usr/local/bin/minsheng run"),
        ("Restart", "on-failure"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ReadWritePaths", "/var/lib/minsheng"),
        ("PrivateTmp", "yes"),
        ("ProtectHome", "yes"),
    ] {
        assert_eq!(setting(&service, key), [value], "{key} in minsheng.service");
    }
    let timer = fs::read_to_string(deploy_dir().join("minsheng-backup.timer")).unwrap();
    assert_eq!(setting(&timer, "Persistent"), ["true"]);
    assert_eq!(setting(&timer, "OnCalendar").len(), 1, "one daily time");
    let backup = fs::read_to_string(deploy_dir().join("minsheng-backup.service")).unwrap();
    assert_eq!(
        setting(&backup, "ExecStart"),
        ["/usr/local/bin/minsheng-backup /var/lib/minsheng/backups 30"]
    );
}

/// The real binary on `database`, as the service's environment would run it.
fn minsheng(database: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_minsheng"));
    command
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("MINSHENG_CONFIG")
        .env("MINSHENG_DATABASE", database)
        .env("MINSHENG_SEEDS", seeds_dir());
    command
}

fn succeeded(output: Output) -> String {
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}

fn seeded_database(dir: &Path) -> PathBuf {
    let database = dir.join("data/minsheng.db");
    fs::create_dir_all(database.parent().unwrap()).unwrap();
    succeeded(minsheng(&database).arg("seed").output().unwrap());
    database
}

/// deploy/backup.sh with the real binary, as minsheng-backup.service runs it.
fn backup_script(database: &Path, backups: &Path) -> Output {
    Command::new("sh")
        .arg(deploy_dir().join("backup.sh"))
        .arg(backups)
        .arg("30")
        .env("MINSHENG_BIN", env!("CARGO_BIN_EXE_minsheng"))
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("MINSHENG_CONFIG")
        .env("MINSHENG_DATABASE", database)
        .output()
        .unwrap()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn projects_in(database: &Path) -> usize {
    let table = succeeded(minsheng(database).arg("projects").output().unwrap());
    // Each project's row begins with its number; the heading begins with the year.
    table
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .count()
}

#[test]
fn the_backup_script_keeps_the_newest_30_of_35_dated_copies() {
    let dir = tempfile::tempdir().unwrap();
    let database = seeded_database(dir.path());
    let backups = dir.path().join("backups");
    fs::create_dir_all(&backups).unwrap();
    // 34 earlier nights (from 1 January 2025), and a file of the operator's own.
    let first = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let old: Vec<String> = (0..34)
        .map(|n| {
            let day = first + chrono::Days::new(n);
            format!("minsheng-{}-023000.db", day.format("%Y%m%d"))
        })
        .collect();
    for name in &old {
        fs::write(backups.join(name), "an old copy").unwrap();
        // The evidence folder `minsheng backup` copies beside each.
        let evidence = backups.join(format!("{name}.evidence"));
        fs::create_dir_all(&evidence).unwrap();
        fs::write(evidence.join("photo.jpg"), "a photo").unwrap();
    }
    fs::write(backups.join("说明.txt"), "keep me").unwrap();

    let output = backup_script(&database, &backups);
    assert!(output.status.success(), "{}", text(&output.stderr));

    let names = names_in(&backups);
    let copies: Vec<&String> = names.iter().filter(|n| n.ends_with(".db")).collect();
    assert_eq!(copies.len(), 30, "{names:?}");
    assert!(names.contains(&"说明.txt".to_owned()), "{names:?}");
    for gone in &old[..5] {
        assert!(!names.contains(gone), "{gone} should be gone: {names:?}");
        let evidence = format!("{gone}.evidence");
        assert!(
            !names.contains(&evidence),
            "{evidence} goes with it: {names:?}"
        );
    }
    for kept in &old[5..] {
        assert!(names.contains(kept), "{kept} should be kept: {names:?}");
        assert!(names.contains(&format!("{kept}.evidence")), "{names:?}");
    }
    // The new copy is today's, and a whole database.
    let new = copies.last().unwrap();
    assert!(!old.contains(new), "{new}");
    assert_eq!(projects_in(&backups.join(new)), 27);
}

/// The shell lines of the README's Restore section, but those that need systemd and root
/// (stop, start, chown, runuser), which the caller stands in for.
fn readme_restore_commands() -> Vec<String> {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("\n## Restore\n")
        .nth(1)
        .expect("README.md has a Restore section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the Restore section has its commands");
    block
        .lines()
        .filter(|line| {
            !["systemctl ", "chown ", "runuser ", "cd "]
                .iter()
                .any(|skip| line.starts_with(skip))
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_readme_restore_steps_bring_the_data_back() {
    let dir = tempfile::tempdir().unwrap();
    let database = seeded_database(dir.path());
    let backups = dir.path().join("backups");
    succeeded(backup_script(&database, &backups));
    let copy = names_in(&backups)[0].clone();

    // The disk goes bad under the database, and the dead database left its journal behind.
    fs::write(&database, "not a database any more").unwrap();
    fs::write(
        database.with_file_name("minsheng.db-wal"),
        "a stale journal",
    )
    .unwrap();
    assert!(
        !minsheng(&database)
            .arg("status")
            .output()
            .unwrap()
            .status
            .success(),
        "status must fail on a damaged database"
    );

    // The README's commands, run in the service's folder (this temporary one), on our backup.
    let commands = readme_restore_commands();
    assert!(
        commands.iter().any(|c| c.contains("minsheng.db-wal")),
        "the Restore steps drop the old journal: {commands:?}"
    );
    let script = commands
        .join("\n")
        .replace("minsheng-20250310-023000.db", &copy);
    let restored = Command::new("sh")
        .args(["-eu", "-c", &script])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(restored.status.success(), "{}", text(&restored.stderr));

    let status = succeeded(minsheng(&database).arg("status").output().unwrap());
    assert!(status.contains("发件箱"), "{status}");
    assert_eq!(projects_in(&database), 27);
    assert_eq!(
        fs::read_to_string(database.with_file_name("minsheng.db.damaged")).unwrap(),
        "not a database any more",
        "what was there is kept aside"
    );
}

/// The README tells an operator to find their Telegram user id by writing to the bot: the
/// refusal a stranger gets names it, for MINSHENG_ADMINS or for the task force.
#[tokio::test]
async fn a_stranger_is_refused_with_their_telegram_id_as_the_readme_says() {
    let app = crate::helpers::TestApp::spawn().await;
    app.says(&STRANGER, "你好");
    let reply = app.nth_reply_to(&STRANGER, 1).await;
    assert!(reply.contains("用户编号：555001"), "{reply}");
    assert!(!reply.contains("老年人"), "no project leaks to a stranger");
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(
        readme.contains("用户编号"),
        "README.md says where the id is shown"
    );
    app.stop().await;
}
