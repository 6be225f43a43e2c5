#!/usr/bin/env bash
# Installs what pgrest's demo and tests need on a machine that has only the .NET SDK and Debian/Ubuntu:
# PostgreSQL 15, the real pgBackRest (for compatibility tests), the codec command-line tools, then publishes pgrest.
# Usage: scripts/setup.sh [--publish-dir DIR]   (prints the path of the published pgrest binary last)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
publish_dir="${PGREST_PUBLISH_DIR:-/tmp/pgrest-bin}"
if [[ "${1:-}" == "--publish-dir" ]]; then publish_dir="$2"; fi

sudo_cmd=()
if [[ "$(id -u)" != 0 ]]; then sudo_cmd=(sudo); fi

packages=(postgresql-15 pgbackrest lz4 zstd bzip2 openssl util-linux procps)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >&2
fi

# The object-store servers the tests run (Ceph RGW, Azurite, the GCS emulator); the tests start them.
for server in "$root"/scripts/servers/*.sh; do
  [[ "$(basename "$server")" == tls.sh ]] && continue
  echo "setup: installing test server $(basename "$server" .sh)" >&2
  bash "$server" install >&2
done

# The published binary must be reachable by the postgres OS user (archive_command runs it), so it lives outside
# the checkout, which may sit in a private home directory.
echo "setup: publishing pgrest (Release, self-contained, composite ReadyToRun) to $publish_dir" >&2
dotnet publish "$root/src/PgRest.Cli/PgRest.Cli.csproj" -c Release -o "$publish_dir" --nologo -v quiet >&2
chmod -R a+rX "$publish_dir"
echo "$publish_dir/pgrest"
