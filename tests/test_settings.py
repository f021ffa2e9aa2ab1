"""Settings: one table (facilitator.config.Settings), read once, every mistake one line and exit 2,
and the documentation's tables list exactly the variables the program reads."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

from facilitator.config import DISCORD_GUIDE, README, SLACK_GUIDE, Settings, SettingsError
from tests.conftest import FACILITATOR, REPO, cli_env

PREFIXES = ("FACILITATOR_", "SLACK_", "DISCORD_", "OPENAI_", "ANTHROPIC_")


def cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FACILITATOR, *args], capture_output=True, text=True, timeout=60,
                          env=cli_env(tmp_path, **env), cwd=tmp_path, check=False)


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and "pydantic" not in done.stderr
    return lines[0]


@pytest.mark.parametrize(("env", "expected"), [
    ({"FACILITATOR_LLM": "openai:gpt-4o-mini"},
     "error: FACILITATOR_LLM: got 'openai:gpt-4o-mini', wants OPENAI_API_KEY set too"),
    ({"FACILITATOR_LLM": "anthropic:claude-haiku-4-5"},
     "error: FACILITATOR_LLM: got 'anthropic:claude-haiku-4-5', wants ANTHROPIC_API_KEY set too"),
    ({"FACILITATOR_HTTP_PORT": "abc"},
     "error: FACILITATOR_HTTP_PORT: got 'abc', wants a port number from 0 to 65535"),
    ({"FACILITATOR_RETENTION_DAYS": "-1"},
     "error: FACILITATOR_RETENTION_DAYS: got '-1', wants a number of days above 0"),
    ({"FACILITATOR_INTAKE": "kafka"}, "error: FACILITATOR_INTAKE: got 'kafka', wants direct or streams"),
    ({"FACILITATOR_ATTACK_READ": "regex"},
     "error: FACILITATOR_ATTACK_READ: got 'regex', wants hostility or fitted"),
    ({"DISCORD_GUILDS": "general"},
     "error: DISCORD_GUILDS: got 'general', wants comma-separated numeric ids"),
    # The LLM path's own settings (issue 23): one line each, not a traceback at first use.
    ({"FACILITATOR_LLM_REDACT": "maybe"},
     "error: FACILITATOR_LLM_REDACT: got 'maybe', wants on or off"),
    ({"FACILITATOR_LLM_CASSETTE": "c.jsonl", "FACILITATOR_LLM_CASSETTE_MODE": "bogus"},
     "error: FACILITATOR_LLM_CASSETTE_MODE: got 'bogus', wants record or replay"),
    ({"FACILITATOR_LLM_CASSETTE": "c.jsonl"},
     "error: FACILITATOR_LLM_CASSETTE: got 'c.jsonl', wants FACILITATOR_LLM_CASSETTE_MODE set"),
    ({"FACILITATOR_LLM_CASSETTE_MODE": "replay"},
     "error: FACILITATOR_LLM_CASSETTE_MODE: got 'replay', wants FACILITATOR_LLM_CASSETTE=FILE"),
    ({"FACILITATOR_LLM_JUDGE": "gemini"},
     "error: FACILITATOR_LLM_JUDGE: got 'gemini', wants openai:MODEL or anthropic:MODEL"),
    ({"FACILITATOR_LLM": "openai:m", "OPENAI_API_KEY": "sk-x",
      "FACILITATOR_LLM_JUDGE": "anthropic:claude-haiku-4-5"},
     "error: FACILITATOR_LLM_JUDGE: got 'anthropic:claude-haiku-4-5', wants ANTHROPIC_API_KEY"),
])
def test_a_configuration_mistake_is_one_line_naming_the_variable_and_exit_2(
        tmp_path: Path, env: dict[str, str], expected: str) -> None:
    # Any command: the settings are read before it runs.
    line = one_line(cli(tmp_path, "replay", str(tmp_path / "none.jsonl"), "--json", **env))
    assert line.startswith(expected), line


def test_several_mistakes_are_one_line_each_and_secrets_are_not_repeated(tmp_path: Path) -> None:
    done = cli(tmp_path, "room", "list", FACILITATOR_PAGE_SECRET="hunter2",
               FACILITATOR_REDIS_URL="http://:pw-of-redis@host", FACILITATOR_LLM="gemini:pro")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert sorted(line.split(":")[1].strip() for line in lines) == [
        "FACILITATOR_LLM", "FACILITATOR_PAGE_SECRET", "FACILITATOR_REDIS_URL"]
    assert "hunter2" not in done.stderr and "pw-of-redis" not in done.stderr


def test_a_llm_with_a_local_server_needs_no_key() -> None:
    settings = Settings.from_env({"FACILITATOR_LLM": "openai:smollm2",
                                  "OPENAI_BASE_URL": "http://127.0.0.1:8008/v1/"})
    assert settings.llm == "openai:smollm2"
    assert settings.llm_env()["OPENAI_BASE_URL"] == "http://127.0.0.1:8008/v1"


def test_a_replayed_cassette_needs_no_key_and_redact_reads_like_a_switch() -> None:
    """README: replay answers from the file "with no model, key or network"."""
    settings = Settings.from_env({"FACILITATOR_LLM": "openai:smollm2",
                                  "FACILITATOR_LLM_CASSETTE": "tests/cassettes/smollm2.jsonl",
                                  "FACILITATOR_LLM_CASSETTE_MODE": "Replay",
                                  "FACILITATOR_LLM_REDACT": "0"})
    assert settings.llm_replayed and settings.llm_cassette_mode == "replay"
    assert settings.llm_env()["FACILITATOR_LLM_REDACT"] == "off"
    with pytest.raises(SettingsError, match="OPENAI_API_KEY"):  # recording asks a model
        Settings.from_env({"FACILITATOR_LLM": "openai:smollm2",
                           "FACILITATOR_LLM_CASSETTE": "c.jsonl",
                           "FACILITATOR_LLM_CASSETTE_MODE": "record"})


def test_values_are_read_and_typed_once() -> None:
    settings = Settings.from_env({"FACILITATOR_HTTP_PORT": " 9000 ", "FACILITATOR_INTAKE": "Streams",
                                  "DISCORD_GUILDS": "1, 2", "FACILITATOR_SLACK_IGNORE_BOTS": "0",
                                  "OPENAI_API_KEY": "sk-x", "FACILITATOR_RETENTION_DAYS": "",
                                  "XDG_DATA_HOME": "/srv/data"})
    assert settings.http_port == 9000 and settings.intake == "streams"
    assert settings.discord_guilds == {1, 2} and not settings.slack_ignore_bots
    assert settings.llm == "openai:gpt-4o-mini"  # a key alone picks its provider
    assert settings.retention_days == 30  # empty counts as unset
    assert settings.data_dir == Path("/srv/data/facilitator")
    assert "sk-x" not in repr(settings)
    assert settings.attack_read == "hostility"  # the default: the fitted read harmed, judged blind
    assert Settings.from_env({"FACILITATOR_ATTACK_READ": "Fitted"}).attack_read == "fitted"


def test_building_settings_by_keyword_reads_no_environment(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    monkeypatch.setenv("FACILITATOR_HTTP_PORT", "1234")
    assert Settings(data_dir=tmp_path).http_port == 8080


def test_infinite_and_unset_numbers_are_refused() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"FACILITATOR_LLM_TIMEOUT": "inf", "FACILITATOR_DIGEST_HOUR_UTC": "24"})
    assert [line.split(":")[0] for line in caught.value.lines] == [
        "FACILITATOR_LLM_TIMEOUT", "FACILITATOR_DIGEST_HOUR_UTC"]


# -- the documentation lists exactly these variables ---------------------------------------------

def documented(doc: str) -> set[str]:
    """Variables named in the first cell of the doc's configuration table."""
    text = (REPO / doc).read_text(encoding="utf-8")
    found: set[str] = set()
    in_table = False
    for line in text.splitlines():
        if re.match(r"\|\s*variable\s*\|", line, re.I):
            in_table = True
            continue
        if in_table and not line.startswith("|"):
            break
        if in_table:
            first = line.split("|")[1]
            found.update(re.findall(r"`([A-Z][A-Z0-9_]+)", first))
    return found


@pytest.mark.parametrize("doc", [README, SLACK_GUIDE, DISCORD_GUIDE])
def test_each_table_lists_exactly_the_variables_the_settings_read(doc: str) -> None:
    wanted = {name for name, field in Settings.variables().items()
              if (field.json_schema_extra or {}).get("doc") == doc}  # type: ignore[union-attr]
    assert documented(doc) == wanted


def test_every_variable_is_ours_and_documented_once() -> None:
    names = list(Settings.variables())
    assert len(names) == len(set(names))
    assert all(name.startswith(PREFIXES) for name in names)
    tables = [documented(doc) for doc in (README, SLACK_GUIDE, DISCORD_GUIDE)]
    assert sum(len(t) for t in tables) == len(names)


def test_no_module_but_the_settings_reads_the_environment() -> None:
    readers = {}
    for path in (REPO / "facilitator").rglob("*.py"):
        uses = [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")]
        if uses:
            readers[str(path.relative_to(REPO))] = uses
    # cli.py hands os.environ to Settings.from_env, once; the bench passes it on to its workers.
    assert sorted(readers) == ["facilitator/cli.py", "facilitator/config/__init__.py",
                               "facilitator/evaluation/bench.py"]
    assert len(readers["facilitator/cli.py"]) == 1


def test_the_example_env_files_name_only_known_variables() -> None:
    known = set(Settings.variables())
    for example in (REPO / "deploy").rglob("env.example"):
        named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example.read_text(), re.M))
        ours = {n for n in named if n.startswith(PREFIXES)}
        assert ours <= known, (example, ours - known)
