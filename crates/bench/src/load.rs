//! The load driver: `concurrency` workers issue operations for a warm-up and then a measured
//! window; latencies go into an HDR histogram (microseconds).
//!
//! Two paces. `Closed`: each worker starts its next operation as soon as the last one ends, which
//! finds the server's capacity (and makes latency = workers / throughput, by Little's law).
//! `Rate(r)`: operations are scheduled at `r` per second, evenly spaced, and taken by whichever
//! worker is free; latency runs from the *scheduled* start, so time spent waiting for a free
//! worker counts (no coordinated omission). That is the latency a server shows at a given load.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

/// What one operation reports.
#[derive(Debug)]
pub enum Step {
    /// Completed as expected.
    Done,
    /// There is no more work (a finite pool of prepared requests ran out): the worker stops.
    Exhausted,
}

/// The result of one closed-loop phase.
#[derive(Debug)]
pub struct LoadResult {
    /// Latencies in microseconds: of the operations completed inside the measured window
    /// (closed loop), or of those scheduled inside it (paced).
    pub hist: Histogram<u64>,
    /// Operations completed successfully inside the measured window.
    pub completed: u64,
    /// Failed operations, warm-up included.
    pub errors: u64,
    /// The first few error messages.
    pub error_samples: Vec<String>,
    /// The measured window (shorter than asked when the work ran out).
    pub window: Duration,
    /// Operations finished in the whole phase, warm-up and failures included.
    pub total_ops: u64,
}

impl LoadResult {
    pub fn per_second(&self) -> f64 {
        if self.window.is_zero() {
            0.0
        } else {
            self.completed as f64 / self.window.as_secs_f64()
        }
    }

    /// A quantile in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.hist.is_empty() {
            0.0
        } else {
            self.hist.value_at_quantile(q) as f64 / 1000.0
        }
    }
}

pub fn histogram() -> Histogram<u64> {
    // 1 µs to 10 min at 3 significant digits.
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds")
}

/// How operations are offered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// Back to back in every worker.
    Closed,
    /// This many per second, scheduled evenly.
    Rate(f64),
}

/// How long a paced phase may run past its window to finish operations scheduled inside it.
const PACED_GRACE: Duration = Duration::from_secs(10);

/// Runs `op(worker)` on `concurrency` workers at `pace`: `warmup`, then `duration` measured.
pub async fn drive<F, Fut>(
    pace: Pace,
    concurrency: usize,
    warmup: Duration,
    duration: Duration,
    op: F,
) -> LoadResult
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<Step>> + Send + 'static,
{
    let op = Arc::new(op);
    let start = Instant::now();
    let measure_from = start + warmup;
    let deadline = measure_from + duration;
    let stop = Arc::new(AtomicBool::new(false));
    // Microseconds after `start` at which the work ran out (0: it did not).
    let exhausted_at = Arc::new(AtomicU64::new(0));
    // Rate: the next scheduled operation, numbered from `start`.
    let tickets = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let samples = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut workers = Vec::with_capacity(concurrency);
    for worker in 0..concurrency {
        let op = Arc::clone(&op);
        let stop = Arc::clone(&stop);
        let exhausted_at = Arc::clone(&exhausted_at);
        let errors = Arc::clone(&errors);
        let samples = Arc::clone(&samples);
        let tickets = Arc::clone(&tickets);
        workers.push(tokio::spawn(async move {
            let mut hist = histogram();
            let mut completed = 0u64;
            let mut total = 0u64;
            // A paced worker stops on its own (below) once the schedule passes the window.
            while !stop.load(Ordering::Relaxed) && (pace != Pace::Closed || Instant::now() < deadline) {
                let t0 = match pace {
                    Pace::Closed => Instant::now(),
                    Pace::Rate(per_second) => {
                        let n = tickets.fetch_add(1, Ordering::Relaxed);
                        let at = start + Duration::from_secs_f64(n as f64 / per_second);
                        if at >= deadline {
                            break;
                        }
                        if Instant::now() > deadline + PACED_GRACE {
                            break; // hopelessly behind: what is left is not completed
                        }
                        tokio::time::sleep_until(at.into()).await;
                        at
                    }
                };
                let result = op(worker).await;
                let t1 = Instant::now();
                // Throughput counts what finished inside the window. Latency, paced, is that of
                // everything scheduled inside it (however late it finished, within the grace).
                let in_window = t1 >= measure_from && t1 <= deadline;
                let timed = match pace {
                    Pace::Closed => in_window,
                    Pace::Rate(_) => t0 >= measure_from && t0 < deadline,
                };
                if !matches!(result, Ok(Step::Exhausted)) {
                    total += 1;
                }
                match result {
                    Ok(Step::Done) => {
                        if in_window {
                            completed += 1;
                        }
                        if timed {
                            let micros = u64::try_from((t1 - t0).as_micros()).unwrap_or(u64::MAX);
                            hist.saturating_record(micros.max(1));
                        }
                    }
                    Ok(Step::Exhausted) => {
                        let at = u64::try_from((t1 - start).as_micros()).unwrap_or(u64::MAX);
                        let _ =
                            exhausted_at.compare_exchange(0, at.max(1), Ordering::SeqCst, Ordering::SeqCst);
                        stop.store(true, Ordering::Relaxed);
                    }
                    Err(e) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        let mut s = samples.lock().expect("not poisoned");
                        if s.len() < 5 {
                            s.push(format!("{e:#}"));
                        }
                    }
                }
            }
            (hist, completed, total)
        }));
    }
    let mut hist = histogram();
    let mut completed = 0;
    let mut total_ops = 0;
    for w in workers {
        if let Ok((h, c, t)) = w.await {
            hist.add(h).expect("same bounds");
            completed += c;
            total_ops += t;
        }
    }
    let end = match exhausted_at.load(Ordering::SeqCst) {
        0 => deadline,
        at => (start + Duration::from_micros(at)).min(deadline),
    };
    let error_samples = samples.lock().expect("not poisoned").clone();
    LoadResult {
        hist,
        completed,
        errors: errors.load(Ordering::Relaxed),
        error_samples,
        window: end.saturating_duration_since(measure_from),
        total_ops,
    }
}
