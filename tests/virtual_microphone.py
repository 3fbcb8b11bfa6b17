"""A microphone for tests: a private PulseAudio server whose default input is a pipe the
tests play sound into. Qt Multimedia records from it exactly as from a laptop's built-in
microphone; nothing in Fieldfolio knows the difference.

Private (its own socket in a temporary folder, selected with PULSE_SERVER), so the tests
never touch a developer's real sound setup. Needs the `pulseaudio` program; without it the
recording tests skip and say why.
"""
from __future__ import annotations

import math
import os
import shutil
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path

RATE = 16000
BLOCK_S = 0.02


class VirtualMicrophone:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="fieldfolio-mic-"))
        self.fifo = self.folder / "mic"
        self.socket = self.folder / "native"
        self.loud = True                       # a 440 Hz tone, else silence
        self._stop = threading.Event()
        self.process: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None

    @property
    def server(self) -> str:
        return f"unix:{self.socket}"

    def start(self) -> "VirtualMicrophone":
        script = self.folder / "mic.pa"
        script.write_text(
            f"load-module module-native-protocol-unix socket={self.socket} auth-anonymous=1\n"
            f"load-module module-null-sink sink_name=speaker\n"
            f"load-module module-pipe-source source_name=test_microphone file={self.fifo} "
            f"format=s16le rate={RATE} channels=1\n"
            f"set-default-source test_microphone\n"
            f"set-default-sink speaker\n")
        env = dict(os.environ, HOME=str(self.folder), XDG_RUNTIME_DIR=str(self.folder),
                   PULSE_RUNTIME_PATH=str(self.folder), XDG_CONFIG_HOME=str(self.folder))
        self.process = subprocess.Popen(
            ["pulseaudio", "-n", "-F", str(script), "--daemonize=no", "--exit-idle-time=-1",
             "--disallow-exit", "--use-pid-file=no", "--log-target=stderr", "--log-level=error"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not (self.socket.exists() and self.fifo.exists()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the test sound server did not start")
            time.sleep(0.05)
        self._thread = threading.Thread(target=self._play, daemon=True, name="virtual-mic")
        self._thread.start()
        return self

    def _play(self) -> None:
        """Real-time paced, as a microphone is: a pipe source takes sound as fast as it comes."""
        n = int(RATE * BLOCK_S)
        tone = b"".join(struct.pack("<h", int(16000 * math.sin(2 * math.pi * 440 * i / RATE)))
                        for i in range(n))
        silence = bytes(2 * n)
        fd = os.open(self.fifo, os.O_WRONLY)
        try:
            next_at = time.monotonic()
            while not self._stop.is_set():
                os.write(fd, tone if self.loud else silence)
                next_at += BLOCK_S
                time.sleep(max(0.0, next_at - time.monotonic()))
        except OSError:
            pass
        finally:
            os.close(fd)

    def stop(self) -> None:
        self._stop.set()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def available() -> bool:
    return os.name == "posix" and shutil.which("pulseaudio") is not None
