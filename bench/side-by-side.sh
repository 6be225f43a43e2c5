#!/usr/bin/env bash
# One side-by-side run of ../shared/bench/pgbr-bench.sh: pgBackRest 2.45, pgrest as published (Native AOT) and, with
# --with-r2r, pgrest built the way sessions 1 and 2 published it (self-contained composite ReadyToRun), interleaved per
# step on the same machine. Run as root from a checkout:
#   bench/side-by-side.sh [--with-r2r] [--scale=N] [any pgbr-bench.sh option...]
# Results: bench/results/side-by-side-<utc>.tsv (and .meta); summary: ../shared/bench/pgbr-report.py <tsv>.
# --scale-test runs the same backup and restore at scale 50 and 500 (pgrest and pgBackRest, lz4, process-max 2).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
harness="$root/../shared/bench/pgbr-bench.sh"
[[ -x "$harness" ]] || { echo "side-by-side: $harness not found" >&2; exit 2; }
with_r2r=0; scale_test=0; pass=()
for argument in "$@"; do
  case "$argument" in
    --with-r2r) with_r2r=1 ;;
    --scale-test) scale_test=1 ;;
    *) pass+=("$argument") ;;
  esac
done

# The tools are found on PATH by name; each variant gets a directory of its own, readable by postgres.
tools=/tmp/pgrest-bench-tools
rm -rf "$tools"; mkdir -p "$tools/aot"
dotnet publish "$root/src/PgRest.Cli/PgRest.Cli.csproj" -c Release -o "$tools/aot" --nologo -v quiet >&2
ln -s "$tools/aot/pgrest" "$tools/pgrest"
list=pgbackrest,pgrest
if [[ $with_r2r == 1 ]]; then
  mkdir -p "$tools/r2r"
  dotnet publish "$root/src/PgRest.Cli/PgRest.Cli.csproj" -c Release -o "$tools/r2r" --nologo -v quiet \
    -p:PublishAot=false -p:SelfContained=true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true >&2
  ln -s "$tools/r2r/pgrest" "$tools/pgrest-r2r"
  list+=,pgrest-r2r
fi
chmod -R a+rX "$tools"
export PATH="$tools:$PATH"

stamp=$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$root/bench/results"
if [[ $scale_test == 1 ]]; then
  for scale in 50 500; do
    "$harness" --tool=pgbackrest,pgrest --scale=$scale --compress=lz4 --pmax=2 --skip=anchors,basebackup,ops,pitr,archive \
      --results="$root/bench/results/scale-$scale-$stamp.tsv" "${pass[@]}"
  done
else
  "$harness" --tool=$list --compress="none lz4 zst" --pmax=2 --arch-compress="none lz4 zst" --skip=anchors,basebackup \
    --results="$root/bench/results/side-by-side-$stamp.tsv" "${pass[@]}"
fi
