//! Paces and counts that keep one client from slowing everyone else down or guessing
//! its way in: a rate ([`Pace`]) kept per connection, per participant or per network
//! address ([`PerAddress`]), connections counted per address ([`Connections`]), and
//! the workshops each network has shown it knows ([`Known`]).
//!
//! Addresses are grouped as networks hand them out: an IPv4 address on its own, an
//! IPv6 address by its /64 (one household or one machine gets a whole /64, so counting
//! single IPv6 addresses would count nothing).

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use atelier_shared::WorkshopId;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use dashmap::DashMap;

use crate::hub::Hub;

/// A sustained rate with room for a burst: `burst` at once, then one every `every`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub every: Duration,
}

impl Rate {
    /// `burst` at once, then `per_minute` a minute.
    pub const fn per_minute(per_minute: u32, burst: u32) -> Rate {
        Rate {
            burst,
            every: Duration::from_millis(60_000 / per_minute as u64),
        }
    }

    /// `burst` at once, then `per_hour` an hour.
    pub const fn per_hour(per_hour: u32, burst: u32) -> Rate {
        Rate {
            burst,
            every: Duration::from_millis(3_600_000 / per_hour as u64),
        }
    }

    /// `burst` at once, then `per_second` a second.
    pub const fn per_second(per_second: u32, burst: u32) -> Rate {
        Rate {
            burst,
            every: Duration::from_micros(1_000_000 / per_second as u64),
        }
    }

    /// The sustained rate, for error messages.
    pub fn in_a_minute(self) -> u32 {
        u32::try_from(60_000_000 / self.every.as_micros().max(1)).unwrap_or(u32::MAX)
    }
}

/// The state of one paced thing: when it will have used its allowance up (the
/// "theoretical arrival time" of the generic cell rate algorithm). One `Instant`, so a
/// pace costs 16 bytes per connection.
#[derive(Clone, Copy, Debug)]
pub struct Pace {
    busy_until: Instant,
}

impl Pace {
    pub fn new(now: Instant) -> Pace {
        Pace { busy_until: now }
    }

    /// Whether one more is allowed now; `Err(wait)` says how long until it is.
    pub fn check(&self, rate: Rate, now: Instant) -> Result<(), Duration> {
        let ahead = self.busy_until.saturating_duration_since(now);
        let tolerance = rate.every * rate.burst.saturating_sub(1);
        if ahead > tolerance {
            Err(ahead - tolerance)
        } else {
            Ok(())
        }
    }

    /// Counts one more, if allowed.
    pub fn take(&mut self, rate: Rate, now: Instant) -> Result<(), Duration> {
        self.take_n(rate, now, 1)
    }

    /// Counts `n` more at once (the workshops of one archive, the KiB of a body), if
    /// the allowance has room for all of them; otherwise counts nothing.
    pub fn take_n(&mut self, rate: Rate, now: Instant, n: u32) -> Result<(), Duration> {
        let cost = rate.every.saturating_mul(n);
        let after = self.busy_until.max(now) + cost;
        let tolerance = rate.every * rate.burst;
        let ahead = after.saturating_duration_since(now);
        if ahead > tolerance {
            // Never: more than the whole allowance at once.
            if cost > tolerance {
                return Err(Duration::MAX);
            }
            return Err(ahead - tolerance);
        }
        self.busy_until = after;
        Ok(())
    }

    /// Whether it is back to its full allowance (nothing to remember).
    fn rested(&self, now: Instant) -> bool {
        self.busy_until <= now
    }
}

/// Whole seconds to wait, rounded up, for messages and `Retry-After`.
pub fn seconds(wait: Duration) -> u32 {
    u32::try_from(wait.as_millis().div_ceil(1000))
        .unwrap_or(u32::MAX)
        .max(1)
}

/// An address as rates and counts see it: an IPv4 address, or an IPv6 /64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Network {
    V4(u32),
    V6(u64),
}

impl From<IpAddr> for Network {
    fn from(ip: IpAddr) -> Network {
        match ip {
            IpAddr::V4(v4) => Network::V4(v4.to_bits()),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Network::V4(v4.to_bits()),
                None => Network::V6((v6.to_bits() >> 64) as u64),
            },
        }
    }
}

/// The address a request comes from, as rate limits see it (see
/// [`client_ip`]).
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<Arc<Hub>> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, hub: &Arc<Hub>) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |info| info.0);
        Ok(ClientIp(client_ip(
            peer,
            &parts.headers,
            hub.config.trust_forwarded_for,
        )))
    }
}

/// The client's address: the peer's, or, behind a reverse proxy we were told to trust,
/// the last address that proxy appended to `X-Forwarded-For` (the earlier ones are
/// whatever the client chose to write).
pub fn client_ip(peer: SocketAddr, headers: &HeaderMap, trust_forwarded_for: bool) -> IpAddr {
    if !trust_forwarded_for {
        return peer.ip();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|value| value.to_str().ok())
        .and_then(|list| list.rsplit(',').next())
        .and_then(|last| last.trim().parse().ok())
        .unwrap_or(peer.ip())
}

/// One pace per network, for requests that are cheap to repeat and costly to allow
/// without end (guessing codes, creating workshops). Forgets networks at rest, so its
/// size follows the networks active in the last minutes, not all ever seen.
#[derive(Debug)]
pub struct PerAddress {
    rate: Option<Rate>,
    paces: DashMap<Network, Pace>,
    inserted: AtomicUsize,
}

/// Networks added between two sweeps of the rested ones.
const SWEEP_EVERY: usize = 1024;

impl PerAddress {
    /// `None`: no limit.
    pub fn new(rate: Option<Rate>) -> PerAddress {
        PerAddress {
            rate,
            paces: DashMap::new(),
            inserted: AtomicUsize::new(0),
        }
    }

    /// Whether `ip` may make one more request now, without counting it.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let Some(rate) = self.rate else { return Ok(()) };
        match self.paces.get(&Network::from(ip)) {
            Some(pace) => pace.check(rate, now),
            None => Ok(()),
        }
    }

    /// Counts one request from `ip`, if allowed.
    pub fn take(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        self.take_n(ip, now, 1)
    }

    /// Counts `n` from `ip` at once, if the allowance has room for all of them.
    pub fn take_n(&self, ip: IpAddr, now: Instant, n: u32) -> Result<(), Duration> {
        let Some(rate) = self.rate else { return Ok(()) };
        let outcome = self
            .paces
            .entry(Network::from(ip))
            .or_insert_with(|| {
                self.inserted.fetch_add(1, Ordering::Relaxed);
                Pace::new(now)
            })
            .take_n(rate, now, n);
        if self.inserted.load(Ordering::Relaxed) >= SWEEP_EVERY {
            self.inserted.store(0, Ordering::Relaxed);
            self.paces.retain(|_, pace| !pace.rested(now));
        }
        outcome
    }

    /// Networks remembered right now.
    pub fn len(&self) -> usize {
        self.paces.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paces.is_empty()
    }
}

/// The workshops each network has shown it knows: it opened their code while it
/// still had guesses left, created them, or connected with one of their credentials.
///
/// Once a network has spent its guesses, these workshops' codes still open from it.
/// A venue behind one NAT keeps joining while someone there guesses (or mistypes)
/// away, and the guesser learns nothing: what still opens is what that network had
/// already shown it knew, never a code it has yet to find.
#[derive(Debug, Default)]
pub struct Known {
    seen: DashMap<(Network, WorkshopId), Instant>,
    inserted: AtomicUsize,
}

/// How long a network is taken to know a workshop after it last showed it: longer
/// than any workshop day.
const KNOWN_FOR: Duration = Duration::from_secs(24 * 3600);

impl Known {
    pub fn remember(&self, ip: IpAddr, workshop: WorkshopId, now: Instant) {
        if self.seen.insert((Network::from(ip), workshop), now).is_none()
            && self.inserted.fetch_add(1, Ordering::Relaxed) + 1 >= SWEEP_EVERY
        {
            self.inserted.store(0, Ordering::Relaxed);
            self.seen
                .retain(|_, last| now.saturating_duration_since(*last) < KNOWN_FOR);
        }
    }

    pub fn knows(&self, ip: IpAddr, workshop: WorkshopId, now: Instant) -> bool {
        self.seen
            .get(&(Network::from(ip), workshop))
            .is_some_and(|last| now.saturating_duration_since(*last) < KNOWN_FOR)
    }

    /// Pairs remembered right now.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

/// Every per-address limit of one server.
#[derive(Debug)]
pub struct Guards {
    pub joins: PerAddress,
    pub code_guesses: PerAddress,
    pub creations: PerAddress,
    /// KiB of archives imported.
    pub imports: PerAddress,
    pub connections: Connections,
    /// Workshops whose code still opens from a network that has spent its guesses.
    pub known: Known,
}

impl Guards {
    pub fn new(limits: &crate::config::Limits) -> Guards {
        Guards {
            joins: PerAddress::new(limits.joins),
            code_guesses: PerAddress::new(limits.code_guesses),
            creations: PerAddress::new(limits.creations),
            imports: PerAddress::new(limits.import_kib),
            connections: Connections::new(limits.connections_per_address),
            known: Known::default(),
        }
    }
}

/// Open connections per network, up to a cap.
#[derive(Debug)]
pub struct Connections {
    cap: Option<usize>,
    open: DashMap<Network, usize>,
}

impl Connections {
    pub fn new(cap: Option<usize>) -> Connections {
        Connections {
            cap,
            open: DashMap::new(),
        }
    }

    /// Counts one more connection from `ip`, unless it has `cap` already. Give it back
    /// with [`Connections::close`].
    pub fn open(&self, ip: IpAddr) -> bool {
        let Some(cap) = self.cap else { return true };
        let mut open = self.open.entry(Network::from(ip)).or_insert(0);
        if *open >= cap {
            return false;
        }
        *open += 1;
        true
    }

    pub fn close(&self, ip: IpAddr) {
        if self.cap.is_none() {
            return;
        }
        self.open.remove_if_mut(&Network::from(ip), |_, open| {
            *open = open.saturating_sub(1);
            *open == 0
        });
    }

    /// Networks with a connection open.
    pub fn networks(&self) -> usize {
        self.open.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn a_pace_allows_its_burst_then_one_per_interval() {
        let rate = Rate::per_second(2, 4);
        let start = Instant::now();
        let mut pace = Pace::new(start);
        for _ in 0..4 {
            assert_eq!(pace.take(rate, start), Ok(()));
        }
        let wait = pace.take(rate, start).unwrap_err();
        assert_eq!(wait, SECOND / 2);
        // Refused requests do not count: waiting that long is enough.
        assert_eq!(pace.take(rate, start + wait), Ok(()));
        assert!(pace.take(rate, start + wait).is_err());
        // After a rest, the whole burst is back, and no more.
        let later = start + 10 * SECOND;
        for _ in 0..4 {
            assert_eq!(pace.take(rate, later), Ok(()));
        }
        assert!(pace.take(rate, later).is_err());
    }

    #[test]
    fn a_sustained_rate_gets_through_and_a_faster_one_does_not() {
        let rate = Rate::per_minute(30, 10);
        let start = Instant::now();
        let mut pace = Pace::new(start);
        let mut allowed = 0;
        // One attempt a second for ten minutes.
        for s in 0..600 {
            allowed += u32::from(pace.take(rate, start + s * SECOND).is_ok());
        }
        // 30 a minute for ten minutes, and the burst's 9 beyond the first.
        assert_eq!(allowed, 300 + 9);
        assert_eq!(rate.in_a_minute(), 30);
    }

    #[test]
    fn checking_does_not_count() {
        let rate = Rate::per_minute(2, 1);
        let now = Instant::now();
        let limiter = PerAddress::new(Some(rate));
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        for _ in 0..5 {
            assert_eq!(limiter.check(ip, now), Ok(()));
        }
        assert_eq!(limiter.take(ip, now), Ok(()));
        assert!(limiter.check(ip, now).is_err());
        assert!(limiter.take(ip, now).is_err());
        assert_eq!(seconds(limiter.check(ip, now).unwrap_err()), 30);
    }

    #[test]
    fn addresses_are_paced_by_network() {
        let rate = Rate::per_minute(1, 1);
        let now = Instant::now();
        let limiter = PerAddress::new(Some(rate));
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(limiter.take(ip("2001:db8:1:2::1"), now).is_ok());
        // The same /64: the same household.
        assert!(limiter.take(ip("2001:db8:1:2:ffff::9"), now).is_err());
        assert!(limiter.take(ip("2001:db8:1:3::1"), now).is_ok());
        assert!(limiter.take(ip("192.0.2.1"), now).is_ok());
        assert!(
            limiter.take(ip("::ffff:192.0.2.1"), now).is_err(),
            "IPv4 mapped in IPv6"
        );
        assert!(limiter.take(ip("192.0.2.2"), now).is_ok());
    }

    #[test]
    fn rested_networks_are_forgotten() {
        let rate = Rate::per_second(10, 1);
        let start = Instant::now();
        let limiter = PerAddress::new(Some(rate));
        for n in 0..SWEEP_EVERY as u32 - 1 {
            limiter.take(IpAddr::from(n.to_be_bytes()), start).unwrap();
        }
        assert_eq!(limiter.len(), SWEEP_EVERY - 1);
        let later = start + SECOND;
        limiter.take("198.51.100.1".parse().unwrap(), later).unwrap();
        assert_eq!(limiter.len(), 1, "only the network active now is kept");
    }

    #[test]
    fn several_at_once_count_together_or_not_at_all() {
        let rate = Rate::per_minute(1, 20);
        let now = Instant::now();
        let mut pace = Pace::new(now);
        assert_eq!(pace.take_n(rate, now, 15), Ok(()));
        assert!(pace.take_n(rate, now, 6).is_err(), "5 left, not 6");
        assert_eq!(pace.take_n(rate, now, 5), Ok(()), "a refusal counted nothing");
        assert_eq!(seconds(pace.check(rate, now).unwrap_err()), 60);
        let mut fresh = Pace::new(now);
        assert_eq!(fresh.take_n(rate, now, 21), Err(Duration::MAX), "never");
    }

    #[test]
    fn no_rate_means_no_limit() {
        let limiter = PerAddress::new(None);
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let now = Instant::now();
        for _ in 0..10_000 {
            assert!(limiter.take(ip, now).is_ok());
        }
        assert!(limiter.is_empty());
    }

    #[test]
    fn connections_are_capped_per_network_and_given_back() {
        let connections = Connections::new(Some(2));
        let home: IpAddr = "2001:db8::1".parse().unwrap();
        let phone: IpAddr = "2001:db8::2".parse().unwrap();
        assert!(connections.open(home));
        assert!(connections.open(phone));
        assert!(!connections.open(home), "a third from the same /64");
        assert!(connections.open("192.0.2.1".parse().unwrap()));
        connections.close(phone);
        assert!(connections.open(home));
        connections.close(home);
        connections.close(home);
        connections.close("192.0.2.1".parse().unwrap());
        assert_eq!(connections.networks(), 0, "nothing left behind");
    }

    #[test]
    fn only_a_trusted_proxy_says_who_the_client_is() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().unwrap());
        assert_eq!(client_ip(peer, &headers, false), peer.ip());
        // The client wrote the first; the proxy appended the last.
        assert_eq!(
            client_ip(peer, &headers, true),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        headers.insert("x-forwarded-for", "garbage".parse().unwrap());
        assert_eq!(client_ip(peer, &headers, true), peer.ip());
    }
}
