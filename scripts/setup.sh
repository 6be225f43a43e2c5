#!/usr/bin/env bash
# Installs what pgrest's demo and tests need on a machine that has only the .NET SDK and Debian/Ubuntu:
# PostgreSQL 15, the real pgBackRest (for compatibility tests), the codec command-line tools and the object-store test
# servers, then publishes pgrest (one Native AOT executable) to a directory the postgres user can reach.
# This is the test and demo set-up; a real installation is scripts/install.sh.
# Usage: scripts/setup.sh [--publish-dir DIR] [--demo]   (prints the path of the published binary last)
#   --demo   only what the demo needs: PostgreSQL 15 and the codec libraries (no pgBackRest, no object-store servers)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
publish_dir="${PGREST_PUBLISH_DIR:-/tmp/pgrest-bin}"
demo=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --publish-dir) publish_dir="$2"; shift 2 ;;
    --demo) demo=1; shift ;;
    *) echo "setup: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

source "$root/scripts/packages.sh"
# zlib1g-dev and gcc: the Native AOT build links against them.
packages=(postgresql-15 liblz4-1 libzstd1 libbz2-1.0 util-linux zlib1g-dev gcc)
if [[ $demo == 0 ]]; then packages+=(pgbackrest lz4 zstd bzip2 openssl procps curl); fi
install_missing setup "${packages[@]}"

# A pgBackRest newer than 2.45 (block incremental is GA from 2.46): Debian trixie's 2.55.1, whose binary runs on
# bookworm's libraries. Only the binary is unpacked, beside the packaged 2.45, never installed over it.
newer=/opt/pgbackrest-2.55.1/pgbackrest
if [[ $demo == 0 && ! -x $newer ]]; then
  echo "setup: fetching pgBackRest 2.55.1 (Debian trixie) to $(dirname "$newer")" >&2
  deb="$(mktemp -d)"
  curl -fsSL -o "$deb/pgbackrest.deb" http://deb.debian.org/debian/pool/main/p/pgbackrest/pgbackrest_2.55.1-1_amd64.deb
  echo "4143a01dba71c12aab93e67b012b5cb93ec9f80e408080ddbde6261115da381d  $deb/pgbackrest.deb" | sha256sum -c --quiet >&2
  dpkg-deb -x "$deb/pgbackrest.deb" "$deb/root"
  install -D -m 0755 "$deb/root/usr/bin/pgbackrest" "$newer"
  rm -rf "$deb"
fi

# The object-store servers the tests run (Ceph RGW, Azurite, the GCS emulator); the tests start them.
for server in "$root"/scripts/servers/*.sh; do
  [[ $demo == 1 ]] && break
  [[ "$(basename "$server")" == tls.sh ]] && continue
  echo "setup: installing test server $(basename "$server" .sh)" >&2
  bash "$server" install >&2
done

# The published binary must be reachable by the postgres OS user (archive_command runs it), so it lives outside
# the checkout, which may sit in a private home directory.
echo "setup: publishing pgrest (Release, one Native AOT executable) to $publish_dir" >&2
rm -rf "$publish_dir"
dotnet publish "$root/src/PgRest.Cli/PgRest.Cli.csproj" -c Release -o "$publish_dir" --nologo -v quiet >&2
chmod -R a+rX "$publish_dir"
echo "$publish_dir/pgrest"
