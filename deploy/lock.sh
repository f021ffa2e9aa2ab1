#!/bin/sh
# Rebuild requirements.lock (the image's exact dependencies, with sha256 hashes) from
# pyproject.toml. Run it from anywhere after changing [project].dependencies:
#   sh deploy/lock.sh                 # on Linux x86_64 with Python 3.11 (the image's platform)
#   docker run --rm -v "$PWD":/src -w /src python:3.11.11-slim-bookworm sh deploy/lock.sh
# It resolves against PyPI only (local pip configuration, mirrors and wheel folders are
# ignored, so every hash is PyPI's), for the running interpreter and platform, and pins the
# build backend too (the image installs the project with --no-build-isolation).
# Add --upgrade (or --upgrade-package NAME) to move pinned versions forward.
set -eu
cd "$(dirname "$0")/.."
python3 - <<'EOF'
import platform, sys
if sys.version_info[:2] != (3, 11) or sys.platform != "linux" or platform.machine() != "x86_64":
    sys.exit("deploy/lock.sh: run it with Python 3.11 on Linux x86_64 (the image's platform), "
             "e.g. in the python:3.11 image")
EOF
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
export PIP_CONFIG_FILE=/dev/null
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_CONSTRAINT 2>/dev/null || true
python3 -m venv "$tools/venv"
"$tools/venv/bin/pip" install --quiet --index-url https://pypi.org/simple "pip-tools>=7.4,<8"
CUSTOM_COMPILE_COMMAND="sh deploy/lock.sh" "$tools/venv/bin/pip-compile" --quiet \
    --generate-hashes --allow-unsafe --strip-extras --build-deps-for wheel \
    --index-url https://pypi.org/simple --no-emit-index-url --no-emit-find-links \
    --output-file requirements.lock "$@" pyproject.toml
