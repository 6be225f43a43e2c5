#!/usr/bin/env bash
# Creates a self-signed certificate for 127.0.0.1/localhost in DIR (tls.crt, tls.key) unless one is there.
# The object-store test servers serve HTTPS with it; clients trust it through repoN-storage-ca-file.
# 127.0.0.1 is also a DNS name in it: pgBackRest 2.45 matches the host only against DNS subject alternative names.
set -euo pipefail
dir="$1"
mkdir -p "$dir"
if [[ ! -s "$dir/tls.crt" || ! -s "$dir/tls.key" ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/tls.key" -out "$dir/tls.crt" -days 365 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost" >/dev/null 2>&1
fi
chmod 644 "$dir/tls.key" "$dir/tls.crt"
