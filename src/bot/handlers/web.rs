//! `/web`: a personal, one-use link to the read-only web view, for anyone admitted and active.
//! The access filters upstream already refused strangers and the deactivated, and sent the
//! command in a group back to the private chat (it is private-only).

use crate::bot::turn::Turn;
use crate::bot::{BotContext, texts};
use crate::db::people::Person;
use crate::services::web_access;

/// The link's text. The token is kept as a secret: the stored message loses it once sent.
pub(super) async fn link(ctx: &BotContext, turn: &Turn, person: &Person) -> anyhow::Result<String> {
    let Some(public_url) = ctx.settings.web.public_url.as_deref() else {
        return Ok(texts::web_not_enabled().to_owned());
    };
    if ctx.settings.web.listen.is_none() {
        return Ok(texts::web_not_enabled().to_owned());
    }
    let link = web_access::issue_link(&mut *turn.conn().await, person, turn.now()).await?;
    turn.keep_secret(&link.token).await;
    Ok(texts::web_link(&format!(
        "{public_url}/login?t={}",
        link.token
    )))
}
