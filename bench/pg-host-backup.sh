#!/usr/bin/env bash
# A full backup run on the repository host (the pgrest-repo user) of a cluster on the database host (pg1-host over
# SSH: the test sshd on loopback, the postgres user as the database host, each tool starting itself there): pgBackRest
# 2.45 vs pgrest, wall time and peak RSS of the command on the repository host. Run as root after scripts/setup.sh:
#   bench/pg-host-backup.sh [SCALE] [none|lz4|zst] [PROCESS_MAX]   (default 10 lz4 2)
set -euo pipefail
scale=${1:-10}; compress=${2:-lz4}; pmax=${3:-2}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pgrest=${PGREST:-/usr/local/bin/pgrest}; pgbackrest=${PGBACKREST:-/usr/bin/pgbackrest}
B=/usr/lib/postgresql/15/bin; W=/tmp/pg-host-bench; S=$W/server; port=55432
as() { runuser -u postgres -- "$@"; }
cleanup() {
  as $B/pg_ctl -D $W/pg -m immediate stop >/dev/null 2>&1 || true
  bash "$root/scripts/servers/sshd.sh" stop $S >/dev/null 2>&1 || true
}
trap cleanup EXIT
rm -rf $W; mkdir -p $W $S; chown postgres $W
bash "$root/scripts/servers/sshd.sh" start $S > $W/server.env
source <(grep -E '^[A-Z_0-9]+=[^ ]*$' $W/server.env)
as $B/initdb -D $W/pg -U postgres --auth=trust --data-checksums >/dev/null
printf "port=$port\nunix_socket_directories='$W'\nlisten_addresses=''\narchive_mode=on\narchive_command='true'\nwal_level=replica\n" >> $W/pg/postgresql.conf
as $B/pg_ctl -D $W/pg -l $W/pg.log -w start >/dev/null
as $B/pgbench -i -s $scale -q -h $W -p $port postgres >/dev/null 2>&1
bin() { [ $1 = pgrest ] && echo $pgrest || echo $pgbackrest; }
for t in pgrest pgbackrest; do
  mkdir -p $REPO_HOST_ROOT/$t
  cat > $REPO_HOST_ROOT/$t/pgbackrest.conf <<CONF
[global]
repo1-path=$REPO_HOST_ROOT/$t/repo
log-path=$REPO_HOST_ROOT/$t
lock-path=$REPO_HOST_ROOT/$t
cmd-ssh=$REPO_SSH_CMD
compress-type=$compress
process-max=$pmax
start-fast=y
archive-check=n
repo1-retention-full=9
[bench]
pg1-host=$HOST
pg1-host-port=$PORT
pg1-host-user=postgres
pg1-host-cmd=$(bin $t)
pg1-path=$W/pg
pg1-port=$port
pg1-socket-path=$W
CONF
  chown -R $REPO_USER: $REPO_HOST_ROOT/$t
  runuser -u $REPO_USER -- $(bin $t) --config=$REPO_HOST_ROOT/$t/pgbackrest.conf --stanza=bench stanza-create >/dev/null
done
printf 'tool\tcompress\tscale\tprocess_max\tfull_backup_s\tpeak_rss_kb\n'
for round in 1 2; do for t in pgbackrest pgrest; do
  start=$(date +%s.%N)
  rss=$( { /usr/bin/time -f '%M' runuser -u $REPO_USER -- $(bin $t) --config=$REPO_HOST_ROOT/$t/pgbackrest.conf --stanza=bench --type=full backup >/dev/null; } 2>&1 | tail -1)
  end=$(date +%s.%N)
  printf '%s\t%s\t%s\t%s\t%.2f\t%s\n' $t $compress $scale $pmax "$(echo "$end - $start" | bc -l)" "$rss"
done; done
