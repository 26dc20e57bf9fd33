//! The client's address: the TCP peer, or, when the peer is a proxy the operator trusts
//! (`EARLYHELP_TRUSTED_PROXIES`), the address that proxy says it forwarded for. Sign-in
//! limits, the audit trail and the request log all use it; behind a council's reverse proxy
//! the peer alone would make every member of staff one client.

use std::fmt;
use std::net::IpAddr;

/// One trusted proxy: an address, or a network in CIDR notation (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an IP address or a network in CIDR notation (e.g. 10.0.0.5 or 10.0.0.0/8)")]
pub struct InvalidNetwork(String);

impl Network {
    pub fn parse(text: &str) -> Result<Self, InvalidNetwork> {
        let invalid = || InvalidNetwork(text.to_owned());
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text.trim(), None),
        };
        let address: IpAddr = address.parse().map_err(|_| invalid())?;
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix.parse::<u8>().map_err(|_| invalid())?,
            None => bits,
        };
        if prefix > bits {
            return Err(invalid());
        }
        Ok(Self { address, prefix })
    }

    fn contains(&self, candidate: IpAddr) -> bool {
        let candidate = unmapped(candidate);
        match (self.address, candidate) {
            (IpAddr::V4(network), IpAddr::V4(candidate)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(network) & mask == u32::from(candidate) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(candidate)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(network) & mask == u128::from(candidate) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 peer reached over an IPv6 socket (`::ffff:10.0.0.5`) is that IPv4 address.
fn unmapped(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// The proxies whose `X-Forwarded-For` is believed. Empty (the default): none, the peer is the
/// client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    /// A comma-separated list of addresses and networks; blank is none.
    pub fn parse(list: &str) -> Result<Self, InvalidNetwork> {
        list.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(Network::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(address))
    }

    /// The client behind `peer`: the peer itself unless it is trusted; then, walking
    /// `X-Forwarded-For` from the right (the hop nearest us), the first address that is not
    /// a trusted proxy. A malformed entry stops the walk at the last address known good, so a
    /// client cannot choose its own address by sending the header itself.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let mut client = unmapped(peer);
        if !self.trusts(client) {
            return client;
        }
        let hops = forwarded_for
            .iter()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        for hop in hops.into_iter().rev() {
            let Ok(address) = hop.parse::<IpAddr>() else {
                break;
            };
            client = unmapped(address);
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// The client address of the request being served, as resolved once by the request
/// middleware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl fmt::Display for ClientAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_it_forwards() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("10.0.0.5"), &["203.0.113.9"]),
            ip("10.0.0.5")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_client_is_the_address_it_forwarded_for() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.168.1.1").unwrap();
        assert_eq!(
            proxies.client(ip("10.0.0.5"), &["203.0.113.9"]),
            ip("203.0.113.9")
        );
        // Two trusted hops (a load balancer, then the proxy): the first untrusted from the right.
        assert_eq!(
            proxies.client(
                ip("192.168.1.1"),
                &["198.51.100.1, 203.0.113.9", "10.1.2.3"]
            ),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_client_cannot_pick_its_address_by_sending_the_header_itself() {
        let proxies = TrustedProxies::parse("10.0.0.5").unwrap();
        // The client wrote "1.2.3.4"; the proxy appended the real peer it saw.
        assert_eq!(
            proxies.client(ip("10.0.0.5"), &["1.2.3.4, 203.0.113.9"]),
            ip("203.0.113.9")
        );
        // Garbage from the client stops the walk at the last good hop.
        assert_eq!(
            proxies.client(ip("10.0.0.5"), &["not-an-ip"]),
            ip("10.0.0.5")
        );
    }

    #[test]
    fn ipv4_mapped_ipv6_peers_match_ipv4_networks() {
        let proxies = TrustedProxies::parse("127.0.0.1").unwrap();
        assert_eq!(
            proxies.client(ip("::ffff:127.0.0.1"), &["2001:db8::7"]),
            ip("2001:db8::7")
        );
    }

    #[test]
    fn malformed_networks_are_refused() {
        for bad in ["10.0.0.0/33", "example.org", "10.0.0/8", "::/129"] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            TrustedProxies::parse(" ").unwrap(),
            TrustedProxies::default()
        );
    }
}
