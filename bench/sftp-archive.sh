#!/usr/bin/env bash
# archive-push then archive-get of 16 MiB WAL segments, one process per segment (as archive_command and
# restore_command run them), to an SFTP repository on the test sshd (loopback, ed25519 keys, known_hosts checked):
# pgBackRest 2.55.1 (libssh2) vs pgrest (SSH.NET). Run as root after scripts/setup.sh:
#   bench/sftp-archive.sh [SEGMENTS] [none|lz4|zst]   (default 20 lz4)
set -euo pipefail
n=${1:-20}; compress=${2:-lz4}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pgrest=${PGREST:-/usr/local/bin/pgrest}; pgbackrest=${PGBACKREST:-/opt/pgbackrest-2.55.1/pgbackrest}
B=/usr/lib/postgresql/15/bin; W=/tmp/sftp-bench; S=$W/server
as() { runuser -u postgres -- "$@"; }
trap 'bash "$root/scripts/servers/sshd.sh" stop $S >/dev/null 2>&1 || true' EXIT
rm -rf $W; mkdir -p $W $S $W/wal $W/got; chown postgres $W $W/wal $W/got
bash "$root/scripts/servers/sshd.sh" start $S > $W/server.env
source <(grep -E '^[A-Z_0-9]+=[^ ]*$' $W/server.env)
as $B/initdb -D $W/pg -U postgres --auth=trust >/dev/null
# Segments of this cluster's system id: copies of its first segment under new names.
first=$(ls $W/pg/pg_wal | grep -E '^[0-9A-F]{24}$' | head -1)
for i in $(seq $n); do cp $W/pg/pg_wal/$first $W/wal/$(printf '0000000100000001%08X' $i); done
chown -R postgres $W/wal
for t in pgrest pgbackrest; do cat > $W/$t.conf <<CONF
[global]
repo1-type=sftp
repo1-path=$ROOT/push-$t
repo1-sftp-host=$HOST
repo1-sftp-host-port=$PORT
repo1-sftp-host-user=$USER
repo1-sftp-private-key-file=$KEY
repo1-sftp-public-key-file=$KEY_PUB
repo1-sftp-host-key-hash-type=sha1
repo1-sftp-known-host=$KNOWN_HOSTS
compress-type=$compress
lock-path=$W/lock-$t
log-path=$W
archive-header-check=n
[push]
pg1-path=$W/pg
CONF
done
chown postgres $W/*.conf
bin() { [ $1 = pgrest ] && echo $pgrest || echo $pgbackrest; }
ms() { echo "($2 - $1) * 1000 / $n" | bc -l; }
printf 'tool\tcompress\tsegments\tpush_ms_per_segment\tget_ms_per_segment\n'
for round in 1 2; do for t in pgbackrest pgrest; do
  # A fresh repository path each round, so that every push stores a new segment.
  sed -i "s|^repo1-path=.*|repo1-path=$ROOT/push-$t-$round|" $W/$t.conf
  as $(bin $t) --config=$W/$t.conf --stanza=push --no-online stanza-create >/dev/null
  start=$(date +%s.%N)
  for f in $W/wal/*; do as $(bin $t) --config=$W/$t.conf --stanza=push archive-push $f >/dev/null; done
  pushed=$(date +%s.%N)
  for f in $W/wal/*; do as $(bin $t) --config=$W/$t.conf --stanza=push archive-get $(basename $f) $W/got/$(basename $f) >/dev/null; done
  got=$(date +%s.%N)
  cmp -s $W/wal/$(basename $f) $W/got/$(basename $f) || { echo "bench: $t archive-get returned other bytes" >&2; exit 1; }
  rm -f $W/got/*
  printf '%s\t%s\t%s\t%.1f\t%.1f\n' $t $compress $n "$(ms $start $pushed)" "$(ms $pushed $got)"
done; done
