//! The server's own metrics beside the per-route HTTP families: the process (CPU, memory,
//! open files), the database pool (size, connections, idle, requests waiting, checkout time)
//! and the build.

use prometheus::{Histogram, HistogramOpts, IntGauge, IntGaugeVec, Opts, Registry};

/// The pool's figures, updated as connections are checked out and read at each scrape.
#[derive(Clone)]
pub struct PoolMetrics {
    checkout: Histogram,
    waiting: IntGauge,
    connections: IntGauge,
    idle: IntGauge,
    max: IntGauge,
}

impl std::fmt::Debug for PoolMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolMetrics").finish_non_exhaustive()
    }
}

impl PoolMetrics {
    /// Registers the pool, process and build metrics in `registry`.
    pub fn register(registry: &Registry) -> anyhow::Result<Self> {
        let gauge = |name: &str, help: &str| -> anyhow::Result<IntGauge> {
            let gauge = IntGauge::new(name, help)?;
            registry.register(Box::new(gauge.clone()))?;
            Ok(gauge)
        };
        let checkout = Histogram::with_opts(
            HistogramOpts::new(
                "earlyhelp_db_checkout_seconds",
                "Time a request waited for a database connection from the pool.",
            )
            .buckets(vec![
                0.000_1, 0.000_5, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 2.5,
            ]),
        )?;
        registry.register(Box::new(checkout.clone()))?;
        let metrics = Self {
            checkout,
            waiting: gauge(
                "earlyhelp_db_pool_waiting",
                "Requests waiting for a database connection now.",
            )?,
            connections: gauge(
                "earlyhelp_db_pool_connections",
                "Database connections the pool holds (in use and idle).",
            )?,
            idle: gauge(
                "earlyhelp_db_pool_idle",
                "Idle database connections in the pool.",
            )?,
            max: gauge(
                "earlyhelp_db_pool_max",
                "The most database connections the pool opens (EARLYHELP_DB_POOL_SIZE).",
            )?,
        };
        let build = IntGaugeVec::new(
            Opts::new(
                "earlyhelp_build_info",
                "The running build: always 1, labelled.",
            ),
            &["version"],
        )?;
        build.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
        registry.register(Box::new(build))?;
        registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
        Ok(metrics)
    }

    /// Runs a checkout, counting it as waiting meanwhile and timing it.
    pub fn checkout<T>(&self, checkout: impl FnOnce() -> T) -> T {
        self.waiting.inc();
        let timer = self.checkout.start_timer();
        let result = checkout();
        timer.observe_duration();
        self.waiting.dec();
        result
    }

    /// Reads the pool's state into the gauges, before a scrape.
    pub fn observe(&self, connections: u32, idle: u32, max: u32) {
        self.connections.set(i64::from(connections));
        self.idle.set(i64::from(idle));
        self.max.set(i64::from(max));
    }
}
