//! Shared application state and the bridge from async handlers to blocking diesel.

use crate::error::ApiError;
use crate::settings::Settings;
use crate::tokens::TokenService;
use earlyhelp_domain::calendar::WorkingCalendar;
use earlyhelp_persistence::{Db, PgConnection};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

pub struct AppState {
    pub db: Db,
    pub tokens: TokenService,
    pub login_limiter: DefaultKeyedRateLimiter<IpAddr>,
    /// A real argon2id hash of a random password, verified when the email is unknown so an
    /// unknown email costs the same time as a known one.
    pub dummy_password_hash: String,
    /// Working days for review deadlines: weekends, bank holidays and configured closures off.
    pub calendar: WorkingCalendar,
    pub review_working_days: u32,
    /// Weeks from forming a Team Around the Family to its first review.
    pub taf_review: earlyhelp_workflows::tafs::ReviewCadence,
    /// How long access outside one's scope lasts.
    pub access_window: earlyhelp_workflows::access_requests::AccessWindow,
    /// The pool's metrics: checkouts timed and counted as they happen.
    pub pool_metrics: crate::telemetry::PoolMetrics,
}

pub type State = actix_web::web::Data<AppState>;

impl AppState {
    pub fn new(
        settings: &Settings,
        pool_metrics: crate::telemetry::PoolMetrics,
    ) -> anyhow::Result<Arc<Self>> {
        let limit = settings.login_rate_limit;
        let per_second = NonZeroU32::new(limit.per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(limit.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let random_password = uuid::Uuid::now_v7().to_string();
        Ok(Arc::new(Self {
            db: Db::new(&settings.database_url, &settings.pool),
            tokens: TokenService::new(&settings.tokens),
            login_limiter: RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst)),
            dummy_password_hash: earlyhelp_workflows::passwords::hash(&random_password)?,
            calendar: WorkingCalendar::england_and_wales(2000..=2100)
                .with_holidays(settings.review.extra_holidays.iter().copied()),
            review_working_days: settings.review.working_days,
            taf_review: earlyhelp_workflows::tafs::ReviewCadence {
                weeks: settings.review.taf_review_weeks,
            },
            access_window: settings.access_window,
            pool_metrics,
        }))
    }

    /// Runs `work` with a pooled connection on the blocking thread pool, so neither waiting
    /// for a connection nor the query ever stalls an async worker.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.db.clone();
        let metrics = self.pool_metrics.clone();
        actix_web::web::block(move || {
            let mut conn = metrics.checkout(|| db.connection())?;
            work(&mut conn)
        })
        .await?
    }
}
