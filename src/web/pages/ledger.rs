//! `/ledger.xlsx`: the ledger workbook of the reader's scope, as the digest sends it, built in
//! memory and answered as a download with its Chinese name.

use axum::extract::State as Extract;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::layout::day;
use super::{Reading, Refusal};
use crate::export::ledger::LedgerBook;
use crate::services::ledger;
use crate::web::{Reader, WebState};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub async fn download(
    Extract(state): Extract<WebState>,
    reader: Reader,
) -> Result<Response, Refusal> {
    let mut read = Reading::of(&state, &reader.person).await?;
    let settings = &state.ctx.settings;
    let mut book = LedgerBook::new(&read.plan.name, settings.timezone)?;
    ledger::write(
        &mut read.conn,
        settings,
        &read.plan,
        read.scope.limit(),
        read.now,
        &mut book,
    )
    .await?;
    // Saved to memory: no file of ours is left behind (the workbook's own row buffers are
    // temporary files it removes when dropped).
    let bytes = book.into_bytes()?;
    let today = read.now.with_timezone(&settings.timezone).date_naive();
    let name = format!("{}年台账（{}）.xlsx", read.plan.year, day(today));
    let disposition = format!("attachment; filename*=UTF-8''{}", encoded(&name));
    Ok((
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// RFC 5987 percent-encoding of a file name: every byte but letters, digits and `-._~`.
pub fn encoded(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
