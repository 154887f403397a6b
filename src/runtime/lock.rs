//! One `minsheng run` per database: two copies would poll and send at once.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Held for the life of the process; the OS releases it when the process ends, however it ends.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
    pub path: PathBuf,
}

fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Whether a `minsheng run` holds this database's lock now. Creates nothing: no lock file, no
/// bot.
pub fn is_held(database: &Path) -> anyhow::Result<bool> {
    let path = lock_path(database);
    // Read access is enough to test a lock: a monitoring user need not own the file.
    let file = match OpenOptions::new().read(true).open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(error) => {
            return Err(error).with_context(|| format!("无法打开锁文件 {}", path.display()));
        }
    };
    match file.try_lock() {
        // Ours for a moment: released as `file` drops.
        Ok(()) => Ok(false),
        Err(TryLockError::WouldBlock) => Ok(true),
        Err(TryLockError::Error(error)) => {
            Err(error).with_context(|| format!("无法检查锁文件 {}", path.display()))
        }
    }
}

pub fn acquire(database: &Path) -> anyhow::Result<InstanceLock> {
    let path = lock_path(database);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("无法打开锁文件 {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(InstanceLock { _file: file, path }),
        Err(TryLockError::WouldBlock) => bail!(
            "另一个 minsheng run 正在使用数据库 {}，不能同时运行两个（锁文件 {}）",
            database.display(),
            path.display()
        ),
        Err(TryLockError::Error(error)) => {
            Err(error).with_context(|| format!("无法锁定 {}", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_database_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("m.db");
        let first = acquire(&db).unwrap();
        let second = acquire(&db).unwrap_err();
        assert!(
            second.to_string().contains("另一个 minsheng run"),
            "{second}"
        );
        drop(first);
        acquire(&db).unwrap();
    }

    #[test]
    fn the_lock_reads_as_held_only_while_a_bot_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("m.db");
        assert!(!is_held(&db).unwrap(), "no lock file yet");
        assert!(
            !dir.path().join("m.db.lock").exists(),
            "looking creates nothing"
        );
        let held = acquire(&db).unwrap();
        assert!(is_held(&db).unwrap());
        drop(held);
        assert!(!is_held(&db).unwrap());
        acquire(&db).unwrap();
    }
}
