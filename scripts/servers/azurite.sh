#!/usr/bin/env bash
# Azurite 3.37.0 (npm), Microsoft's Azure Blob Storage emulator, for repo-type=azure tests.
#   azurite.sh install     installs it under /var/tmp/pgrest-test-servers/azurite (quick when already there)
#   azurite.sh start DIR   serves HTTPS on 127.0.0.1:<free port> with DIR/tls.crt, data in DIR/data, creates the
#                          container 'pgbackrest' and prints PORT=, ACCOUNT=, KEY=, CONTAINER=, ENDPOINT=, SAS=
#   azurite.sh stop DIR    stops it
# Azurite checks SharedKey signatures (a wrong key gets 403) and accepts account SAS tokens signed with the key.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version=3.37.0
home=/var/tmp/pgrest-test-servers/azurite
# The emulator's well-known development account (documented by Microsoft; not a secret).
account=devstoreaccount1
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
container=pgbackrest

install() {
  if [[ -x "$home/node_modules/.bin/azurite-blob" ]] && grep -q "\"version\": \"$version\"" "$home/node_modules/azurite/package.json" 2>/dev/null; then
    return 0
  fi
  command -v node >/dev/null || { echo "azurite: node (>= 20) is required" >&2; exit 1; }
  mkdir -p "$home"
  (cd "$home" && npm install --no-audit --no-fund --loglevel=error "azurite@$version" >&2)
  chmod -R a+rX "$home"
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Creates the container with a SharedKey-signed PUT ?restype=container (201, or 409 when it exists).
create_container() {
  local port="$1"
  node - "$port" "$account" "$key" "$container" <<'EOF'
const https = require('https'), crypto = require('crypto');
const [port, account, key, container] = process.argv.slice(2);
const date = new Date().toUTCString(), version = '2019-02-02';
const sts = ['PUT', '', '', '', '', '', '', '', '', '', '', '', `x-ms-date:${date}\nx-ms-version:${version}`,
  `/${account}/${account}/${container}\nrestype:container`].join('\n');
const sig = crypto.createHmac('sha256', Buffer.from(key, 'base64')).update(sts, 'utf8').digest('base64');
const req = https.request({ host: '127.0.0.1', port: +port, path: `/${account}/${container}?restype=container`, method: 'PUT',
  rejectUnauthorized: false, headers: { 'x-ms-date': date, 'x-ms-version': version, 'Content-Length': 0,
  Authorization: `SharedKey ${account}:${sig}` } }, res => {
  let b = ''; res.on('data', d => b += d);
  res.on('end', () => { if (res.statusCode !== 201 && res.statusCode !== 409) { console.error(res.statusCode, b); process.exit(1); } });
});
req.on('error', e => { console.error(e.message); process.exit(2); });
req.end();
EOF
}

# An account SAS (service b, resource types sco, all permissions) valid for a day, signed with the account key.
account_sas() {
  node - "$account" "$key" <<'EOF'
const crypto = require('crypto');
const [account, key] = process.argv.slice(2);
const iso = d => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const st = iso(new Date(Date.now() - 5 * 60000)), se = iso(new Date(Date.now() + 24 * 3600000));
const sv = '2019-02-02', sp = 'rwdlacup', ss = 'b', srt = 'sco', spr = 'https';
const sts = [account, sp, ss, srt, st, se, '', spr, sv, ''].join('\n');
const sig = crypto.createHmac('sha256', Buffer.from(key, 'base64')).update(sts, 'utf8').digest('base64');
const q = { sv, ss, srt, sp, se, st, spr, sig };
console.log(Object.entries(q).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));
EOF
}

start() {
  local dir="$1"
  install
  bash "$here/tls.sh" "$dir"
  mkdir -p "$dir/data"
  local port
  port="$(free_port)"
  nohup "$home/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" --location "$dir/data" \
    --cert "$dir/tls.crt" --key "$dir/tls.key" --disableTelemetry --silent >"$dir/azurite.log" 2>&1 </dev/null &
  echo $! >"$dir/azurite.pid"
  for _ in $(seq 300); do
    if curl -sk -o /dev/null "https://127.0.0.1:$port/"; then break; fi
    if ! kill -0 "$(cat "$dir/azurite.pid")" 2>/dev/null; then
      echo "azurite exited; log:" >&2; cat "$dir/azurite.log" >&2; exit 1
    fi
    sleep 0.2
  done
  create_container "$port"
  echo "PORT=$port"
  echo "ENDPOINT=127.0.0.1"
  echo "ACCOUNT=$account"
  echo "KEY=$key"
  echo "CONTAINER=$container"
  echo "SAS=$(account_sas)"
}

stop() {
  local dir="$1"
  [[ -f "$dir/azurite.pid" ]] || return 0
  local pid
  pid="$(cat "$dir/azurite.pid")"
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/azurite.pid"
}

case "${1:-}" in
  install) install ;;
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2 ;;
esac
