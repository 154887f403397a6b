//! Unit tests of services::people that need a database.

use std::str::FromStr;

use sqlx::Connection;
use sqlx::sqlite::SqliteConnectOptions;

use super::*;

fn at() -> DateTime<Utc> {
    "2024-03-18T01:00:00Z".parse().unwrap()
}

fn card(id: i64, no: i64) -> ProjectCard {
    ProjectCard {
        id,
        no,
        category: "一".to_owned(),
        title: "老旧小区改造".to_owned(),
        summary: String::new(),
        goals: String::new(),
        deadline: "2024-12-31".to_owned(),
    }
}

fn contact(id: i64) -> Person {
    Person {
        id,
        telegram_id: 620001,
        display_name: "王芳".to_owned(),
        username: None,
        role: Role::Contact,
        unit_id: Some(1),
        unit_name: Some("发展软环境保障局".to_owned()),
        active: true,
        reachable: true,
        quiet: false,
        digest_chat_id: None,
    }
}

/// The second of two current assignments of one contact to one project (what a concurrent
/// admin's /assign would write) reaches the admin as a refusal in words, not as an internal
/// error; any other failure stays internal.
#[tokio::test]
async fn a_second_current_assignment_is_refused_in_words() {
    let options = SqliteConnectOptions::from_str("sqlite::memory:")
        .unwrap()
        .foreign_keys(false);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    db::MIGRATOR.run(&mut conn).await.unwrap();
    let (project, person) = (card(7, 3), contact(12));
    assignments::insert(&mut conn, 7, 12, AssignmentRole::Lead, at())
        .await
        .unwrap();
    let error = assignments::insert(&mut conn, 7, 12, AssignmentRole::Co, at())
        .await
        .unwrap_err();
    let shown = assigned_meanwhile(error, &project, &person)
        .downcast::<UserError>()
        .unwrap();
    assert_eq!(
        shown.to_string(),
        "王芳 已被指派报送项目 3，请用 /project 3 查看后再操作。"
    );
    assert_eq!(
        assignments::current_role(&mut conn, 7, 12).await.unwrap(),
        Some(AssignmentRole::Lead)
    );

    assignments::end(&mut conn, 7, 12, at()).await.unwrap();
    assignments::insert(&mut conn, 7, 12, AssignmentRole::Co, at())
        .await
        .unwrap();
    let other = assigned_meanwhile(sqlx::Error::RowNotFound, &project, &person);
    assert!(other.downcast::<UserError>().is_err());
}
