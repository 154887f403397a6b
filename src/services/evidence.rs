//! Evidence kept: where a report's photo or file lives in the data folder, how long a failed
//! download waits, and the copy of the folder a backup takes. The download itself is the
//! runtime's (it needs Telegram): its evidence keeper.

use std::path::{Path, PathBuf};

use chrono::TimeDelta;
use sha2::{Digest, Sha256};

use crate::config::Settings;

/// The Bot API's limit on what a bot may download.
pub const MAX_BYTES: u64 = 20 * 1024 * 1024;
/// Tries before a download is given up (a week of doubling waits, capped at six hours).
pub const MAX_TRIES: i64 = 30;

/// The folder beside the database that holds everything the bot keeps of its own.
pub fn data_dir(settings: &Settings) -> PathBuf {
    settings
        .database
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// `evidence/`, beside the database.
pub fn evidence_dir(settings: &Settings) -> PathBuf {
    data_dir(settings).join("evidence")
}

/// Where a report's evidence is kept, relative to the data folder:
/// `evidence/<year>/<project no>/<week>-<report id>.<ext>`, the extension Telegram's own.
pub fn relative_path(week_start: &str, project_no: i64, report_id: i64, file_path: &str) -> String {
    let year = week_start.get(..4).unwrap_or("0000");
    let ext = Path::new(file_path)
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or("bin")
        .to_ascii_lowercase();
    format!("evidence/{year}/{project_no}/{week_start}-{report_id}.{ext}")
}

/// How long after its `tries`-th failure a download is tried again: 1 minute, doubling, at
/// most six hours.
pub fn retry_after(tries: i64) -> TimeDelta {
    let minutes = 1i64 << tries.clamp(0, 9);
    TimeDelta::minutes(minutes.min(360))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes the bytes under the data folder, through a temporary name so that a stop halfway
/// leaves no half file under the real one.
pub fn write(data_dir: &Path, relative: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = data_dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, &path)
}

/// Copies the evidence folder to `out` (a backup's `<db>.evidence/`), file by file; a file
/// already there with the same size is left. How many files were copied.
pub fn copy_tree(from: &Path, out: &Path) -> std::io::Result<u64> {
    if !from.is_dir() {
        return Ok(0);
    }
    std::fs::create_dir_all(out)?;
    let mut copied = 0;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = out.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copied += copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() && !is_partial(&entry.path()) {
            let same = std::fs::metadata(&target)
                .is_ok_and(|m| m.len() == entry.metadata().map(|e| e.len()).unwrap_or(u64::MAX));
            if !same {
                std::fs::copy(entry.path(), &target)?;
                copied += 1;
            }
        }
    }
    Ok(copied)
}

fn is_partial(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "partial")
}

/// Where a backup at `out` keeps its copy of the evidence: `<out>.evidence/`.
pub fn backup_evidence_dir(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".evidence");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_kept_under_its_year_and_project() {
        assert_eq!(
            relative_path("2024-03-11", 12, 5, "photos/file_3.JPG"),
            "evidence/2024/12/2024-03-11-5.jpg"
        );
        assert_eq!(
            relative_path("2024-03-11", 12, 5, "documents/no extension"),
            "evidence/2024/12/2024-03-11-5.bin"
        );
    }

    #[test]
    fn a_failed_download_waits_longer_each_time_up_to_six_hours() {
        assert_eq!(retry_after(0), TimeDelta::minutes(1));
        assert_eq!(retry_after(3), TimeDelta::minutes(8));
        assert_eq!(retry_after(20), TimeDelta::hours(6));
    }

    #[test]
    fn the_sha256_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
