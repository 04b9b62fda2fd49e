"""Keep the server from calling private addresses that a visitor typed.

A visitor-typed address (public mode) must be https, and every address its host resolves to must
be public: no loopback, private, link-local (cloud metadata), carrier-grade NAT, multicast or
reserved range, in IPv4 or IPv6, IPv4 embedded in IPv6 included. The check runs at connection
time inside the SDK's HTTP transport (`GuardedTransport`, given to the SDK as `http_client=`):
the host is resolved once, checked, and the connection goes to exactly that checked address, with
the original name kept for TLS and the Host header, so DNS rebinding cannot slip past it. Replies
are capped in size and time.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import httpx2

MAX_REPLY_BYTES = 8 * 1024 * 1024
MAX_REPLY_SECONDS = 180.0
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(ValueError):
    """An address this server will not call for a visitor; the message says why."""


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_ip(ip: IpAddress | str) -> bool:
    """True only for globally routable unicast addresses."""
    ip = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return is_public_ip(inner)
    blocked = (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified
    )  # fmt: skip
    return ip.is_global and not blocked


def check_visitor_url(url: str) -> str:
    """The address as given, if a visitor may use it; raises BlockedAddress otherwise.
    Literal addresses are checked here; names are checked again when connecting."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "https":
        raise BlockedAddress("On this public deployment, a typed address must start with https://.")
    if parts.username or parts.password:
        raise BlockedAddress("An address with a user name or password in it is not accepted.")
    host = parts.hostname or ""
    if not host:
        raise BlockedAddress("The address has no host name.")
    literal = numeric_host(host)
    if literal is not None and not is_public_ip(literal):
        raise BlockedAddress(f"{host} is a private or local address; this server will not call it.")
    if isinstance(literal, ipaddress.IPv4Address) and str(literal) != host:
        raise BlockedAddress(f"Write the address {host} in its usual form ({literal}).")
    return url.strip()


def numeric_host(host: str) -> IpAddress | None:
    """The address a numeric host stands for, in any form the system resolver accepts:
    `0177.0.0.1` (octal), `0x7f.1`, `2130706433` are all 127.0.0.1. None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if re.fullmatch(r"[0-9a-fA-FxX.]+", host) and re.search(
        r"(^|\.)(0[xX][0-9a-fA-F]*|\d+)$", host
    ):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return ipaddress.IPv4Address(0)  # numeric but no address: refused as unspecified
    return None


Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address the host name resolves to (both families)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise httpx2.ConnectError(f"Could not resolve {host}: {exc}") from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def public_address(
    host: str, port: int, resolver: Resolver = resolve, allow: Callable[[str], bool] | None = None
) -> str:
    """One checked address to connect to; refuses the host if ANY of its addresses is private,
    so a name that mixes a public and a private answer cannot be used to reach the private one."""
    allow = allow or is_public_ip
    addresses = resolver(host, port)
    if not addresses:
        raise BlockedAddress(f"{host} resolves to no address.")
    for address in addresses:
        if not allow(address.split("%", 1)[0]):
            raise BlockedAddress(
                f"{host} resolves to {address}, a private or local address; this server will "
                "not call it for a visitor."
            )
    return addresses[0]


class BlockedConnection(httpx2.ConnectError):
    """Raised inside the SDK's transport; the provider layer turns it back into its reason."""


class _LimitedStream(httpx2.SyncByteStream):
    """Stops a reply that grows past the size cap or outlives the deadline."""

    def __init__(self, inner: httpx2.SyncByteStream, max_bytes: int, deadline: float) -> None:
        self._inner = inner
        self._max_bytes = max_bytes
        self._deadline = deadline

    def __iter__(self) -> Iterator[bytes]:
        received = 0
        for chunk in self._inner:
            received += len(chunk)
            if received > self._max_bytes:
                raise httpx2.ReadError(f"The reply was larger than {self._max_bytes:,} bytes.")
            if time.monotonic() > self._deadline:
                raise httpx2.ReadTimeout("The reply took too long.")
            yield chunk

    def close(self) -> None:
        self._inner.close()


class GuardedTransport(httpx2.BaseTransport):
    """An HTTP transport that connects only to checked public addresses over https.

    `allow`, `resolver` and `require_https` exist so tests can reach a loopback server through
    the same code path; the app always uses the defaults."""

    def __init__(
        self,
        *,
        allow: Callable[[str], bool] | None = None,
        resolver: Resolver = resolve,
        require_https: bool = True,
        max_bytes: int = MAX_REPLY_BYTES,
        max_seconds: float = MAX_REPLY_SECONDS,
    ) -> None:
        self._inner = httpx2.HTTPTransport(trust_env=False)  # no proxy from the environment
        self._allow = allow
        self._resolver = resolver
        self._require_https = require_https
        self._max_bytes = max_bytes
        self._max_seconds = max_seconds

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        url = request.url
        if self._require_https and url.scheme != "https":
            raise BlockedConnection(f"Refused {url.scheme}:// (only https is allowed here).")
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            address = public_address(host, port, self._resolver, self._allow)
        except BlockedAddress as exc:
            raise BlockedConnection(str(exc)) from None
        extensions = dict(request.extensions)
        extensions["sni_hostname"] = host  # TLS still checks the certificate against the name
        pinned = httpx2.Request(
            request.method,
            url.copy_with(host=address),
            headers=request.headers,  # keeps the original Host header
            stream=request.stream,
            extensions=extensions,
        )
        response = self._inner.handle_request(pinned)
        deadline = time.monotonic() + self._max_seconds
        assert isinstance(response.stream, httpx2.SyncByteStream)
        return httpx2.Response(
            response.status_code,
            headers=response.headers,
            stream=_LimitedStream(response.stream, self._max_bytes, deadline),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self._inner.close()


def guarded_client(timeout: float, **transport_options) -> httpx2.Client:
    """An httpx2 client for the SDKs' `http_client=`: no redirects, no environment proxies."""
    return httpx2.Client(
        transport=GuardedTransport(**transport_options),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )
