//! The soak test's numbers: the summary it prints, and the memory check
//! over the sampled queue and table sizes.

use core::time::Duration as WallDuration;
use std::fmt;

use applink::time::Duration;

use super::link::Stats;

/// Queue and table sizes sampled through the run.
pub const METRICS: usize = 7;
/// Their names, in sample order.
pub const METRIC_NAMES: [&str; METRICS] = [
    "controller pending requests",
    "controller subscriptions",
    "dispatcher subscriptions",
    "phone reassembly slots",
    "appliance reassembly slots",
    "link phone->appliance in flight",
    "link appliance->phone in flight",
];

/// Whether a metric is an occupancy driven by the link's randomness
/// (slots waiting for a lost segment, frames in flight) rather than a
/// table the protocol fills up to a limit.
pub const STOCHASTIC: [bool; METRICS] = [false, false, false, true, true, true, true];

/// Per metric: the bound, and the max and mean over the first tenth of
/// the samples, the last tenth and the whole run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Memory {
    pub samples: usize,
    pub bound: [usize; METRICS],
    pub first: [usize; METRICS],
    pub last: [usize; METRICS],
    pub max: [usize; METRICS],
    pub first_mean: [f64; METRICS],
    pub last_mean: [f64; METRICS],
}

/// Checks every sample against `bound`, and that nothing grew from the
/// first tenth of the run to the last. For a table the protocol fills up to
/// a limit, the last tenth's max must not be above the first tenth's. For
/// a random occupancy the max of a window is a tail statistic that moves by
/// one between windows at the same load, while a leak raises every sample:
/// there the mean of the second half must stay within a quarter (plus half
/// an entry) of the first half's. (Tenths are too short for a mean: on the
/// 20-second smoke run a tenth holds a few dozen frames of a bursty link,
/// and its mean doubles by chance on some seeds without any leak.)
pub fn growth_check(samples: &[[usize; METRICS]], bound: &[usize; METRICS]) -> Memory {
    assert!(samples.len() >= 100, "too few samples to judge growth");
    let tenth = samples.len().div_ceil(10);
    let max_of = |part: &[[usize; METRICS]]| {
        let mut m = [0; METRICS];
        for s in part {
            for k in 0..METRICS {
                m[k] = m[k].max(s[k]);
            }
        }
        m
    };
    let mean_of = |part: &[[usize; METRICS]]| {
        let mut m = [0.0; METRICS];
        for s in part {
            for k in 0..METRICS {
                m[k] += s[k] as f64 / part.len() as f64;
            }
        }
        m
    };
    let (head, tail) = (&samples[..tenth], &samples[samples.len() - tenth..]);
    let half = samples.len() / 2;
    let memory = Memory {
        samples: samples.len(),
        bound: *bound,
        first: max_of(head),
        last: max_of(tail),
        max: max_of(samples),
        first_mean: mean_of(&samples[..half]),
        last_mean: mean_of(&samples[half..]),
    };
    for k in 0..METRICS {
        let name = METRIC_NAMES[k];
        assert!(
            memory.max[k] <= bound[k],
            "{name} reached {}, above its bound {}",
            memory.max[k],
            bound[k]
        );
        if STOCHASTIC[k] {
            assert!(
                memory.last_mean[k] <= memory.first_mean[k] * 1.25 + 0.5,
                "{name} grew: mean {:.3} in the second half, {:.3} in the first",
                memory.last_mean[k],
                memory.first_mean[k]
            );
        } else {
            assert!(
                memory.last[k] <= memory.first[k],
                "{name} grew: max {} in the last tenth, {} in the first",
                memory.last[k],
                memory.first[k]
            );
        }
    }
    memory
}

/// What a soak run did.
#[derive(Debug, Default)]
pub struct Summary {
    pub sim_ms: u64,
    pub wall: WallDuration,
    /// Phone -> appliance, appliance -> phone.
    pub links: [Stats; 2],
    pub requests: u64,
    pub invokes: u64,
    pub writes: u64,
    pub reads: u64,
    pub subscription_requests: u64,
    pub executed_once: u64,
    pub timed_out: u64,
    pub lost_reply: u64,
    pub never_ran: u64,
    pub late_replies: u64,
    pub reports: u64,
    pub reports_lost: u64,
    pub orphan_reports: u64,
    pub report_gaps: u64,
    pub max_report_gap: Duration,
    pub events_emitted: u64,
    pub events: u64,
    pub events_lost: u64,
    pub events_missed: u64,
    pub stale_events: u64,
    pub replays: u64,
    pub too_old: u64,
    pub frames_unopened: u64,
    pub reassembly_rejects: u64,
    /// Sent by the phone, by the appliance.
    pub key_updates: (u64, u64),
    /// Followed by the appliance, by the phone.
    pub phase_flips: (u64, u64),
    pub memory: Memory,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [p2a, a2p] = &self.links;
        writeln!(f, "== applink soak summary ==")?;
        writeln!(
            f,
            "simulated time   {:.1} s in {:.1} s of wall-clock time",
            self.sim_ms as f64 / 1000.0,
            self.wall.as_secs_f64()
        )?;
        for (name, l) in [("phone->appliance", p2a), ("appliance->phone", a2p)] {
            writeln!(
                f,
                "frames {name}  sent {}, lost {}, duplicated {}, reordered {} ({} stalled), \
                 segments {} (lost {}), max in flight {}",
                l.frames,
                l.lost,
                l.duplicated,
                l.reordered,
                l.stalled,
                l.segments,
                l.segments_lost,
                l.max_in_flight
            )?;
        }
        writeln!(
            f,
            "requests         {} ({} invokes, {} writes, {} reads, {} subscribe/unsubscribe)",
            self.requests, self.invokes, self.writes, self.reads, self.subscription_requests
        )?;
        writeln!(
            f,
            "outcomes         {} replied and executed exactly once; {} timed out: \
             {} executed once with the reply lost, {} never executed; {} late replies",
            self.executed_once, self.timed_out, self.lost_reply, self.never_ran, self.late_replies
        )?;
        writeln!(
            f,
            "reports          {} received, {} lost on the link, {} for orphaned subscriptions, \
             {} lapses detected, longest silence {} ms",
            self.reports,
            self.reports_lost,
            self.orphan_reports,
            self.report_gaps,
            self.max_report_gap.millis()
        )?;
        writeln!(
            f,
            "events           {} emitted, {} accepted, {} counted missed by the controller, \
             {} lost on the link, {} stale",
            self.events_emitted,
            self.events,
            self.events_missed,
            self.events_lost,
            self.stale_events
        )?;
        writeln!(
            f,
            "session          {} duplicates refused by the replay window, {} refused as too old, \
             {} frames never opened, {} segments refused by reassembly",
            self.replays, self.too_old, self.frames_unopened, self.reassembly_rejects
        )?;
        writeln!(
            f,
            "key updates      phone {} (appliance followed {}), appliance {} (phone followed {})",
            self.key_updates.0, self.phase_flips.0, self.key_updates.1, self.phase_flips.1
        )?;
        let m = &self.memory;
        writeln!(
            f,
            "memory           {} samples; per table: bound | max first tenth / last tenth / run \
             | mean first tenth / last tenth",
            m.samples
        )?;
        for (k, name) in METRIC_NAMES.iter().enumerate() {
            writeln!(
                f,
                "  {:<34} {:>4} | {:>3} / {:>3} / {:>3} | {:>6.3} / {:>6.3}",
                name, m.bound[k], m.first[k], m.last[k], m.max[k], m.first_mean[k], m.last_mean[k]
            )?;
        }
        Ok(())
    }
}
