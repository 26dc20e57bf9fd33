//! `earlyhelp seed-synthetic`: a bench database's worth of synthetic families, loaded in
//! batches behind a progress bar, resumable, the same for the same seed and date.

use super::snf::{self, Concern, Story, Version};
use anyhow::{anyhow, Context};
use chrono::{DateTime, Days, NaiveDate, Utc};
use earlyhelp_persistence::synthetic::{self, DirectorySize, FormContents, Plan};
use earlyhelp_persistence::DbConnection;
use earlyhelp_workflows::passwords;
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// What `seed-synthetic` was asked for.
pub struct Request {
    pub families: u64,
    pub seed: u64,
    pub years: u32,
    /// The day the data is as of (midday UTC); the same day and seed give the same data.
    pub as_of: NaiveDate,
    pub batch: u64,
    /// Loaders running batches side by side, each on its own connection.
    pub jobs: usize,
}

/// Loads families until `families` exist, starting after any already loaded.
pub fn seed_synthetic(database_url: &str, request: &Request) -> anyhow::Result<()> {
    let mut conn = super::connect(database_url)?;
    let (password, generated) = match std::env::var("EARLYHELP_SYNTHETIC_PASSWORD") {
        Ok(password) if password.chars().count() >= 12 => (password, false),
        Ok(password) if !password.is_empty() => {
            return Err(anyhow!(
                "EARLYHELP_SYNTHETIC_PASSWORD needs at least 12 characters"
            ));
        }
        _ => (super::generated_password(), true),
    };
    let plan = Plan {
        seed: request.seed,
        as_of: as_of(request.as_of)?,
        years: request.years,
    };
    let size = DirectorySize::for_families(request.families);
    let hash = passwords::hash(&password)?;
    let contents = contents(request.as_of);
    synthetic::prepare(&mut conn, &plan, size, &hash, &contents)
        .context("preparing the synthetic directory")?;
    let start = synthetic::loaded(&mut conn, request.families)?;
    if start >= request.families {
        println!("{start} synthetic families are already loaded; nothing to do.");
        return Ok(());
    }
    let bar = ProgressBar::new(request.families);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {bar:40} {pos}/{len} families ({per_sec}, {eta} left)",
        )
        .map_err(|e| anyhow!("{e}"))?,
    );
    let began = Instant::now();
    // Batches are handed out in order; each loader loads what of its batch is missing.
    let next = AtomicU64::new(0);
    let load = |mut conn: DbConnection| -> anyhow::Result<()> {
        loop {
            let from = next.fetch_add(request.batch, Ordering::Relaxed);
            if from >= request.families {
                return Ok(());
            }
            let to = (from + request.batch).min(request.families);
            synthetic::load_batch(&mut conn, &plan, from, to)
                .with_context(|| format!("loading families {from} to {to}"))?;
            bar.inc(to - from);
        }
    };
    let mut loaders = vec![conn];
    for _ in 1..request.jobs {
        let mut other = super::connect(database_url)?;
        synthetic::join(&mut other, &plan, &hash, &contents)?;
        loaders.push(other);
    }
    std::thread::scope(|scope| {
        let running: Vec<_> = loaders
            .into_iter()
            .map(|conn| scope.spawn(|| load(conn)))
            .collect();
        running
            .into_iter()
            .try_for_each(|loader| loader.join().map_err(|_| anyhow!("a loader panicked"))?)
    })?;
    bar.finish();
    let mut conn = super::connect(database_url)?;
    synthetic::analyze(&mut conn)?;
    let loaded = request.families - start;
    let seconds = began.elapsed().as_secs_f64();
    println!(
        "Loaded {loaded} synthetic families (one episode each) in {seconds:.1} s: {:.0} a second.",
        loaded as f64 / seconds.max(0.001)
    );
    println!(
        "Directory: {} partner organisations and {} LCSS workers per locality, {} social workers; \
         sign in as manager@synthetic.earlyhelp.test, lead-1-1-1@synthetic.earlyhelp.test, \
         lcss-1-1@synthetic.earlyhelp.test ...",
        size.organisations_per_locality, size.lcss_per_locality, size.social_workers
    );
    if generated {
        println!(
            "Password of every synthetic account (shown once; set EARLYHELP_SYNTHETIC_PASSWORD \
             to choose it): {password}"
        );
    }
    Ok(())
}

fn as_of(day: NaiveDate) -> anyhow::Result<DateTime<Utc>> {
    let noon = day
        .and_hms_opt(12, 0, 0)
        .ok_or_else(|| anyhow!("--as-of {day}: no such moment"))?;
    Ok(noon.and_utc())
}

/// The three versions of one synthetic family's form, dated from `as_of`.
fn contents(as_of: NaiveDate) -> FormContents {
    let day = |days: u64| {
        as_of
            .checked_add_days(Days::new(days))
            .unwrap_or(as_of)
            .to_string()
    };
    let story = Story {
        concern: Concern::SchoolAttendance,
        children: vec!["Alex"],
        parents: vec!["Sam"],
        town: "Synthetic Town",
        started_on: as_of.to_string(),
        soon: day(14),
        later: day(42),
        outcomes_by: day(90),
    };
    FormContents {
        draft: snf::content(&story, Version::Draft),
        first_attempt: snf::content(&story, Version::FirstAttempt),
        final_version: snf::content(&story, Version::Final),
    }
}
