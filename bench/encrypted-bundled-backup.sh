#!/usr/bin/env bash
# Encrypted, bundled zst full backup and restore, pgbackrest vs pgrest, same cluster (pgbench scale $1).
set -euo pipefail
scale=${1:-50}; B=/usr/lib/postgresql/15/bin; W=/tmp/encbench
pkill -f "postgres -D $W/pg" 2>/dev/null || true; rm -rf $W; mkdir -p $W; chown postgres $W
as() { runuser -u postgres -- "$@"; }
as $B/initdb -k -D $W/pg -U postgres --auth=trust >/dev/null
cat >> $W/pg/postgresql.conf <<CONF
port=5479
unix_socket_directories='$W'
listen_addresses=''
wal_level=replica
archive_mode=on
archive_command='/usr/local/bin/pgrest --config=$W/pgrest.conf --stanza=enc archive-push %p && /usr/bin/pgbackrest --config=$W/pgbackrest.conf --stanza=enc archive-push %p'
CONF
for t in pgrest pgbackrest; do cat > $W/$t.conf <<CONF
[global]
repo1-path=$W/repo-$t
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=benchmark passphrase for both tools
repo1-bundle=y
compress-type=zst
lock-path=$W/lock-$t
log-path=$W
start-fast=y
process-max=2
[enc]
pg1-path=$W/pg
pg1-port=5479
pg1-socket-path=$W
CONF
done
chown postgres $W/*.conf
as $B/pg_ctl -D $W/pg -l $W/pg.log -w start >/dev/null
for t in pgrest pgbackrest; do as $(command -v $t) --config=$W/$t.conf --stanza=enc stanza-create >/dev/null; done
as $B/pgbench -i -s $scale -h $W -p 5479 -U postgres postgres >/dev/null 2>&1
printf 'tool\tstep\twall_s\tcpu_s\tmaxrss_mb\trepo_mb\n'
for t in pgbackrest pgrest pgbackrest pgrest; do
  /usr/bin/time -f "%e %U %S %M" -o $W/t runuser -u postgres -- $(command -v $t) --config=$W/$t.conf --stanza=enc --type=full backup >/dev/null 2>$W/err || { cat $W/err; exit 1; }
  read -r e u s m < $W/t; printf '%s\tfull-backup\t%s\t%.2f\t%.1f\t%s\n' $t $e $(echo "$u + $s" | bc) $(echo "$m/1024" | bc -l) $(du -sm $W/repo-$t/backup | cut -f1)
done
as $B/pg_ctl -D $W/pg -m fast -w stop >/dev/null
for t in pgbackrest pgrest; do
  rm -rf $W/r-$t; mkdir $W/r-$t; chown postgres $W/r-$t; chmod 700 $W/r-$t
  /usr/bin/time -f "%e %U %S %M" -o $W/t runuser -u postgres -- $(command -v $t) --config=$W/$t.conf --stanza=enc --pg1-path=$W/r-$t restore >/dev/null 2>$W/err || { cat $W/err; exit 1; }
  read -r e u s m < $W/t; printf '%s\trestore\t%s\t%.2f\t%.1f\t-\n' $t $e $(echo "$u + $s" | bc) $(echo "$m/1024" | bc -l)
done
