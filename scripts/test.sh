#!/usr/bin/env bash
# The one test command: installs what the tests need (a virtualenv with the package and its test
# extras; Debian's chromium, nodejs/npm and poppler-utils; axe-core from npm) and runs lint,
# format check, the installed-wheel check (scripts/check_wheel.sh) and every test.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k playground`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# Debian packages the browser tests use: chromium (the browser), nodejs/npm (installs axe-core),
# poppler-utils (pdftoppm renders the printed handout to images for a look).
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium fonts-noto-color-emoji"
command -v npm >/dev/null || missing="$missing nodejs npm"
command -v pdftoppm >/dev/null || missing="$missing poppler-utils"
if [ -n "$missing" ]; then
    echo "Installing Debian packages for the browser tests:$missing"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
        echo "Missing:$missing and this user cannot install them: run 'apt-get install -y$missing' as root." >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq $missing >/dev/null
fi

# axe-core (accessibility rules run inside the browser tests), pinned by tests/package-lock.json.
if [ ! -f tests/node_modules/axe-core/axe.min.js ]; then
    npm ci --prefix tests --no-audit --no-fund --loglevel=error
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
bash scripts/check_wheel.sh
.venv/bin/python -m pytest "$@"
