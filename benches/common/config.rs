//! The criterion settings every bench shares.

use core::time::Duration;

use criterion::Criterion;

/// Short warm-up and measurement, 50 samples: enough for stable medians.
pub fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
}
