"""Where this app's server may connect: the ``[security]`` rules, checked on every connection.

A baseURL typed into a Custom card (or reported by Backend.AI, or set in the
config) makes the *server* open a connection, so on a shared deployment it
must not reach what only the server can: the cloud's metadata service above all.

The rules (``EgressPolicy``):

- ``allowed_hosts`` empty: any host, except the refused addresses below.
- ``allowed_hosts`` set: the host name matches an entry (``api.example.com``, or
  ``*.example.com`` for any name under it), or every address it resolves to lies
  in a listed address or CIDR range (``10.0.0.0/8``).
- Refused, whatever the name: link-local addresses (169.254.0.0/16, fe80::/10)
  and cloud metadata addresses (fd00:ec2::254, 100.100.100.200, 192.0.0.192),
  also when wrapped in IPv6 (``::ffff:169.254.169.254``, 6to4, NAT64), unless
  an address or range in ``allowed_hosts`` covers the address itself.

Pinning: ``PinnedBackend`` is the network backend of every endpoint client
(``clients.make_client``). For each connection it resolves the host once,
checks *every* address, and connects to those same addresses: there is no
second lookup that a rebinding DNS could answer differently. TLS still checks
the certificate against the host name. Redirects are not followed (the client
is built with ``follow_redirects=False``).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpcore2
import httpx2

from playground.errors import HostRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[str]]

LINK_LOCAL = "a link-local address"
METADATA = "a cloud metadata address"
REFUSED: tuple[tuple[IPNetwork, str], ...] = (
    (ipaddress.ip_network("169.254.0.0/16"), LINK_LOCAL),  # 169.254.169.254: AWS, GCP, Azure
    (ipaddress.ip_network("fe80::/10"), LINK_LOCAL),
    (ipaddress.ip_network("fd00:ec2::254/128"), METADATA),  # AWS over IPv6
    (ipaddress.ip_network("100.100.100.200/32"), METADATA),  # Alibaba Cloud
    (ipaddress.ip_network("192.0.0.192/32"), METADATA),  # Oracle Cloud (classic)
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_-]{1,63})*$")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (one ``getaddrinfo`` call), in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _ascii_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _as_ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _forms(ip: IPAddress) -> list[IPAddress]:
    """The address and the IPv4 address it wraps, if any (mapped, 6to4, NAT64)."""
    if isinstance(ip, ipaddress.IPv4Address):
        return [ip]
    inner = ip.ipv4_mapped or ip.sixtofour
    if inner is None and ip in _NAT64:
        inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return [ip, inner] if inner is not None else [ip]


def parse_entry(entry: str) -> str | IPNetwork:
    """One ``allowed_hosts`` entry: a host name, ``*.domain``, or an address / CIDR range.

    Raises ``ValueError`` (without echoing the entry) when it is none of these.
    """
    text = entry.strip()
    try:
        return ipaddress.ip_network(text.strip("[]"), strict=False)
    except ValueError:
        pass
    name = _ascii_host(text)
    bare = name[2:] if name.startswith("*.") else name
    if not _NAME.match(bare) or "*" in bare:
        raise ValueError(
            "must be a host name (api.example.com), a wildcard domain (*.example.com), "
            "or an IP address or CIDR range (10.0.0.0/8)"
        )
    return name


@dataclass(frozen=True)
class EgressPolicy:
    """The ``[security]`` rules for outgoing connections; see the module docstring."""

    names: frozenset[str] = frozenset()  # exact host names
    domains: tuple[str, ...] = ()  # "*.example.com" kept as ".example.com"
    networks: tuple[IPNetwork, ...] = ()
    resolver: Resolver = field(default=system_resolver, compare=False)

    @classmethod
    def from_hosts(cls, entries: Iterable[str], resolver: Resolver | None = None) -> EgressPolicy:
        names: set[str] = set()
        domains: list[str] = []
        networks: list[IPNetwork] = []
        for entry in entries:
            rule = parse_entry(entry)
            if not isinstance(rule, str):
                networks.append(rule)
            elif rule.startswith("*."):
                domains.append(rule[1:])
            else:
                names.add(rule)
        return cls(frozenset(names), tuple(domains), tuple(networks), resolver or system_resolver)

    @property
    def restricted(self) -> bool:
        """Whether ``allowed_hosts`` lists anything (then only what it lists is allowed)."""
        return bool(self.names or self.domains or self.networks)

    def _name_listed(self, host: str) -> bool:
        return host in self.names or any(host.endswith(d) for d in self.domains)

    def _listed(self, ip: IPAddress) -> bool:
        return any(
            form in net
            for form in _forms(ip)
            for net in self.networks
            if form.version == net.version
        )

    def refusal(self, host: str, address: str) -> str | None:
        """Why ``host`` may not be reached at ``address`` (one it resolved to), or None."""
        host = _ascii_host(host)
        ip = _as_ip(address.split("%", 1)[0])
        if ip is None:
            return f"{host} resolved to something that is not an IP address."
        if self._listed(ip):
            return None
        for form in _forms(ip):
            for net, kind in REFUSED:
                if form.version == net.version and form in net:
                    if _as_ip(host) == ip:
                        return f"{host} is {kind}; add it to allowed_hosts to allow it."
                    return (
                        f"{host} resolves to {ip}, {kind}; add {ip} to allowed_hosts to allow it."
                    )
        return self._name_refusal(host)

    def _name_refusal(self, host: str) -> str | None:
        if self.restricted and not self._name_listed(host):
            return (
                f"{host} is not in allowed_hosts, so this playground does not connect to it "
                "(the [security] section of its config lists where it may)."
            )
        return None

    def refusal_without_lookup(self, host: str) -> str | None:
        """What can be said of ``host`` before any DNS lookup (for the card, as it is typed).

        An IP address is judged in full; a listed name is fine until it resolves; an
        unlisted name is refused when no range could let its addresses in.
        """
        ascii_host = _ascii_host(host)
        if _as_ip(ascii_host) is not None:
            return self.refusal(ascii_host, ascii_host)
        return None if self.networks else self._name_refusal(ascii_host)

    def addresses(self, host: str, port: int) -> list[str]:
        """Resolve ``host`` once and check every address; raise ``HostRefused`` if any is refused.

        DNS failures come out as the ``socket.gaierror`` the resolver raised.
        """
        ascii_host = _ascii_host(host)
        literal = _as_ip(ascii_host)
        found = [ascii_host] if literal is not None else list(self.resolver(ascii_host, port))
        if not found:
            raise socket.gaierror(socket.EAI_NONAME, "no address")
        for address in found:
            why = self.refusal(ascii_host, address)
            if why is not None:
                raise HostRefused(why)
        return found


class PinnedBackend(httpcore2.SyncBackend):
    """httpcore's socket backend, connecting only to addresses ``policy`` checked."""

    def __init__(self, policy: EgressPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        try:
            addresses = self.policy.addresses(host, port)
        except OSError as exc:  # DNS: reported like httpcore's own lookup failures
            raise httpcore2.ConnectError(str(exc)) from exc
        last: Exception | None = None
        for address in addresses:  # as socket.create_connection tries each, but only these
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore2.ConnectError, httpcore2.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last


class PinnedTransport(httpx2.HTTPTransport):
    """``httpx2.HTTPTransport`` whose connection pool connects through ``PinnedBackend``."""

    def __init__(self, policy: EgressPolicy, *, max_connections: int = 1000) -> None:
        super().__init__(trust_env=False)
        # The transport's one piece of state is its httpcore pool: ours pins addresses.
        self._pool = httpcore2.ConnectionPool(
            ssl_context=httpx2.create_ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=100,
            keepalive_expiry=5.0,
            network_backend=PinnedBackend(policy),
        )
