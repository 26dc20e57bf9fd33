//! Subject access: everything held about one person, for the data protection officer to
//! answer a subject access request. A ZIP of JSON documents (every column of every record
//! about the person, and the audit entries of who accessed them) with a readable HTML summary.
//! Every export is audited as an entry about the person. The auditor role asks over HTTP; the
//! operator at the command line (`earlyhelp sar export`) asks as no one.

use crate::step::audited_read;
use crate::{Failure, Refusal, Result};
use chrono::{DateTime, Utc};
use earlyhelp_domain::audit::{AuditAction, EntityType};
use earlyhelp_domain::policy::{self, Actor, Permission};
use earlyhelp_domain::PersonId;
use earlyhelp_persistence::audit::{AuditContext, AuditEvent, StoredAuditEvent};
use earlyhelp_persistence::audit_queries;
use earlyhelp_persistence::pagination::PageRequest;
use earlyhelp_persistence::subject_access;
use earlyhelp_persistence::PgConnection;
use serde_json::Value;
use std::io::Write;

/// Everything held about one person.
#[derive(Debug, Clone)]
pub struct SubjectAccessExport {
    pub person: PersonId,
    pub generated_at: DateTime<Utc>,
    /// `(name, rows)`, in the order of [`subject_access::documents`].
    pub documents: Vec<(&'static str, Value)>,
    /// Who accessed the person's record, newest first.
    pub access_log: Vec<StoredAuditEvent>,
}

/// Gathers the export for the auditor (`actor`) or the operator (`None`); 404 for a person who
/// does not exist.
pub fn export(
    conn: &mut PgConnection,
    audit: &AuditContext,
    actor: Option<&Actor>,
    person: PersonId,
) -> Result<SubjectAccessExport> {
    if let Some(actor) = actor {
        policy::authorize(actor, Permission::ExportSubjectAccess)?;
    }
    if !audit_queries::person_exists(conn, person)? {
        return Err(Refusal::NotFound.into());
    }
    let event = AuditEvent::success(AuditAction::ExportSubjectAccess, EntityType::Person, person);
    audited_read(conn, audit, event, |conn| {
        let mut documents = Vec::new();
        for (name, query) in subject_access::documents() {
            documents.push((name, subject_access::document(conn, &query, person)?));
        }
        let mut access_log = Vec::new();
        let mut page = PageRequest {
            after: None,
            limit: 100,
        };
        loop {
            let found = audit_queries::access_log(conn, person, &page)?;
            access_log.extend(found.items);
            match found.next {
                Some(next) => page.after = Some(next),
                None => break,
            }
        }
        Ok(SubjectAccessExport {
            person,
            generated_at: Utc::now(),
            documents,
            access_log,
        })
    })
}

impl SubjectAccessExport {
    /// The ZIP: `summary.html`, one `<document>.json` per document and `access-log.json`.
    ///
    /// # Errors
    /// Only if writing to memory fails: a defect.
    pub fn to_zip(&self) -> Result<Vec<u8>> {
        let defect = |error: &dyn std::fmt::Display| Failure::Defect(format!("zip: {error}"));
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut add = |name: &str, bytes: &[u8]| -> Result<()> {
            zip.start_file(name, options).map_err(|e| defect(&e))?;
            zip.write_all(bytes).map_err(|e| defect(&e))
        };
        add("summary.html", self.summary_html().as_bytes())?;
        for (name, rows) in &self.documents {
            let json = serde_json::to_vec_pretty(rows).map_err(|e| defect(&e))?;
            add(&format!("{name}.json"), &json)?;
        }
        let log: Vec<Value> = self.access_log.iter().map(entry_json).collect();
        add(
            "access-log.json",
            &serde_json::to_vec_pretty(&log).map_err(|e| defect(&e))?,
        )?;
        let cursor = zip.finish().map_err(|e| defect(&e))?;
        Ok(cursor.into_inner())
    }

    fn rows(&self, name: &str) -> &[Value] {
        self.documents
            .iter()
            .find(|(document, _)| *document == name)
            .and_then(|(_, rows)| rows.as_array())
            .map_or(&[], Vec::as_slice)
    }

    /// A page a person can read: who it is about, what each document holds, and who accessed
    /// the record.
    pub fn summary_html(&self) -> String {
        let person = self.rows("person").first().cloned().unwrap_or(Value::Null);
        let field = |key: &str| person.get(key).and_then(Value::as_str).unwrap_or("");
        let family = self.rows("family").first().cloned().unwrap_or(Value::Null);
        let mut html = String::from(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>Subject access export</title>\
             <style>body{font-family:sans-serif;max-width:60em;margin:2em auto}\
             table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em;\
             text-align:left}</style></head><body>\n",
        );
        html.push_str(
            "<h1>Subject access export</h1>\n<p>Everything the early help record holds about ",
        );
        html.push_str(&escape(&format!(
            "{} {}",
            field("given_name"),
            field("family_name")
        )));
        if !field("date_of_birth").is_empty() {
            html.push_str(&format!(", born {}", escape(field("date_of_birth"))));
        }
        html.push_str(&format!(
            ", as of {}. Family reference: {}. Person id: {}.</p>\n",
            self.generated_at.format("%Y-%m-%d %H:%M UTC"),
            escape(
                family
                    .get("reference")
                    .and_then(Value::as_str)
                    .unwrap_or("-")
            ),
            self.person
        ));
        html.push_str(
            "<p>Records about the family (forms, minutes, chronology) may name other members \
             of the household: review them for third-party information before release.</p>\n\
             <h2>What is held</h2>\n<table><tr><th>Document</th><th>Records</th></tr>\n",
        );
        for (name, rows) in &self.documents {
            let count = rows.as_array().map_or(0, Vec::len);
            html.push_str(&format!(
                "<tr><td>{}.json</td><td>{count}</td></tr>\n",
                escape(name)
            ));
        }
        html.push_str(&format!(
            "<tr><td>access-log.json</td><td>{}</td></tr>\n</table>\n\
             <h2>Who accessed the record</h2>\n<table><tr><th>When</th><th>Who (user id)</th>\
             <th>What</th><th>Record</th><th>Outcome</th></tr>\n",
            self.access_log.len()
        ));
        for entry in &self.access_log {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                entry.occurred_at.format("%Y-%m-%d %H:%M:%S UTC"),
                entry
                    .actor_id
                    .map_or_else(|| "-".to_owned(), |actor| actor.to_string()),
                escape(&entry.action),
                escape(&entry.entity_type),
                escape(entry.outcome.as_str()),
            ));
        }
        html.push_str("</table>\n</body></html>\n");
        html
    }
}

fn entry_json(entry: &StoredAuditEvent) -> Value {
    serde_json::json!({
        "id": entry.id,
        "occurred_at": entry.occurred_at,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "outcome": entry.outcome,
        "detail": entry.detail,
    })
}

/// Text made safe inside HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn html_in_a_record_is_shown_not_run() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }
}
