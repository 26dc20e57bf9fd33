//! `earlyhelp audit`: seal the audit trail now, and verify its hash chain.

use crate::seed::db;
use anyhow::{bail, Context};
use earlyhelp_workflows::sealing::{self, Sealer};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::{Duration, Instant};

/// Seals every committed entry, waiting (up to `patience`) for gaps left by transactions still
/// in flight to settle; for a database no server is sealing, e.g. after a bulk load.
pub fn seal(database_url: &str, patience: Duration) -> anyhow::Result<()> {
    let db = db(database_url);
    let mut sealer = Sealer::new(db.clone());
    let started = Instant::now();
    let mut total = 0;
    loop {
        total += sealer
            .seal_pending()
            .context("cannot seal the audit trail")?;
        let mut conn = db.connection().context("cannot connect to the database")?;
        let left = sealing::unsealed(&mut conn)?;
        if left == 0 {
            println!("sealed {total} audit entries; every committed entry is sealed");
            return Ok(());
        }
        if started.elapsed() >= patience {
            println!("sealed {total} audit entries; {left} wait on transactions still running");
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `earlyhelp sar export`: everything held about one person, as the auditor's export over
/// HTTP gives it, written to `out` (default `subject-access-<id>.zip`); audited as the
/// operator's.
pub fn subject_access_export(
    database_url: &str,
    person: uuid::Uuid,
    out: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let mut conn = crate::seed::connect(database_url)?;
    let context = crate::seed::context();
    let person = earlyhelp_domain::PersonId::from(person);
    let export = earlyhelp_workflows::subject_access::export(&mut conn, &context, None, person)
        .map_err(|error| match error {
            earlyhelp_workflows::Failure::Refused(earlyhelp_workflows::Refusal::NotFound) => {
                anyhow::anyhow!("no person {person}")
            }
            other => anyhow::Error::from(other),
        })?;
    let zip = export.to_zip()?;
    let out = out.unwrap_or_else(|| format!("subject-access-{person}.zip").into());
    std::fs::write(&out, &zip).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "wrote {} ({} bytes): {} documents and {} access-log entries",
        out.display(),
        zip.len(),
        export.documents.len() + 1,
        export.access_log.len()
    );
    Ok(())
}

/// Recomputes the chain; fails naming the first broken link.
pub fn verify(database_url: &str) -> anyhow::Result<()> {
    let mut conn = crate::seed::connect(database_url)?;
    let bar = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} {pos} links checked ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let verification = sealing::verify(&mut conn, |checked| bar.set_position(checked))?;
    bar.finish_and_clear();
    if let Some(broken) = verification.broken {
        bail!(
            "the audit trail is broken at entry #{} ({}): {}; {} links before it verified",
            broken.seq,
            broken.event_id,
            broken.reason,
            verification.checked
        );
    }
    match verification.head {
        Some(head) => println!(
            "the audit trail is intact: {} entries sealed through #{head}; {} newer entries not yet sealed",
            verification.checked, verification.unsealed
        ),
        None => println!(
            "the audit trail has no seals yet; {} entries not yet sealed",
            verification.unsealed
        ),
    }
    Ok(())
}
