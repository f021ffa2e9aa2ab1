"""requirements.lock, what the image installs (`pip install --require-hashes`): every package pinned
to one version with its sha256 hashes, covering every runtime dependency of pyproject.toml (and
the extras they ask for) and the build backend, for the image's Python (3.11, Linux x86_64)."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "requirements.lock"
# The image's platform (deploy/Dockerfile: python:3.11 slim on linux/amd64).
TARGET = {**default_environment(), "python_version": "3.11", "python_full_version": "3.11.11",
          "sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64",
          "os_name": "posix", "implementation_name": "cpython",
          "platform_python_implementation": "CPython"}


@dataclass
class Pin:
    name: str
    version: str
    hashes: list[str]


def _entries(text: str) -> list[str]:
    """Requirement entries: comment lines dropped, continuation lines joined."""
    out: list[str] = []
    current = ""
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        current += " " + line.strip().removesuffix("\\").strip()
        if not line.rstrip().endswith("\\"):
            out.append(current.strip())
            current = ""
    assert not current.strip(), "the last entry ends in a continuation"
    return out


def _pins(text: str) -> dict[str, Pin]:
    pins: dict[str, Pin] = {}
    for entry in _entries(text):
        words = entry.split()
        requirement = Requirement(words[0])
        specs = list(requirement.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"not pinned exactly: {entry}"
        assert requirement.marker is None and not requirement.url, entry
        hashes = [w.removeprefix("--hash=") for w in words[1:] if w.startswith("--hash=")]
        assert len(hashes) == len(words) - 1, f"only --hash options may follow: {entry}"
        name = canonicalize_name(requirement.name)
        assert name not in pins, f"{name} pinned twice"
        pins[name] = Pin(name, specs[0].version, hashes)
    return pins


def _lock() -> dict[str, Pin]:
    return _pins(LOCK.read_text(encoding="utf-8"))


def test_every_locked_package_is_pinned_with_sha256_hashes() -> None:
    pins = _lock()
    assert len(pins) > 30
    for pin in pins.values():
        assert pin.hashes, f"{pin.name} has no hash"
        for h in pin.hashes:
            assert re.fullmatch(r"sha256:[0-9a-f]{64}", h), (pin.name, h)
    # Nothing that would send pip anywhere but the index it is given.
    text = LOCK.read_text(encoding="utf-8")
    for option in ("--index-url", "--extra-index-url", "--find-links", "-e ", "file:", "git+"):
        assert option not in text, option


def test_the_parser_rejects_what_pip_would_reject_under_require_hashes() -> None:
    with pytest.raises(AssertionError, match="not pinned"):
        _pins("rich>=13 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    assert _pins("rich==13.0 \\\n    --hash=sha256:" + "0" * 64 + "\n")["rich"].hashes
    assert not _pins("rich==13.0\n")["rich"].hashes


def _dependencies() -> list[Requirement]:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return [Requirement(r) for r in pyproject["project"]["dependencies"]
            + pyproject["build-system"]["requires"]]


def test_the_lock_covers_every_runtime_dependency_and_the_build_backend() -> None:
    pins = _lock()
    deps = _dependencies()
    assert any(canonicalize_name(d.name) == "hatchling" for d in deps)
    for dep in deps:
        if dep.marker is not None and not dep.marker.evaluate(TARGET):
            continue
        pin = pins.get(canonicalize_name(dep.name))
        assert pin is not None, f"{dep} is not in requirements.lock"
        assert dep.specifier.contains(pin.version, prereleases=True), (str(dep), pin.version)
        # The extras' own requirements (redis[hiredis] -> hiredis), read from the installed
        # package's metadata (its names; the locked version is checked by `pip check` in the
        # image build).
        for extra in dep.extras:
            wanted = [Requirement(r) for r in importlib.metadata.requires(dep.name) or []]
            wanted = [r for r in wanted
                      if r.marker is not None and r.marker.evaluate({**TARGET, "extra": extra})
                      and not r.marker.evaluate({**TARGET, "extra": ""})]
            assert wanted, f"{dep.name}[{extra}] asks for nothing?"
            for r in wanted:
                assert canonicalize_name(r.name) in pins, f"{r.name} (for {dep}) is not locked"


def test_the_lock_is_for_the_images_python() -> None:
    header = LOCK.read_text(encoding="utf-8").split("\n", 3)[:3]
    match = re.search(r"with Python (\d+\.\d+)", " ".join(header))
    assert match, header
    dockerfile = (REPO / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    image = re.search(r"^ARG PYTHON_IMAGE=python:(\d+\.\d+)\.\d+", dockerfile, re.M)
    assert image and image.group(1) == match.group(1) == "3.11"
    assert "sh deploy/lock.sh" in LOCK.read_text(encoding="utf-8")[:400]  # how to rebuild it
    assert (REPO / "deploy" / "lock.sh").is_file()
