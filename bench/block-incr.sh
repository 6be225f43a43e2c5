#!/usr/bin/env bash
# Block incremental against file-level incremental, on one throwaway PostgreSQL 15 cluster (pgbench scale N):
# pgBackRest 2.45 file level (repo A), pgrest block incremental (repo B, repo-bundle=y repo-block=y) and pgrest file
# level (repo C, only for the full backup's time). After a localized day of change (1% of pgbench_accounts' rows in
# one key range updated, rows appended) and after uniform random updates (pgbench -T), each tool's incr is measured:
# bytes it stored, seconds; then a --delta restore of that incr over a restore of the full: bytes written, seconds.
# Run as root from a checkout:  bench/block-incr.sh [--scale=N] [--pgbench-time=S]
# Results: bench/results/block-incr-<utc>.tsv (metric, pgbackrest, pgrest, ratio pgrest/pgbackrest).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scale=50; pgbench_time=20
for argument in "$@"; do
  case "$argument" in
    --scale=*) scale=${argument#*=} ;;
    --pgbench-time=*) pgbench_time=${argument#*=} ;;
    *) echo "block-incr: unknown argument '$argument'" >&2; exit 2 ;;
  esac
done

bin=/usr/lib/postgresql/15/bin
work=/tmp/bench-block-incr
port=5491
pgrest="$work/bin/pgrest"
stamp=$(date -u +%Y%m%d-%H%M%S)
results="$root/bench/results/block-incr-$stamp.tsv"

as_pg() { runuser -u postgres -- "$@"; }
sql() { as_pg "$bin/psql" -h "$work" -p $port -At -d postgres -c "$1"; }
stop_cluster() { as_pg "$bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true; }

stop_cluster
rm -rf "$work"; mkdir -p "$work"/{bin,log,lock,spool}
dotnet publish "$root/src/PgRest.Cli/PgRest.Cli.csproj" -c Release -o "$work/bin" --nologo -v quiet >&2
for repo in A B C; do
  mkdir -p "$work/repo-$repo"
  extra=""
  [[ $repo == B ]] && extra=$'repo1-bundle=y\nrepo1-block=y'
  cat > "$work/pgbackrest-$repo.conf" <<EOF
[global]
repo1-path=$work/repo-$repo
repo1-retention-full=4
log-path=$work/log
lock-path=$work/lock
spool-path=$work/spool
start-fast=y
compress-type=zst
process-max=2
log-level-console=warn
$extra

[bench]
pg1-path=$work/pg
pg1-port=$port
pg1-socket-path=$work
EOF
done
chown -R postgres "$work"

as_pg "$bin/initdb" -k -D "$work/pg" -U postgres --auth=trust >/dev/null
cat >> "$work/pg/postgresql.conf" <<EOF
port=$port
listen_addresses=''
unix_socket_directories='$work'
archive_mode=on
archive_command='$pgrest --config=$work/pgbackrest-A.conf --stanza=bench archive-push %p && $pgrest --config=$work/pgbackrest-B.conf --stanza=bench archive-push %p && $pgrest --config=$work/pgbackrest-C.conf --stanza=bench archive-push %p'
max_wal_size=4GB
autovacuum=off
EOF
as_pg "$bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w start >/dev/null
trap stop_cluster EXIT
for repo in A B C; do as_pg "$pgrest" --config="$work/pgbackrest-$repo.conf" --stanza=bench stanza-create; done
echo "block-incr: pgbench -i -s $scale" >&2
as_pg "$bin/pgbench" -h "$work" -p $port -i -s "$scale" -q postgres >/dev/null 2>&1
sql "vacuum (freeze, analyze)" >/dev/null; sql "checkpoint" >/dev/null

tool_of() { [[ $1 == A ]] && echo /usr/bin/pgbackrest || echo "$pgrest"; }

# run NAME REPO ARGS...: seconds and 512-byte blocks written (GNU time %e %O), kept in $work/<NAME>.time
run() {
  local name=$1 repo=$2; shift 2
  as_pg /usr/bin/time -f "%e %O" -o "$work/$name.time" "$(tool_of "$repo")" --config="$work/pgbackrest-$repo.conf" --stanza=bench "$@"
}
seconds() { cut -d' ' -f1 "$work/$1.time"; }
written() { echo $(( $(cut -d' ' -f2 "$work/$1.time") * 512 )); }
newest() { ls -1 "$work/repo-$1/backup/bench" | grep -E '^[0-9]{8}-' | sort | tail -1; }
stored() { du -sb "$work/repo-$1/backup/bench/$(newest "$1")" | cut -f1; }

printf 'metric\tpgbackrest\tpgrest\tratio\n' > "$results"
emit() { awk -v m="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%s\t%s\t%s\t%.3f\n", m, a, b, (a > 0 ? b / a : 0) }' >> "$results"; }

echo "block-incr: full backups" >&2
run full-A A --type=full backup; run full-B B --type=full backup; run full-C C --type=full backup
emit "full backup, s (pgrest block vs pgBackRest file level)" "$(seconds full-A)" "$(seconds full-B)"
emit "full backup, s (pgrest block vs pgrest file level)" "$(seconds full-C)" "$(seconds full-B)"
emit "full backup, bytes stored" "$(stored A)" "$(stored B)"
full_A=$(newest A); full_B=$(newest B)

# incr_and_delta CASE: incr on A and B, then a --delta restore of it over a restore of the full
incr_and_delta() {
  local case=$1
  run "$case-incr-A" A --type=incr backup; run "$case-incr-B" B --type=incr backup
  emit "$case: incr bytes stored" "$(stored A)" "$(stored B)"
  emit "$case: incr backup, s" "$(seconds "$case-incr-A")" "$(seconds "$case-incr-B")"
  for repo in A B; do
    local target="$work/restore-$repo" full; full=$([[ $repo == A ]] && echo "$full_A" || echo "$full_B")
    rm -rf "$target"; mkdir -m 700 "$target"; chown postgres "$target"
    run "$case-full-restore-$repo" "$repo" --pg1-path="$target" --set="$full" restore
    run "$case-delta-$repo" "$repo" --pg1-path="$target" --delta restore
  done
  emit "$case: --delta restore bytes written" "$(written "$case-delta-A")" "$(written "$case-delta-B")"
  emit "$case: --delta restore, s" "$(seconds "$case-delta-A")" "$(seconds "$case-delta-B")"
}

echo "block-incr: localized change" >&2
rows=$((scale * 100000))
sql "update pgbench_accounts set abalance = abalance + 1 where aid between $((rows / 3)) and $((rows / 3 + rows / 100))" >/dev/null
sql "insert into pgbench_accounts select g, 1, 0, 'appended' from generate_series($((rows + 1)), $((rows + rows / 1000))) g" >/dev/null
sql "checkpoint" >/dev/null
incr_and_delta localized

echo "block-incr: uniform random updates (pgbench -T $pgbench_time)" >&2
as_pg "$bin/pgbench" -h "$work" -p $port -c 2 -j 2 -T "$pgbench_time" postgres >/dev/null 2>&1
sql "checkpoint" >/dev/null
incr_and_delta uniform

cat "$results"
echo "block-incr: results in $results" >&2
