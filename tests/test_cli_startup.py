"""A fast start: help and usage errors never pay for the graph, the SDKs, matplotlib or the bench.

Checked through sys.modules in a fresh interpreter (not by timing, which depends on the machine).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

# What `--help` must not import: each costs tens to hundreds of milliseconds at start.
HEAVY = ("langgraph", "langchain_core", "openai", "anthropic", "matplotlib", "slack_bolt",
         "slack_sdk", "discord", "redis", "facilitator.engine", "facilitator.evaluation.bench",
         "facilitator.policies", "facilitator.memory")

PROBE = """
import json, sys
from facilitator.cli import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit as exc:
    code = exc.code
else:
    code = None
loaded = sorted(m for m in sys.modules
                if any(m == h or m.startswith(h + ".") for h in json.loads(sys.argv[2])))
print(json.dumps({"code": code, "loaded": loaded}))
"""


def _probe(argv: list[str]) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv), json.dumps(HEAVY)],
                          capture_output=True, text=True, timeout=60, check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("argv", [["--help"], ["bench", "--help"], ["eval", "--help"],
                                  ["run", "--help"], ["simulate", "--help"], ["no-such-command"]])
def test_help_and_usage_errors_import_nothing_heavy(argv: list[str]) -> None:
    result = _probe(argv)
    assert result["code"] == (0 if "--help" in argv else 2)
    assert result["loaded"] == [], f"facilitator {' '.join(argv)} imported {result['loaded']}"


def test_the_probe_sees_heavy_imports_when_a_command_runs() -> None:
    # The probe itself must be able to fail: a command that runs does import the engine.
    result = _probe(["room", "list"])
    assert result["code"] is None
    assert "facilitator.engine" in result["loaded"] or "redis" in result["loaded"]


def test_scenarios_load_with_libyaml_when_present() -> None:
    from facilitator.sim.scenario import YamlLoader

    # PyYAML's wheels ship libyaml; a build without it falls back to the pure-Python parser.
    assert YamlLoader is (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)
