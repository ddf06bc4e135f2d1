#!/usr/bin/env bash
# Runs the whole test suite, exactly as CI does: installs what the tests need, then `mvn -B verify`.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
exec mvn -B verify "$@"
