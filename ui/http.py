"""How uvicorn runs the app: connection limits and time-outs, so slow or many clients cannot
hold the server (docs/security.md).

uvicorn closes a kept-alive connection that stays idle (`timeout_keep_alive`) and h11 caps the
size of a request's headers (`h11_max_incomplete_event_size`), but a client that opens a
connection and sends its headers a byte at a time is never timed out: every byte resets the
keep-alive timer. `TimedH11Protocol` gives the headers of each request a deadline. The body
of a request is timed by `ui.bodylimit`.
"""

from __future__ import annotations

import asyncio
import ctypes
import ipaddress
import logging
from collections import Counter
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from inkoopwijzer.settings import Settings

__all__ = ["HEADER_BYTES", "TimedH11Protocol", "limit_malloc_arenas", "uvicorn_config"]

log = logging.getLogger(__name__)

HEADER_BYTES = 16 * 1024  # headers arriving in pieces past this get 400 (h11); at once, 431 (ui.bodylimit)


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's headers (from the first byte
    of a request, or from the connection's opening, until its headers are complete), and at
    most `per_client` open connections from one address (not counting trusted proxies)."""

    header_timeout_s = 10.0
    per_client = 64
    proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    _open: Counter[str] = Counter()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._header_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._address = self._counted_address()
        if self._address is not None:
            self._open[self._address] += 1
            if self._open[self._address] > self.per_client:
                log.info("refusing a connection from %s: %d open already", self._address, self.per_client)
                transport.close()
                return
        self._arm()

    def _counted_address(self) -> str | None:
        host = self.client[0] if self.client else None
        if not host:
            return None
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return host
        return None if any(ip in net for net in self.proxies) else host

    def data_received(self, data: bytes) -> None:
        if self._waiting_for_request() and self._header_timer is None:
            self._arm()
        super().data_received(data)
        if not self._waiting_for_request():
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._address is not None:
            self._open[self._address] -= 1
            if self._open[self._address] <= 0:
                del self._open[self._address]
            self._address = None
        super().connection_lost(exc)

    def _waiting_for_request(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._waiting_for_request() and not self.transport.is_closing():
            log.info("closing a connection from %s: no complete request headers in %.0f s", self.client, self.header_timeout_s)
            try:
                self.conn.send(h11.ConnectionClosed())
            except h11.LocalProtocolError:
                pass
            self.transport.close()


M_ARENA_MAX = -8  # glibc's mallopt parameter number


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Have glibc keep at most `arenas` malloc arenas. By default it gives each new thread
    its own, up to 8 per core, and keeps what each arena once held: with the request thread
    pool and a thread per ingest, the server's memory grew by about 80 MB over its first 30
    ingests before levelling off (bench/bench_attacks.py). False where there is no glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


def uvicorn_config(app: Any, settings: Settings, host: str, port: int) -> Any:
    """The uvicorn `Config` the product runs with."""
    import uvicorn

    protocol = type(
        "TimedH11Protocol",
        (TimedH11Protocol,),
        {
            "header_timeout_s": settings.body_timeout_s,
            "per_client": settings.max_connections_per_client,
            "proxies": tuple(ipaddress.ip_network(p, strict=False) for p in settings.trusted_proxy_list),
            "_open": Counter(),
        },
    )
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        http=protocol,
        # forwarded headers are handled in the app, and only from INKOOPWIJZER_TRUSTED_PROXIES
        proxy_headers=False,
        server_header=False,
        timeout_keep_alive=settings.keepalive_timeout_s,
        limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=HEADER_BYTES,
        timeout_graceful_shutdown=5,
    )
