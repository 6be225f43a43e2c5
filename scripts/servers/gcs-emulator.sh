#!/usr/bin/env bash
# The GCS test server: the firebase-tools storage emulator (npm firebase-tools@15.34.2) run through
# gcs-emulator-shim.js, which stubs the emulator's Java rules runtime, serves HTTPS on 127.0.0.1, checks bearer tokens,
# answers service-account token requests (POST /token) and fixes chunked resumable uploads (RESUMABLE_FIX=2).
#   gcs-emulator.sh install      npm install into /var/tmp/pgrest-test-servers/gcs-emulator (about 200 s and 312 MB, once)
#   gcs-emulator.sh start DIR    prints PORT=, BUCKET=, TOKEN=, SERVICE_KEY=, WRONG_SERVICE_KEY=
#   gcs-emulator.sh stop DIR
# The emulator keeps object metadata in memory: everything is gone after a restart. Buckets are created on first use.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home=/var/tmp/pgrest-test-servers/gcs-emulator
version=15.34.2

install() {
  if [[ -f "$home/node_modules/firebase-tools/package.json" ]] &&
     grep -q "\"version\": \"$version\"" "$home/node_modules/firebase-tools/package.json"; then
    return 0
  fi
  command -v npm >/dev/null || { echo "npm is needed for the GCS emulator (apt-get install nodejs npm)" >&2; exit 1; }
  mkdir -p "$home"
  (cd "$home" && npm install --no-audit --no-fund --loglevel=error "firebase-tools@$version" >&2)
}

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# A service account key file as Google issues them (PKCS#8 key), whose token_uri is the shim's /token.
service_key() { # file port
  local pem
  pem="$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null)"
  PEM="$pem" PORT="$2" node -e '
    const key = { type: "service_account", project_id: "demo-pgrest", private_key_id: "0123456789abcdef",
      private_key: process.env.PEM + "\n", client_email: "pgrest-test@demo-pgrest.iam.gserviceaccount.com",
      client_id: "1", auth_uri: "https://accounts.google.com/o/oauth2/auth",
      token_uri: "https://127.0.0.1:" + process.env.PORT + "/token" };
    process.stdout.write(JSON.stringify(key, null, 2) + "\n");' > "$1"
  chmod 644 "$1"
}

start() {
  local dir="$1"
  install
  mkdir -p "$dir/tmp"
  bash "$here/tls.sh" "$dir"
  local port token
  port="$(free_port)"
  token="ya29.pgrest-test-$(openssl rand -hex 16)"
  service_key "$dir/service-key.json" "$port"
  service_key "$dir/wrong-service-key.json" "$port"
  FB="$home" TOKEN="$token" SERVICE_KEY="$dir/service-key.json" RESUMABLE_FIX=2 TMPDIR="$dir/tmp" \
    nohup node "$here/gcs-emulator-shim.js" "$port" "$dir/tls.key" "$dir/tls.crt" > "$dir/server.log" 2>&1 < /dev/null &
  echo $! > "$dir/server.pid"
  for _ in $(seq 300); do
    if curl -sk -o /dev/null "https://127.0.0.1:$port/"; then
      chmod -R a+rX "$dir"
      echo "PORT=$port"
      echo "BUCKET=pgbackrest"
      echo "TOKEN=$token"
      echo "SERVICE_KEY=$dir/service-key.json"
      echo "WRONG_SERVICE_KEY=$dir/wrong-service-key.json"
      return 0
    fi
    if ! kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
      echo "gcs emulator exited:" >&2; cat "$dir/server.log" >&2; exit 1
    fi
    sleep 0.2
  done
  echo "gcs emulator did not answer on 127.0.0.1:$port" >&2; cat "$dir/server.log" >&2
  exit 1
}

stop() {
  local dir="$1"
  if [[ -f "$dir/server.pid" ]]; then
    kill "$(cat "$dir/server.pid")" 2>/dev/null || true
    rm -f "$dir/server.pid"
  fi
}

case "${1:-}" in
  install) install ;;
  start) start "${2:?usage: $0 start DIR}" ;;
  stop) stop "${2:?usage: $0 stop DIR}" ;;
  *) echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2 ;;
esac
