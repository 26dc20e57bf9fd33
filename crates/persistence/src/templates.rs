//! Published form templates: immutable versions, numbered per template name.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::form_templates;
use crate::Result;
use chrono::{DateTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::{TemplateId, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = form_templates)]
pub struct FormTemplate {
    pub id: TemplateId,
    pub name: String,
    pub version: i32,
    pub definition: serde_json::Value,
    pub published_by: Option<UserId>,
    pub published_at: DateTime<Utc>,
}

/// Publishes the next version of `name`. Versions are taken under a table lock so two admins
/// publishing at once get consecutive numbers rather than a conflict.
pub fn publish(
    conn: &mut PgConnection,
    name: &str,
    definition: &serde_json::Value,
    by: Option<UserId>,
) -> Result<FormTemplate> {
    // Its own transaction (a savepoint inside a caller's), because the lock needs one.
    conn.transaction(|conn| publish_locked(conn, name, definition, by))
}

fn publish_locked(
    conn: &mut PgConnection,
    name: &str,
    definition: &serde_json::Value,
    by: Option<UserId>,
) -> Result<FormTemplate> {
    diesel::sql_query("LOCK TABLE form_templates IN SHARE ROW EXCLUSIVE MODE").execute(conn)?;
    let latest: Option<i32> = form_templates::table
        .filter(form_templates::name.eq(name))
        .select(diesel::dsl::max(form_templates::version))
        .first(conn)?;
    Ok(diesel::insert_into(form_templates::table)
        .values((
            form_templates::id.eq(TemplateId::generate()),
            form_templates::name.eq(name),
            form_templates::version.eq(latest.unwrap_or(0) + 1),
            form_templates::definition.eq(definition),
            form_templates::published_by.eq(by),
        ))
        .returning(FormTemplate::as_returning())
        .get_result(conn)?)
}

pub fn latest(conn: &mut PgConnection, name: &str) -> Result<Option<FormTemplate>> {
    Ok(form_templates::table
        .filter(form_templates::name.eq(name))
        .order(form_templates::version.desc())
        .select(FormTemplate::as_select())
        .first(conn)
        .optional()?)
}

pub fn find(conn: &mut PgConnection, id: TemplateId) -> Result<FormTemplate> {
    Ok(form_templates::table
        .find(id)
        .select(FormTemplate::as_select())
        .first(conn)?)
}

/// Every published version, newest first.
pub fn list(conn: &mut PgConnection, page: &PageRequest) -> Result<Page<FormTemplate>> {
    let mut query = form_templates::table
        .select(FormTemplate::as_select())
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(form_templates::id.lt(after.id));
    }
    let rows = query
        .order(form_templates::id.desc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |row| Cursor {
        key: String::new(),
        id: row.id.into(),
    }))
}
