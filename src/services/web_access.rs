//! Who may read the web view: a one-use sign-in link sent by `/web`, and the session it starts.
//! Tokens are random (192 bits, as invite tokens are) and only their hashes are stored; the
//! person must still be active on every request, so deactivating someone ends their reading at
//! once.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::SqliteConnection;

use crate::db::people::Person;
use crate::db::{audit, web};
use crate::services::people::{label, new_token, token_hash};

/// How long a sign-in link works: long enough to open it, short enough that one forwarded by
/// mistake is most likely dead.
pub const LINK_VALID: TimeDelta = TimeDelta::minutes(10);
/// How long a session lasts: a working day, so a leader signs in once before a meeting.
pub const SESSION_VALID: TimeDelta = TimeDelta::hours(12);

/// A sign-in link's token, to be sent once and then forgotten.
pub struct NewLink {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// A new session: the token for the cookie and whose it is.
pub struct NewSession {
    pub token: String,
    pub person: Person,
    pub expires_at: DateTime<Utc>,
}

/// A new sign-in link for `person`.
pub async fn issue_link(
    conn: &mut SqliteConnection,
    person: &Person,
    now: DateTime<Utc>,
) -> anyhow::Result<NewLink> {
    let token = new_token()?;
    let expires_at = now + LINK_VALID;
    web::insert_link(conn, &token_hash(&token), person.id, now, expires_at).await?;
    Ok(NewLink { token, expires_at })
}

/// Opens a link: uses it (once), starts a session and audits the sign-in. `None` when the
/// link is unknown, used, expired, or its person is no longer active.
pub async fn sign_in(
    conn: &mut SqliteConnection,
    link_token: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<NewSession>> {
    let Some(person_id) = web::use_link(conn, &token_hash(link_token), now).await? else {
        return Ok(None);
    };
    let token = new_token()?;
    let expires_at = now + SESSION_VALID;
    web::insert_session(conn, &token_hash(&token), person_id, now, expires_at).await?;
    let Some(person) = web::session_person(conn, &token_hash(&token), now).await? else {
        // Deactivated between asking for the link and opening it.
        web::delete_sessions_of(conn, person_id).await?;
        return Ok(None);
    };
    let entry = audit::Entry {
        actor_id: Some(person.id),
        actor_label: &label(&person),
        action: "web_sign_in",
        target: &label(&person),
        before: None,
        after: None,
    };
    audit::record(conn, entry, now).await?;
    Ok(Some(NewSession {
        token,
        person,
        expires_at,
    }))
}

/// The reader of a session cookie's token: `None` when unknown, expired or no longer active.
pub async fn reader(
    conn: &mut SqliteConnection,
    session_token: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Person>> {
    web::session_person(conn, &token_hash(session_token), now).await
}

/// Ends a person's sessions and unused links (they were deactivated): how many went.
pub async fn end_all_of(conn: &mut SqliteConnection, person_id: i64) -> sqlx::Result<u64> {
    let sessions = web::delete_sessions_of(conn, person_id).await?;
    let links = web::delete_links_of(conn, person_id).await?;
    Ok(sessions + links)
}

/// Forgets expired or spent links and expired sessions: how many went.
pub async fn prune(conn: &mut SqliteConnection, now: DateTime<Utc>) -> sqlx::Result<u64> {
    let links = web::prune_links(conn, now).await?;
    let sessions = web::prune_sessions(conn, now).await?;
    Ok(links + sessions)
}
