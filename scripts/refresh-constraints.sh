#!/usr/bin/env bash
# Refresh constraints.txt: the exact versions README's set-up installs and CI tests.
#
# Installs the newest versions that pyproject.toml allows (run-time and test dependencies) into a
# fresh virtual environment made with the pip Python brings, and writes what it got. Run it with
# Python 3.11 on Linux x86_64 (the platform the file is tested on), then run `bash .ci/run` and
# commit constraints.txt with the result. See docs/install.md.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="$(mktemp -d)/venv"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q -e ".[test]"
{
  echo "# Exact versions README's set-up installs and .ci/run tests (pip install -c constraints.txt -e .)."
  echo "# Made by scripts/refresh-constraints.sh with $("$VENV/bin/python" -V) on $(uname -s) $(uname -m)"
  echo "# and $("$VENV/bin/pip" -V | cut -d' ' -f1,2); do not edit by hand (docs/install.md)."
  "$VENV/bin/pip" freeze --exclude-editable | grep -v '^#'
} > constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages"
rm -rf "$(dirname "$VENV")"
