#!/usr/bin/env bash
# The package as a user installs it (called by scripts/test.sh): build the wheel, install it in a
# fresh virtualenv outside the checkout, and run the command from there: `aflab --help`, a dry
# run, and `validate` on a shipped file. Fails when shipped data is missing from the wheel, a
# dependency is undeclared, or user data would be written next to the installed code.
set -euo pipefail
cd "$(dirname "$0")/.."
uv=.venv/bin/uv
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The sdist first, then the wheel from it (as an index would): nothing left in build/ by an
# earlier build can slip into the wheel, and the sdist must carry everything the wheel needs.
"$uv" build --quiet --out-dir "$work/dist" .
"$uv" venv --quiet "$work/venv"
"$uv" pip install --quiet --python "$work/venv/bin/python" "$work"/dist/*.whl

cd "$work"  # nothing from the checkout is importable from here
unset AFLAB_DATA_DIR
export XDG_DATA_HOME="$work/user-data"  # the platform's user data folder, on Linux
aflab="$work/venv/bin/aflab"
"$aflab" --help >/dev/null
"$aflab" run --provider Anthropic --prompts harmful --first 2 --dry-run >"$work/dry-run.txt" 2>&1
grep -q '<user_input>' "$work/dry-run.txt"

shipped="$("$work/venv/bin/python" -c 'from alignment_faking_lab.data import paths; print(paths.ILLUSTRATIVE_TRANSCRIPTS)')"
case "$shipped" in
    "$work/venv/"*) ;;
    *) echo "the shipped transcripts are read from $shipped, not from the installed wheel" >&2; exit 1 ;;
esac
"$aflab" validate "$shipped" >"$work/validate.txt"
data="$("$work/venv/bin/python" -c 'from alignment_faking_lab.data import paths; print(paths.data_dir())')"
case "$data" in
    "$work/user-data/"*) ;;
    *) echo "user data would go to $data, not the platform's user data folder" >&2; exit 1 ;;
esac
echo "wheel: installed outside the checkout; --help, a dry run and validate of a shipped file work"
