#!/usr/bin/env bash
# The "3 pm DROP TABLE" point-in-time recovery of the PITR tutorial, run end to end with pgrest on a throwaway
# PostgreSQL 15 cluster and a posix repository in a temporary directory: target-find names the transaction that
# dropped the table and prints the restore that stops just before it, rehearse tries that recovery beside the running
# cluster, then the restore is run for real. Installs what it needs first.
# Usage: scripts/demo.sh [--keep]      (--keep leaves the cluster directory for you to inspect)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
keep=0; [[ "${1:-}" == "--keep" ]] && keep=1
pgbin=/usr/lib/postgresql/15/bin

if [[ "$(id -u)" != 0 ]]; then
  echo "demo: run as root (PostgreSQL and pgrest run as the postgres OS user through runuser)" >&2
  exit 1
fi

pgrest="$("$root/scripts/setup.sh" --demo)"
work="$(mktemp -d /tmp/pgrest-demo.XXXXXX)"
chown postgres:postgres "$work"; chmod 700 "$work"
port=$(( 20000 + RANDOM % 20000 ))
as_postgres() { runuser -u postgres -- "$@"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
psql_run() { as_postgres "$pgbin/psql" -X -q -h "$work" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
cleanup() {
  as_postgres "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  if [[ $keep == 0 ]]; then rm -rf "$work"; else echo "demo: kept $work"; fi
}
trap cleanup EXIT

say "A throwaway cluster in $work (port $port) and a posix repository"
as_postgres "$pgbin/initdb" --data-checksums -D "$work/pg" -U postgres --auth=trust >/dev/null
cat > "$work/pgbackrest.conf" <<CONF
[global]
repo1-path=$work/repo
repo1-retention-full=2
log-path=$work/log
lock-path=$work/lock
spool-path=$work/spool
log-level-console=info
start-fast=y

[demo]
pg1-path=$work/pg
pg1-port=$port
pg1-socket-path=$work
CONF
chown postgres:postgres "$work/pgbackrest.conf"
cat >> "$work/pg/postgresql.conf" <<CONF
port = $port
listen_addresses = ''
unix_socket_directories = '$work'
wal_level = replica
archive_mode = on
archive_command = '$pgrest --config=$work/pgbackrest.conf --stanza=demo archive-push %p'
archive_timeout = 60
CONF
as_postgres "$pgbin/pg_ctl" -D "$work/pg" -l "$work/postgresql.log" -w start >/dev/null
cat "$work/pgbackrest.conf"

pg() { as_postgres "$pgrest" --config="$work/pgbackrest.conf" --stanza=demo "$@"; }

say "stanza-create, check, full backup, info"
pg stanza-create
pg check
pg --type=full backup
pg info

say "Morning: orders come in, a few are corrected"
psql_run -c "CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL, created_at timestamptz DEFAULT now());" \
         -c "INSERT INTO orders (item) SELECT 'item ' || g FROM generate_series(1, 1000) g;" \
         -c "UPDATE orders SET item = item || ' (corrected)' WHERE id <= 5;"
echo "rows before the incident: $(psql_run -At -c 'SELECT count(*) FROM orders')"

say "About 3 pm: somebody drops the table (nobody knows the second)"
psql_run -c "DROP TABLE orders;"
psql_run -c "SELECT pg_switch_wal();" >/dev/null
pg check >/dev/null

say "target-find: which transaction dropped it, and the restore that stops just before it"
found="$(pg --log-level-console=warn --relation=public.orders target-find)"
echo "$found"
restore="$(printf '%s\n' "$found" | sed -n 's/^ *restore to just before it: pgrest //p' | tail -n 1)"
printf '%s\n' "$found" | grep -q "public.orders: DROP" || { say "FAIL: target-find did not name the DROP"; exit 1; }

say "rehearse: the same recovery first, beside the running cluster, in a scratch directory"
read -r -a rehearsal <<< "$(printf '%s' "$restore" | sed -e 's/ --target-action=promote//' -e 's/ --delta restore$//')"
rehearsed="$(as_postgres "$pgrest" "${rehearsal[@]}" --log-level-console=warn --rehearse-query='SELECT count(*) FROM orders' rehearse)"
echo "$rehearsed"
printf '%s\n' "$rehearsed" | grep -q "status: passed" || { say "FAIL: the rehearsal did not pass"; exit 1; }

say "Stop PostgreSQL and run the restore target-find printed"
as_postgres "$pgbin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null
echo "pgrest $restore"
# shellcheck disable=SC2086 # the printed options, one word each
as_postgres "$pgrest" $restore
tail -n 4 "$work/pg/postgresql.auto.conf"

say "Start PostgreSQL: it replays WAL from the archive and stops at the target"
as_postgres "$pgbin/pg_ctl" -D "$work/pg" -l "$work/postgresql.log" -w -t 120 start >/dev/null
for _ in $(seq 1 120); do
  [[ "$(psql_run -At -c 'SELECT pg_is_in_recovery()')" == "f" ]] && break
  sleep 0.5
done
grep -E "recovery stopping|selected new timeline|archive recovery complete" "$work/postgresql.log" || true

rows="$(psql_run -At -c 'SELECT count(*) FROM orders')"
timeline="$(psql_run -At -c "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int")"
echo "rows after recovery: $rows, timeline: $timeline"
corrected="$(psql_run -At -c "SELECT count(*) FROM orders WHERE item LIKE '%(corrected)'")"
if [[ "$rows" == 1000 && "$corrected" == 5 ]]; then
  say "PASS: the table and all 1000 rows are back, with the morning's corrections"
else
  say "FAIL: expected 1000 rows"; exit 1
fi
