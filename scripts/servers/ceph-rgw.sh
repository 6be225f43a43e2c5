#!/usr/bin/env bash
# Ceph RADOS Gateway (S3) for the integration tests: one mon and one memstore OSD (RAM only, no mgr, no cephx inside the
# cluster), radosgw with TLS on 127.0.0.1 and tcp_nodelay=1, a user with an access/secret key, and the bucket `pgbackrest`
# created with a SigV4-signed PUT (pgBackRest never creates buckets). RGW checks signatures, so a wrong secret gets 403.
# Usage: ceph-rgw.sh install | start DIR | stop DIR      (see README.md)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home=/var/tmp/pgrest-test-servers/ceph-rgw
access_key=PGRESTACCESSKEY00001
secret_key=pgrestSecretKey000000000000000000000000000
bucket=pgbackrest
region=us-east-1
dns_name=s3.test
kms_key_id=pgrest-kms-key
kms_key=cGdyZXN0LXRlc3Qta21zLWtleS0zMi1ieXRlcyEhISE=

free_port() {
  python3 - <<'EOF' 2>/dev/null || shuf -i 20000-40000 -n 1
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
EOF
}

# SigV4 helpers on openssl (curl 7.88's --aws-sigv4 is refused by RGW).
sha256_hex() { printf '%s' "$1" | openssl dgst -sha256 -hex | sed 's/^.* //'; }
hmac_hex() { printf '%s' "$2" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$1" -hex | sed 's/^.* //'; }

create_bucket() {
  local port=$1 host="127.0.0.1:$1"
  local amz_date date payload canonical scope string_to_sign key signature
  amz_date=$(date -u +%Y%m%dT%H%M%SZ); date=${amz_date:0:8}
  payload=$(sha256_hex "")
  canonical="PUT"$'\n'"/$bucket"$'\n'$'\n'"host:$host"$'\n'"x-amz-content-sha256:$payload"$'\n'"x-amz-date:$amz_date"$'\n'$'\n'"host;x-amz-content-sha256;x-amz-date"$'\n'"$payload"
  scope="$date/$region/s3/aws4_request"
  string_to_sign="AWS4-HMAC-SHA256"$'\n'"$amz_date"$'\n'"$scope"$'\n'"$(sha256_hex "$canonical")"
  key=$(printf '%s' "$date" | openssl dgst -sha256 -mac HMAC -macopt "key:AWS4$secret_key" -hex | sed 's/^.* //')
  key=$(hmac_hex "$key" "$region"); key=$(hmac_hex "$key" s3); key=$(hmac_hex "$key" aws4_request)
  signature=$(hmac_hex "$key" "$string_to_sign")
  curl -sS -k -o "$dir/mkbucket.out" -w '%{http_code}' -X PUT "https://$host/$bucket" \
    -H "x-amz-date: $amz_date" -H "x-amz-content-sha256: $payload" -H "Content-Length: 0" \
    -H "Authorization: AWS4-HMAC-SHA256 Credential=$access_key/$scope, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=$signature"
}

stop_pid() {
  local file=$1
  [[ -s "$file" ]] || return 0
  local pid; pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

cluster_up() {
  local attempt=$1
  rm -rf "$d"; mkdir -p "$d"/{run,log,mon,osd/osd.0,rgw}
  mon_port=$(free_port); rgw_port=$(free_port)
  while [[ "$rgw_port" == "$mon_port" ]]; do rgw_port=$(free_port); done
  fsid=$(cat /proc/sys/kernel/random/uuid)
  cat > "$d/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
public network = 127.0.0.0/8
cluster network = 127.0.0.0/8
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = 4294967296
run dir = $d/run
admin socket = $d/run/\$name.asok
log file = $d/log/\$name.log
mon data = $d/mon/\$name
osd data = $d/osd/\$name
keyring = $d/keyring
[client.rgw.a]
rgw frontends = beast ssl_endpoint=127.0.0.1:$rgw_port ssl_certificate=$dir/tls.crt ssl_private_key=$dir/tls.key tcp_nodelay=1
rgw data = $d/rgw
# Host-style requests (bucket.s3.test) for clients that connect with repo-storage-host=127.0.0.1.
rgw dns name = $dns_name
# SSE-KMS with RGW's built-in test key store (repo-s3-kms-key-id=$kms_key_id).
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = $kms_key_id=$kms_key
CONF
  cd "$d"
  ceph-authtool --create-keyring keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --add a "v1:127.0.0.1:$mon_port" --fsid "$fsid" monmap >/dev/null
  ceph-mon -c ceph.conf --mkfs -i a --monmap monmap --keyring keyring >log/mon-mkfs.out 2>&1
  nohup ceph-mon -c ceph.conf -i a -f >log/mon.stdout 2>&1 </dev/null & echo $! > "$dir/mon.pid"
  timeout 60 ceph -c ceph.conf osd create >log/osd-create.out 2>&1
  ceph-osd -c ceph.conf -i 0 --mkfs >log/osd-mkfs.out 2>&1
  nohup ceph-osd -c ceph.conf -i 0 -f >log/osd.stdout 2>&1 </dev/null & echo $! > "$dir/osd.pid"
  for _ in $(seq 40); do
    kill -0 "$(cat "$dir/osd.pid")" 2>/dev/null || { cp log/osd.0.log "$dir/osd.0.attempt$attempt.log" 2>/dev/null; return 1; }
    if timeout 10 ceph -c ceph.conf osd stat 2>/dev/null | grep -q "1 up"; then return 0; fi
    sleep 1
  done
  return 1
}

case "${1:-}" in
install)
  if ! command -v radosgw >/dev/null || ! command -v ceph-mon >/dev/null || ! command -v ceph-osd >/dev/null; then
    sudo_cmd=(); [[ "$(id -u)" != 0 ]] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq radosgw
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends ceph-mon ceph-osd
  fi
  mkdir -p "$home"
  radosgw --version > "$home/version"
  ;;

start)
  dir="$(realpath -m "$2")"
  mkdir -p "$dir"; chmod a+rx "$dir"
  bash "$here/tls.sh" "$dir"
  d="$dir/ceph"
  # The OSD sometimes dies at start with "mon_cmd_maybe_osd_create fail: 'wrong fsid'" (a race in its first command
  # to the monitor); then the whole cluster is built again, which takes a few seconds.
  up=0
  for attempt in 1 2 3; do
    stop_pid "$dir/osd.pid"; stop_pid "$dir/mon.pid"
    cluster_up "$attempt" && { up=1; break; }
    echo "ceph-rgw: attempt $attempt: the OSD did not come up, building the cluster again" >&2
  done
  [[ $up == 1 ]] || { echo "ceph-rgw: the OSD did not come up (see $d/log)" >&2; exit 1; }
  nohup radosgw -c ceph.conf -n client.rgw.a -f >log/rgw.stdout 2>&1 </dev/null & echo $! > "$dir/rgw.pid"
  up=0
  for _ in $(seq 120); do
    if curl -sk -o /dev/null "https://127.0.0.1:$rgw_port/"; then up=1; break; fi
    sleep 0.5
  done
  [[ $up == 1 ]] || { echo "ceph-rgw: radosgw did not answer on $rgw_port (see $d/log)" >&2; exit 1; }
  timeout 60 radosgw-admin -c ceph.conf user create --uid=pgbackrest --display-name=pgbackrest \
    --access-key="$access_key" --secret-key="$secret_key" >log/user-create.out 2>&1
  status=000
  for _ in $(seq 20); do
    status=$(create_bucket "$rgw_port" || true)
    [[ "$status" == 200 ]] && break
    grep -q BucketAlreadyOwnedByYou "$dir/mkbucket.out" 2>/dev/null && { status=200; break; }
    sleep 1
  done
  [[ "$status" == 200 ]] || { echo "ceph-rgw: bucket creation answered $status: $(cat "$dir/mkbucket.out" 2>/dev/null)" >&2; exit 1; }
  chmod -R a+rX "$dir"
  echo "PORT=$rgw_port"
  echo "ACCESS_KEY=$access_key"
  echo "SECRET_KEY=$secret_key"
  echo "BUCKET=$bucket"
  echo "REGION=$region"
  echo "ENDPOINT=127.0.0.1"
  echo "DNS_NAME=$dns_name"
  echo "KMS_KEY_ID=$kms_key_id"
  ;;

stop)
  dir="$(realpath -m "$2")"
  stop_pid "$dir/rgw.pid"
  stop_pid "$dir/osd.pid"
  stop_pid "$dir/mon.pid"
  ;;

*)
  echo "usage: $0 install | start DIR | stop DIR" >&2
  exit 2
  ;;
esac
