#!/usr/bin/env bash
# archive-push then archive-get of 16 MiB WAL segments, one process per segment (as archive_command and
# restore_command run them), to a repository on a repository host (repo1-host over SSH: the test sshd on loopback, the
# pgrest-repo user as the backup host, each tool starting itself there): pgBackRest 2.45 vs pgrest. Run as root after
# scripts/setup.sh:
#   bench/repo-host-archive.sh [SEGMENTS] [none|lz4|zst]   (default 20 lz4)
set -euo pipefail
n=${1:-20}; compress=${2:-lz4}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pgrest=${PGREST:-/usr/local/bin/pgrest}; pgbackrest=${PGBACKREST:-/usr/bin/pgbackrest}
B=/usr/lib/postgresql/15/bin; W=/tmp/repo-host-bench; S=$W/server
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
for t in pgrest pgbackrest; do
  mkdir -p $REPO_HOST_ROOT/$t
  cat > $REPO_HOST_ROOT/$t/pgbackrest.conf <<CONF
[global]
repo1-path=$REPO_HOST_ROOT/$t/repo
log-path=$REPO_HOST_ROOT/$t
lock-path=$REPO_HOST_ROOT/$t
CONF
  chown -R $REPO_USER: $REPO_HOST_ROOT/$t
  cat > $W/$t.conf <<CONF
[global]
repo1-host=$HOST
repo1-host-port=$PORT
repo1-host-user=$REPO_USER
repo1-host-config=$REPO_HOST_ROOT/$t/pgbackrest.conf
cmd-ssh=$SSH_CMD
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
  sed -i "s|^repo1-path=.*|repo1-path=$REPO_HOST_ROOT/$t/repo-$round|" $REPO_HOST_ROOT/$t/pgbackrest.conf
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
