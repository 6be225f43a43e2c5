#!/usr/bin/env bash
# Installs pgrest for real use: builds the one Native AOT executable and puts it where it survives a reboot
# (default /usr/local/bin/pgrest), readable and executable by every user (archive_command runs it as postgres).
# Installs nothing else but the compression libraries pgrest loads (liblz4, libzstd, libbz2) and what the build
# needs (gcc, zlib1g-dev), when missing: no PostgreSQL, no pgBackRest, no test servers.
# Usage: sudo scripts/install.sh [--prefix DIR]    (installs DIR/bin/pgrest; default DIR is /usr/local)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${PGREST_PREFIX:-/usr/local}"
if [[ "${1:-}" == "--prefix" ]]; then prefix="$2"; fi

sudo_cmd=()
if [[ "$(id -u)" != 0 ]]; then sudo_cmd=(sudo); fi

source "$root/scripts/packages.sh"
# zlib1g-dev and gcc only build the binary (Native AOT links with them); the libraries are what it loads.
install_missing install liblz4-1 libzstd1 libbz2-1.0 zlib1g-dev gcc

build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
echo "install: building pgrest (Release, Native AOT)" >&2
dotnet publish "$root/src/PgRest.Cli/PgRest.Cli.csproj" -c Release -o "$build" --nologo -v quiet >&2

"${sudo_cmd[@]}" install -d -m 0755 "$prefix/bin"
# A new file renamed over the old one: an archive_command starting meanwhile finds either the old binary or the new.
"${sudo_cmd[@]}" install -m 0755 "$build/pgrest" "$prefix/bin/.pgrest.new"
"${sudo_cmd[@]}" mv -f "$prefix/bin/.pgrest.new" "$prefix/bin/pgrest"
echo "install: $("$prefix/bin/pgrest" version) installed as $prefix/bin/pgrest" >&2
echo "$prefix/bin/pgrest"
