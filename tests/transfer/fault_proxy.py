"""A TCP proxy on loopback that breaks a transfer on purpose: cut every connection once a
given number of bytes has gone up, or flip one byte on the way. It counts the bytes sent up,
so a test can say how much a resumed upload sent again. Threads and plain sockets: it must
be able to cut mid-chunk, which an HTTP-level proxy would not do."""
from __future__ import annotations

import socket
import threading


class FaultProxy:
    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.sent_up = 0
        self.sent_down = 0
        self._cut_down_at: int | None = None
        self._cut_at: int | None = None
        self._flip_at: int | None = None
        self._hold_at: int | None = None
        self.holding = threading.Event()     # set while bytes going up are held back
        self._released = threading.Event()
        self.cuts = 0
        self.flips = 0
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self._running = True
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut_after(self, more_bytes: int) -> None:
        """Drop every open connection once `more_bytes` more have gone up (once)."""
        with self._lock:
            self._cut_at = self.sent_up + more_bytes

    def cut_down_after(self, more_bytes: int) -> None:
        """Drop every open connection once `more_bytes` more have come down (once)."""
        with self._lock:
            self._cut_down_at = self.sent_down + more_bytes

    def flip_after(self, more_bytes: int) -> None:
        """Invert one byte `more_bytes` further on in the upward stream (once)."""
        with self._lock:
            self._flip_at = self.sent_up + more_bytes

    def hold_after(self, more_bytes: int) -> None:
        """Stop passing bytes up once `more_bytes` more have gone (once), until `release()`:
        a transfer frozen mid-chunk, so a test can kill a process at a known point."""
        with self._lock:
            self._hold_at = self.sent_up + more_bytes
        self.holding.clear()
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    def _split_at_hold(self, data: bytes) -> tuple[bytes, bytes | None]:
        with self._lock:
            if self._hold_at is None or self._hold_at >= self.sent_up + len(data):
                return data, None
            at = max(0, self._hold_at - self.sent_up)
            self._hold_at = None
            return data[:at], data[at:]

    def close(self) -> None:
        self._running = False
        self._released.set()
        self._listener.close()
        self._drop_all()

    def _drop_all(self) -> None:
        for conn in list(self._conns):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
        self._conns.clear()

    def _accept(self) -> None:
        while self._running:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                client.close()
                continue
            self._conns += [client, server]
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, upward: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if upward:
                    data, held_back = self._split_at_hold(data)
                    if held_back is not None:
                        head, _cut = self._meddle(bytearray(data))
                        dst.sendall(head)
                        self.holding.set()
                        self._released.wait()
                        data = held_back
                    data, cut = self._meddle(bytearray(data))
                else:
                    data, cut = self._count_down(data)
                if cut:
                    if data:
                        dst.sendall(data)
                    self._drop_all()
                    return
                dst.sendall(data)
        except OSError:
            pass
        finally:
            # Closed, not only shut down: a laptop blocked writing a chunk into a connection
            # whose centre died must get a reset at once, as it would from a real network,
            # not wait out its minute of write timeout on a socket nobody reads.
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def _count_down(self, data: bytes) -> tuple[bytes, bool]:
        with self._lock:
            start = self.sent_down
            if self._cut_down_at is not None and self._cut_down_at < start + len(data):
                keep = max(0, self._cut_down_at - start)
                self._cut_down_at = None
                self.cuts += 1
                self.sent_down += keep
                return data[:keep], True
            self.sent_down += len(data)
            return data, False

    def _meddle(self, data: bytearray) -> tuple[bytes, bool]:
        with self._lock:
            start = self.sent_up
            if self._flip_at is not None and start <= self._flip_at < start + len(data):
                data[self._flip_at - start] ^= 0xFF
                self._flip_at = None
                self.flips += 1
            if self._cut_at is not None and self._cut_at < start + len(data):
                keep = max(0, self._cut_at - start)
                self._cut_at = None
                self.cuts += 1
                self.sent_up += keep
                return bytes(data[:keep]), True
            self.sent_up += len(data)
            return bytes(data), False
