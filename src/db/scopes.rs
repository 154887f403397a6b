//! A leader's scope: whole categories and single projects.

use sqlx::SqliteConnection;

pub async fn clear(conn: &mut SqliteConnection, person_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM leader_scopes WHERE person_id = ?")
        .bind(person_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn add_category(
    conn: &mut SqliteConnection,
    person_id: i64,
    category_id: i64,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO leader_scopes (person_id, category_id) VALUES (?, ?)")
        .bind(person_id)
        .bind(category_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn add_project(
    conn: &mut SqliteConnection,
    person_id: i64,
    project_id: i64,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO leader_scopes (person_id, project_id) VALUES (?, ?)")
        .bind(person_id)
        .bind(project_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The projects a leader oversees, by number: their categories' and their single projects.
pub async fn project_ids(conn: &mut SqliteConnection, person_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT p.id FROM projects p
         WHERE p.id IN (SELECT project_id FROM leader_scopes WHERE person_id = ? AND project_id IS NOT NULL)
            OR p.category_id IN (SELECT category_id FROM leader_scopes WHERE person_id = ? AND category_id IS NOT NULL)
         ORDER BY p.no",
    )
    .bind(person_id)
    .bind(person_id)
    .fetch_all(conn)
    .await
}

/// The scope in words: "一、三类；项目 12".
pub async fn describe(conn: &mut SqliteConnection, person_id: i64) -> sqlx::Result<String> {
    sqlx::query_scalar(
        "SELECT ifnull((SELECT group_concat(numeral, '、') || '类' FROM
                  (SELECT c.numeral FROM leader_scopes s JOIN categories c ON c.id = s.category_id
                   WHERE s.person_id = ?1 ORDER BY c.position)), '')
             || CASE WHEN EXISTS (SELECT 1 FROM leader_scopes WHERE person_id = ?1 AND category_id IS NOT NULL)
                      AND EXISTS (SELECT 1 FROM leader_scopes WHERE person_id = ?1 AND project_id IS NOT NULL)
                     THEN '；' ELSE '' END
             || ifnull((SELECT '项目 ' || group_concat(no, '、') FROM
                  (SELECT p.no FROM leader_scopes s JOIN projects p ON p.id = s.project_id
                   WHERE s.person_id = ?1 ORDER BY p.no)), '')",
    )
    .bind(person_id)
    .fetch_one(conn)
    .await
}
