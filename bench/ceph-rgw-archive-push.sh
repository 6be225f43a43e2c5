#!/usr/bin/env bash
# archive-push of one 16 MiB WAL segment per process (as archive_command runs it) to Ceph RGW over TLS,
# pgbackrest vs pgrest. Run as root:  bench/ceph-rgw-archive-push.sh [SEGMENTS]   (default 20)
set -euo pipefail
n=${1:-20}; mode=${2:-sync}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pgrest=${PGREST:-/usr/local/bin/pgrest}; B=/usr/lib/postgresql/15/bin; W=/tmp/rgwpush; S=$W/server
as() { runuser -u postgres -- "$@"; }
trap 'bash "$root/scripts/servers/ceph-rgw.sh" stop $S >/dev/null 2>&1 || true' EXIT
rm -rf $W; mkdir -p $W $S $W/wal; chown postgres $W $W/wal
bash "$root/scripts/servers/ceph-rgw.sh" start $S > $W/server.env
source <(grep -E '^[A-Z_]+=' $W/server.env)
chmod -R a+rX $S
as $B/initdb -D $W/pg -U postgres --auth=trust >/dev/null
# Segments of this cluster's system id: copies of its first segment under new names (the header check reads
# the system id, not the segment number).
first=$(ls $W/pg/pg_wal | grep -E '^[0-9A-F]{24}$' | head -1)
for i in $(seq $n); do cp $W/pg/pg_wal/$first $W/wal/$(printf '0000000100000001%08X' $i); done
for f in $W/wal/*; do cp $f $W/pg/pg_wal/; touch $W/pg/pg_wal/archive_status/$(basename $f).ready; done
chown -R postgres $W/pg/pg_wal
chown -R postgres $W/wal
for t in pgrest pgbackrest; do cat > $W/$t.conf <<CONF
[global]
repo1-type=s3
repo1-path=/push-$t
repo1-s3-bucket=$BUCKET
repo1-s3-endpoint=127.0.0.1
repo1-s3-region=$REGION
repo1-s3-key=$ACCESS_KEY
repo1-s3-key-secret=$SECRET_KEY
repo1-s3-uri-style=path
repo1-storage-port=$PORT
repo1-storage-ca-file=$S/tls.crt
compress-type=lz4
lock-path=$W/lock-$t
log-path=$W
archive-header-check=n
$( [ "$mode" = async ] && printf 'archive-async=y\nprocess-max=2\nspool-path=%s/spool-%s\n' $W $t )
[push]
pg1-path=$W/pg
CONF
done
chown postgres $W/*.conf
bin() { [ $1 = pgrest ] && echo $pgrest || echo /usr/bin/pgbackrest; }
printf 'tool\tmode\tsegments\twall_s\tms_per_segment\n'
for round in 1 2; do for t in pgbackrest pgrest; do
  # A fresh repository path each round, so that every push stores a new segment.
  sed -i "s|^repo1-path=.*|repo1-path=/push-$t-$round|" $W/$t.conf
  as $(bin $t) --config=$W/$t.conf --stanza=push --no-online stanza-create >/dev/null
  start=$(date +%s.%N)
  rm -rf $W/spool-$t
  for f in $W/wal/*; do as $(bin $t) --config=$W/$t.conf --stanza=push archive-push $W/pg/pg_wal/$(basename $f) >/dev/null; done
  end=$(date +%s.%N)
  printf '%s\t%s\t%s\t%.2f\t%.0f\n' $t $mode $n "$(echo "$end - $start" | bc)" "$(echo "($end - $start) * 1000 / $n" | bc -l)"
done; done
