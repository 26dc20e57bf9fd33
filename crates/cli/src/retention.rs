//! `earlyhelp retention` and `earlyhelp legal-hold`: erasing what has passed its retention
//! date, a batch per transaction behind a progress bar, and holding records back from it.

use crate::seed::{connect, context};
use chrono::NaiveDate;
use earlyhelp_domain::retention::{ErasedRecord, RetentionRules};
use earlyhelp_workflows::retention;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;
use uuid::Uuid;

/// What one run is asked to do.
pub struct Run {
    pub rules: RetentionRules,
    pub as_of: NaiveDate,
    pub apply: bool,
    pub batch: i64,
    /// Stop after this many batches (the rest is left for the next run).
    pub max_batches: Option<u64>,
}

pub fn run(database_url: &str, run: &Run) -> anyhow::Result<()> {
    let mut conn = connect(database_url)?;
    let finding = ProgressBar::new_spinner().with_message("finding what is due");
    finding.enable_steady_tick(Duration::from_millis(120));
    let due = retention::due(&mut conn, &run.rules, run.as_of, i64::MAX)?;
    let held = retention::held(&mut conn)?;
    finding.finish_and_clear();
    if !run.apply {
        for record in &due {
            println!(
                "{:<22} {} {:<11} due {}",
                record.record.as_str(),
                record.due.id,
                record.due.reference.as_deref().unwrap_or("-"),
                record.due.due_on
            );
        }
        println!(
            "{} record(s) due for erasure as of {} ({}; {}); {held} under a legal hold. \
             Nothing was changed: run with --apply to erase them.",
            due.len(),
            run.as_of,
            run.rules.family_rule(),
            run.rules.consultation_rule()
        );
        return Ok(());
    }
    let bar = ProgressBar::new(due.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} erased ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let context = context();
    let mut erased = 0;
    let mut batches = 0;
    loop {
        if run.max_batches.is_some_and(|max| batches >= max) {
            break;
        }
        let done = retention::apply_batch(&mut conn, &context, &run.rules, run.as_of, run.batch)?;
        if done == 0 {
            break;
        }
        erased += done;
        batches += 1;
        bar.inc(done);
    }
    bar.finish_and_clear();
    let left = retention::due(&mut conn, &run.rules, run.as_of, i64::MAX)?.len();
    println!(
        "erased {erased} record(s) in {batches} batch(es), each leaving a tombstone; \
         {left} still due; {held} under a legal hold"
    );
    Ok(())
}

/// Places or lifts a legal hold on a family or a consultation.
pub fn hold(
    database_url: &str,
    record: ErasedRecord,
    id: Uuid,
    reason: Option<&str>,
) -> anyhow::Result<()> {
    let mut conn = connect(database_url)?;
    retention::set_hold(&mut conn, &context(), record, id, reason).map_err(
        |error| match error {
            earlyhelp_workflows::Failure::Refused(earlyhelp_workflows::Refusal::NotFound) => {
                anyhow::anyhow!("no {} {id}", record.as_str())
            }
            other => other.into(),
        },
    )?;
    match reason {
        Some(_) => println!("{} {id} is under a legal hold", record.as_str()),
        None => println!("{} {id} is no longer under a legal hold", record.as_str()),
    }
    Ok(())
}
