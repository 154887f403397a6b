//! Letting people in and giving them work (SPEC.md §5): invites, assignments, leaders' scopes,
//! deactivation. Each change is written with its audit row in the caller's transaction.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

use crate::db::people::{self, Person};
use crate::db::plan::{self, PlanRow, ProjectCard, UnitRow};
use crate::db::{self, assignments, audit, invites, scopes};
use crate::domain::args::{PersonRef, ScopeSpec, parse_project_no};
use crate::domain::role::{AssignmentRole, Role};
use crate::error::UserError;

/// A new invite token: 192 random bits, as 48 hex characters (fits a /start payload).
pub fn new_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 24];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| anyhow::anyhow!("no randomness for an invite token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The plan in force at `now` (in the plan's own days).
pub async fn current_plan(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> anyhow::Result<PlanRow> {
    plan::plan_on(conn, now.with_timezone(&tz).date_naive())
        .await?
        .ok_or_else(|| UserError::Refused("还没有载入任何年度计划。".to_owned()).into())
}

pub async fn resolve_unit(conn: &mut SqliteConnection, text: &str) -> anyhow::Result<UnitRow> {
    let found = plan::units_named_like(conn, text.trim()).await?;
    if let Some(exact) = found.iter().find(|u| u.name == text.trim()) {
        return Ok(exact.clone());
    }
    match found.as_slice() {
        [] => Err(UserError::NoSuchUnit(text.trim().to_owned()).into()),
        [one] => Ok(one.clone()),
        many => Err(UserError::AmbiguousUnit(
            text.trim().to_owned(),
            names(many.iter().map(|u| u.name.as_str())),
        )
        .into()),
    }
}

pub async fn resolve_person(conn: &mut SqliteConnection, text: &str) -> anyhow::Result<Person> {
    resolve_among(conn, text, true).await
}

/// A deactivated person, for /reactivate: a name is looked for among them, not the active.
pub async fn resolve_former_person(
    conn: &mut SqliteConnection,
    text: &str,
) -> anyhow::Result<Person> {
    resolve_among(conn, text, false).await
}

/// An @username or id names one person whatever their state; a part of a name is looked for
/// among the active people, or among the deactivated ones.
async fn resolve_among(
    conn: &mut SqliteConnection,
    text: &str,
    active: bool,
) -> anyhow::Result<Person> {
    let found = match PersonRef::parse(text)? {
        PersonRef::Username(name) => people::by_username(conn, &name).await?,
        PersonRef::TelegramId(id) => people::by_telegram_id(conn, id)
            .await?
            .into_iter()
            .collect(),
        PersonRef::Name(part) if active => people::by_name_part(conn, &part).await?,
        PersonRef::Name(part) => people::inactive_by_name_part(conn, &part).await?,
    };
    match found.as_slice() {
        [] => Err(UserError::NoSuchPerson(text.trim().to_owned()).into()),
        [one] => Ok(one.clone()),
        many => Err(UserError::AmbiguousPerson(
            text.trim().to_owned(),
            names(many.iter().map(|p| p.display_name.as_str())),
        )
        .into()),
    }
}

pub async fn resolve_project(
    conn: &mut SqliteConnection,
    plan: &PlanRow,
    text: &str,
) -> anyhow::Result<ProjectCard> {
    let count = plan::project_count(conn, plan.id).await?;
    let Some(no) = parse_project_no(text) else {
        return Err(UserError::NoSuchProject(text.trim().to_owned(), count).into());
    };
    plan::project_card(conn, plan.id, no)
        .await?
        .ok_or_else(|| UserError::NoSuchProject(no.to_string(), count).into())
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join("、")
}

pub fn label(person: &Person) -> String {
    match &person.username {
        Some(username) => format!("{}（@{username}）", person.display_name),
        None => person.display_name.clone(),
    }
}

async fn audit(
    conn: &mut SqliteConnection,
    actor: &Person,
    action: &str,
    target: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let entry = audit::Entry {
        actor_id: Some(actor.id),
        actor_label: &label(actor),
        action,
        target,
        before,
        after,
    };
    audit::record(conn, entry, now).await
}

pub struct NewInvite {
    pub token: String,
    pub role: Role,
    pub unit: Option<UnitRow>,
    pub expires_at: DateTime<Utc>,
}

pub async fn create_invite(
    conn: &mut SqliteConnection,
    actor: &Person,
    role: Role,
    unit: Option<UnitRow>,
    expiry_days: u32,
    now: DateTime<Utc>,
) -> anyhow::Result<NewInvite> {
    if role == Role::Contact && unit.is_none() {
        return Err(UserError::Usage(
            "邀请联络员须写明单位，例如：/invite 联络员 发展软环境保障局".to_owned(),
        )
        .into());
    }
    let unit = if role == Role::Contact { unit } else { None };
    let token = new_token()?;
    let expires_at = now + TimeDelta::days(expiry_days.into());
    let id = invites::insert(
        conn,
        &token_hash(&token),
        role,
        unit.as_ref().map(|u| u.id),
        actor.id,
        now,
        expires_at,
    )
    .await?;
    // The audit keeps the instant as the database stores it.
    let after = json!({ "invite": id, "role": role.as_str(), "unit": unit.as_ref().map(|u| &u.name), "expires_at": db::instant(expires_at) });
    audit(
        conn,
        actor,
        "invite",
        &format!("邀请 #{id}"),
        None,
        Some(after),
        now,
    )
    .await?;
    Ok(NewInvite {
        token,
        role,
        unit,
        expires_at,
    })
}

/// Who the person joining is, as Telegram tells us.
pub struct Newcomer<'a> {
    pub telegram_id: i64,
    pub name: &'a str,
    pub username: Option<&'a str>,
}

pub struct Joined {
    pub person: Person,
    pub inviter: i64,
}

pub async fn accept_invite(
    conn: &mut SqliteConnection,
    token: &str,
    who: Newcomer<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Joined> {
    let refused = || UserError::InviteInvalid;
    let existing = people::by_telegram_id(conn, who.telegram_id).await?;
    match &existing {
        Some(member) if member.active => {
            return Err(UserError::AlreadyJoined(member.role).into());
        }
        // Only an admin's /reactivate undoes a deactivation: no link, old or new, does.
        Some(_) => {
            return Err(UserError::DeactivatedCannotRejoin.into());
        }
        None => {}
    }
    let invite = invites::by_hash(conn, &token_hash(token))
        .await?
        .ok_or_else(refused)?;
    if invite.used_at.is_some()
        || invite.revoked_at.is_some()
        || !invite.creator_active
        || invite.expires_at <= now
    {
        return Err(refused().into());
    }
    let role = invite.role;
    let person_id = people::insert(
        conn,
        who.telegram_id,
        who.name,
        who.username,
        role,
        invite.unit_id,
        now,
    )
    .await?;
    if !invites::mark_used(conn, invite.id, person_id, now).await? {
        return Err(refused().into());
    }
    let person = people::by_telegram_id(conn, who.telegram_id)
        .await?
        .expect("the person was just written");
    let after = json!({ "person": person.id, "role": role.as_str(), "unit": person.unit_name });
    audit(
        conn,
        &person,
        "join",
        &format!("邀请 #{}", invite.id),
        None,
        Some(after),
        now,
    )
    .await?;
    let inviter = people::telegram_id_of(conn, invite.created_by).await?;
    Ok(Joined { person, inviter })
}

pub enum Assigned {
    New,
    RoleChanged { before: AssignmentRole },
    Unchanged,
}

pub async fn assign(
    conn: &mut SqliteConnection,
    actor: &Person,
    project: &ProjectCard,
    person: &Person,
    role: AssignmentRole,
    now: DateTime<Utc>,
) -> anyhow::Result<Assigned> {
    if person.role != Role::Contact || !person.active {
        return Err(UserError::Refused(format!(
            "{} 不是在岗的联络员，只能指派联络员报送项目。",
            person.display_name
        ))
        .into());
    }
    let target = format!("项目 {} · {}", project.no, person.display_name);
    let outcome = match assignments::current_role(conn, project.id, person.id).await? {
        Some(current) if current == role => return Ok(Assigned::Unchanged),
        Some(current) => {
            assignments::set_role(conn, project.id, person.id, role).await?;
            Assigned::RoleChanged { before: current }
        }
        None => {
            assignments::insert(conn, project.id, person.id, role, now)
                .await
                .map_err(|e| assigned_meanwhile(e, project, person))?;
            Assigned::New
        }
    };
    let before = match &outcome {
        Assigned::RoleChanged { before } => Some(json!({ "role": before.as_str() })),
        _ => None,
    };
    audit(
        conn,
        actor,
        "assign",
        &target,
        before,
        Some(json!({ "project": project.no, "person": person.id, "role": role.as_str() })),
        now,
    )
    .await?;
    Ok(outcome)
}

/// Another admin may assign the same contact between our read of the current role and our
/// insert; the index `assignments_one_active` then refuses ours, and the admin is told so
/// rather than given the internal apology.
fn assigned_meanwhile(error: sqlx::Error, project: &ProjectCard, person: &Person) -> anyhow::Error {
    if db::unique_violation(&error) == Some(assignments::ONE_ACTIVE) {
        UserError::AssignedMeanwhile {
            person: person.display_name.clone(),
            project: project.no,
        }
        .into()
    } else {
        error.into()
    }
}

pub async fn unassign(
    conn: &mut SqliteConnection,
    actor: &Person,
    project: &ProjectCard,
    person: &Person,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Some(role) = assignments::current_role(conn, project.id, person.id).await? else {
        return Ok(false);
    };
    assignments::end(conn, project.id, person.id, now).await?;
    let target = format!("项目 {} · {}", project.no, person.display_name);
    audit(
        conn,
        actor,
        "unassign",
        &target,
        Some(json!({ "project": project.no, "person": person.id, "role": role.as_str() })),
        None,
        now,
    )
    .await?;
    Ok(true)
}

/// Replaces a leader's scope; `digest_chat` is a group to send their digest to, or `None` for
/// their own chat. Returns the scope in words.
pub async fn set_leader_scope(
    conn: &mut SqliteConnection,
    actor: &Person,
    plan: &PlanRow,
    leader: &Person,
    spec: &ScopeSpec,
    digest_chat: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    if leader.role != Role::Leader || !leader.active {
        return Err(UserError::Refused(format!(
            "{} 不是分管负责同志。请先用 /invite 领导 邀请其加入。",
            leader.display_name
        ))
        .into());
    }
    let mut category_ids = Vec::new();
    for numeral in &spec.categories {
        let id = plan::category_id_by_numeral(conn, plan.id, numeral)
            .await?
            .ok_or_else(|| UserError::Usage(format!("本年度计划没有第{numeral}类。")))?;
        category_ids.push(id);
    }
    let mut project_ids = Vec::new();
    for no in &spec.projects {
        project_ids.push(resolve_project(conn, plan, &no.to_string()).await?.id);
    }
    let before = scopes::describe(conn, leader.id).await?;
    let before_chat = leader.digest_chat_id;
    scopes::clear(conn, leader.id).await?;
    for id in category_ids {
        scopes::add_category(conn, leader.id, id).await?;
    }
    for id in project_ids {
        scopes::add_project(conn, leader.id, id).await?;
    }
    people::set_digest_chat(conn, leader.id, digest_chat).await?;
    let after = scopes::describe(conn, leader.id).await?;
    audit(
        conn,
        actor,
        "leader_scope",
        &leader.display_name,
        Some(json!({ "scope": before, "digest_chat": before_chat })),
        Some(json!({ "scope": after, "digest_chat": digest_chat })),
        now,
    )
    .await?;
    Ok(after)
}

/// What a deactivation ended: assignments, and invite links nobody had used.
pub struct Deactivated {
    pub assignments: u64,
    pub invites: u64,
}

/// Deactivates a person, ends their assignments and revokes their unused invite links.
pub async fn deactivate(
    conn: &mut SqliteConnection,
    actor: &Person,
    person: &Person,
    now: DateTime<Utc>,
) -> anyhow::Result<Deactivated> {
    if person.id == actor.id {
        return Err(UserError::Refused("不能停用自己的账号。".to_owned()).into());
    }
    if !people::deactivate(conn, person.id).await? {
        return Err(UserError::Refused(format!("{} 已经停用。", person.display_name)).into());
    }
    let ended = assignments::end_all_of_person(conn, person.id, now).await?;
    // Links they made and kept would otherwise outlive their rights, and could bring them back.
    let revoked = invites::revoke_unused_of(conn, person.id, now).await?;
    // Pages they have open would otherwise show data until their session ran out.
    crate::services::web_access::end_all_of(conn, person.id).await?;
    audit(
        conn,
        actor,
        "deactivate",
        &label(person),
        Some(json!({ "active": true, "role": person.role.as_str(), "unit": person.unit_name })),
        Some(json!({ "active": false, "assignments_ended": ended, "invites_revoked": revoked })),
        now,
    )
    .await?;
    Ok(Deactivated {
        assignments: ended,
        invites: revoked,
    })
}

/// Lets a deactivated person in again, with the role and unit they had; their projects are
/// assigned anew by hand.
pub async fn reactivate(
    conn: &mut SqliteConnection,
    actor: &Person,
    person: &Person,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if person.active {
        return Err(UserError::AlreadyActive(person.display_name.clone()).into());
    }
    people::reactivate(conn, person.id, person.role, person.unit_id).await?;
    audit(
        conn,
        actor,
        "reactivate",
        &label(person),
        Some(json!({ "active": false })),
        Some(json!({ "active": true, "role": person.role.as_str(), "unit": person.unit_name })),
        now,
    )
    .await?;
    Ok(())
}

// The tests live beside, to keep this file under 500 lines.
#[cfg(test)]
mod tests;
