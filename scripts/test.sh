#!/usr/bin/env bash
# Runs every test: unit tests, then integration tests against a real PostgreSQL 15, the real pgBackRest 2.45 and
# the published pgrest binary. Installs what it needs first (scripts/setup.sh).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

PGREST_BIN="$("$root/scripts/setup.sh")"
export PGREST_BIN
echo "test: using $PGREST_BIN"

dotnet build PgRest.sln -c Release --nologo -v quiet
# Runs one test project; when it fails, its failures are printed again at the end, where a CI log's tail shows them.
run_tests() {
    local log
    log="$(mktemp)"
    if dotnet test "$1" -c Release --no-build --nologo --logger "console;verbosity=normal" "${@:2}" 2>&1 | tee "$log"; then
        rm -f "$log"
        return 0
    fi
    echo
    echo "test: failures in $1:"
    grep -E -A 25 '^\s+Failed [A-Za-z]' "$log" | cut -c1-400 | head -n 200
    rm -f "$log"
    return 1
}

run_tests tests/PgRest.Tests/PgRest.Tests.csproj "$@"
run_tests tests/PgRest.IntegrationTests/PgRest.IntegrationTests.csproj "$@"
