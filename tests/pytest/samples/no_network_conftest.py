"""conftest.py of an offline client repo (copied into a pytester dir): only loopback connections work.

So anything that would download (chromadb's ONNX model) or reach a real server fails loudly.
"""

from __future__ import annotations

import ipaddress
import socket

_connect = socket.socket.connect
_getaddrinfo = socket.getaddrinfo
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "", None}


def _loopback(address: object) -> bool:
    if not isinstance(address, tuple):
        return True  # a unix socket
    try:
        return ipaddress.ip_address(address[0]).is_loopback
    except ValueError:
        return address[0] in LOCAL_NAMES


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _loopback(address):
        raise ConnectionRefusedError(f"network blocked by the test suite: {address!r}")
    return _connect(self, address)


def _guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
    name = host.decode() if isinstance(host, bytes) else host
    if name not in LOCAL_NAMES:
        try:
            ipaddress.ip_address(name)
        except ValueError:
            raise socket.gaierror(socket.EAI_NONAME, f"network blocked by the test suite: {name}") from None
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.getaddrinfo = _guarded_getaddrinfo  # type: ignore[assignment]
