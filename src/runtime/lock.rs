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

pub fn acquire(database: &Path) -> anyhow::Result<InstanceLock> {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    let path = PathBuf::from(name);
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
}
