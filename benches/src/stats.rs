//! Latency percentiles from every sample (microseconds): exact, and cheap enough at
//! a few million samples.

/// Samples in microseconds, sorted once when read.
#[derive(Debug, Default)]
pub struct Latencies {
    samples: Vec<u32>,
    sorted: bool,
}

impl Latencies {
    pub fn record(&mut self, micros: u64) {
        self.samples.push(u32::try_from(micros).unwrap_or(u32::MAX));
        self.sorted = false;
    }

    pub fn merge(&mut self, other: Latencies) {
        self.samples.extend(other.samples);
        self.sorted = false;
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The latency `q` (0..=1) of the samples are at or below, in milliseconds.
    pub fn quantile_ms(&mut self, q: f64) -> f64 {
        if self.samples.is_empty() {
            return f64::NAN;
        }
        if !self.sorted {
            self.samples.sort_unstable();
            self.sorted = true;
        }
        let rank = ((self.samples.len() as f64 * q).ceil() as usize).clamp(1, self.samples.len());
        f64::from(self.samples[rank - 1]) / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_ranks_of_the_sorted_samples() {
        let mut latencies = Latencies::default();
        for micros in (1..=100).rev() {
            latencies.record(micros * 1000);
        }
        assert_eq!(latencies.quantile_ms(0.5), 50.0);
        assert_eq!(latencies.quantile_ms(0.99), 99.0);
        assert_eq!(latencies.quantile_ms(1.0), 100.0);
        assert_eq!(latencies.quantile_ms(0.0), 1.0);
        let mut more = Latencies::default();
        more.record(1_000_000);
        latencies.merge(more);
        assert_eq!(latencies.quantile_ms(1.0), 1000.0);
        assert_eq!(latencies.len(), 101);
    }
}
