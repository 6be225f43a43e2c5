#!/usr/bin/env bash
# Full backup and restore against a real S3 server (Ceph RADOS Gateway on 127.0.0.1, scripts/servers/ceph-rgw.sh),
# pgbackrest vs pgrest on the same cluster, interleaved. Run as root.
#   bench/ceph-rgw-backup.sh [SCALE] [ROUNDS]      (defaults 50 and 2; pgrest from $PGREST or /usr/local/bin/pgrest)
# Prints a TSV: tool, compress, step, wall/cpu seconds, peak RSS.
set -euo pipefail
scale=${1:-50}; rounds=${2:-2}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pgrest=${PGREST:-/usr/local/bin/pgrest}; B=/usr/lib/postgresql/15/bin; W=/tmp/rgwbench; S=$W/server
as() { runuser -u postgres -- "$@"; }
cleanup() {
  as $B/pg_ctl -D $W/pg -m immediate -w stop >/dev/null 2>&1 || true
  bash "$root/scripts/servers/ceph-rgw.sh" stop $S >/dev/null 2>&1 || true
}
trap cleanup EXIT
pkill -f "postgres -D $W/pg" 2>/dev/null || true; rm -rf $W; mkdir -p $W $S; chown postgres $W
bash "$root/scripts/servers/ceph-rgw.sh" install >/dev/null
bash "$root/scripts/servers/ceph-rgw.sh" start $S > $W/server.env
# shellcheck disable=SC1090
source <(grep -E '^[A-Z_]+=' $W/server.env)
chmod -R a+rX $S
as $B/initdb -k -D $W/pg -U postgres --auth=trust >/dev/null
cat >> $W/pg/postgresql.conf <<CONF
port=5481
unix_socket_directories='$W'
listen_addresses=''
wal_level=replica
archive_mode=on
archive_command='$pgrest --config=$W/pgrest-zst.conf --stanza=rgw archive-push %p && $pgrest --config=$W/pgrest-lz4.conf --stanza=rgw archive-push %p && /usr/bin/pgbackrest --config=$W/pgbackrest-zst.conf --stanza=rgw archive-push %p && /usr/bin/pgbackrest --config=$W/pgbackrest-lz4.conf --stanza=rgw archive-push %p'
CONF
for t in pgrest pgbackrest; do for c in zst lz4; do cat > $W/$t-$c.conf <<CONF
[global]
repo1-type=s3
repo1-path=/bench-$t-$c
repo1-s3-bucket=$BUCKET
repo1-s3-endpoint=127.0.0.1
repo1-s3-region=$REGION
repo1-s3-key=$ACCESS_KEY
repo1-s3-key-secret=$SECRET_KEY
repo1-s3-uri-style=path
repo1-storage-port=$PORT
repo1-storage-ca-file=$S/tls.crt
compress-type=$c
lock-path=$W/lock-$t
log-path=$W
start-fast=y
process-max=4
[rgw]
pg1-path=$W/pg
pg1-port=5481
pg1-socket-path=$W
CONF
done; done
chown postgres $W/*.conf
as $B/pg_ctl -D $W/pg -l $W/pg.log -w start >/dev/null
for t in pgrest pgbackrest; do for c in zst lz4; do
  as "$( [ $t = pgrest ] && echo $pgrest || echo /usr/bin/pgbackrest )" --config=$W/$t-$c.conf --stanza=rgw stanza-create >/dev/null
done; done
as $B/pgbench -i -s $scale -h $W -p 5481 -U postgres postgres >/dev/null 2>&1
as $B/psql -h $W -p 5481 -U postgres -qc "checkpoint" postgres
measure() {  # measure TOOL COMPRESS STEP ARGS...
  local t=$1 c=$2 step=$3; shift 3
  local bin; bin=$( [ $t = pgrest ] && echo $pgrest || echo /usr/bin/pgbackrest )
  /usr/bin/time -f "%e %U %S %M" -o $W/t runuser -u postgres -- $bin --config=$W/$t-$c.conf --stanza=rgw "$@" >/dev/null 2>$W/err \
    || { cat $W/err; exit 1; }
  read -r e u s m < $W/t
  printf '%s\t%s\t%s\t%s\t%.2f\t%.1f\n' $t $c $step $e "$(echo "$u + $s" | bc)" "$(echo "$m/1024" | bc -l)"
}
printf 'tool\tcompress\tstep\twall_s\tcpu_s\tmaxrss_mb\n'
for r in $(seq $rounds); do for c in zst lz4; do for t in pgbackrest pgrest; do
  measure $t $c full-backup --type=full backup
done; done; done
as $B/pg_ctl -D $W/pg -m fast -w stop >/dev/null
for r in $(seq $rounds); do for c in zst lz4; do for t in pgbackrest pgrest; do
  rm -rf $W/r; mkdir $W/r; chown postgres $W/r; chmod 700 $W/r
  measure $t $c restore --pg1-path=$W/r restore
done; done; done
rm -rf $W/r
