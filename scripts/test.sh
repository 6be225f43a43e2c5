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
dotnet test tests/PgRest.Tests/PgRest.Tests.csproj -c Release --no-build --nologo --logger "console;verbosity=normal" "$@"
dotnet test tests/PgRest.IntegrationTests/PgRest.IntegrationTests.csproj -c Release --no-build --nologo --logger "console;verbosity=normal" "$@"
