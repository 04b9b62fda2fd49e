#!/usr/bin/env bash
# The one test command: installs what the tests need (a virtualenv with the package and its test
# extras, Debian's chromium for the browser tests) and runs lint, format check and every test.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k playground`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

if [ ! -x /usr/bin/chromium ]; then
    echo "Installing Debian's chromium for the browser tests…"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
        echo "chromium is missing and this user cannot install it: run 'apt-get install -y chromium' as root." >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest "$@"
