#!/usr/bin/env bash
# OpenSSH's sshd (Debian's openssh-server), for repo-type=sftp and repository-host tests: a second host reached over
# SSH on loopback. Two OS users stand for the two hosts: postgres (the database host) and pgrest-repo (the repository
# host, which owns the repositories there).
#   sshd.sh install     installs openssh-server (the system service is left stopped; this script runs its own daemon)
#                       and creates the pgrest-repo user
#   sshd.sh start DIR   serves SSH on 127.0.0.1:<free port> with its own config and host keys in DIR, public-key
#                       authentication only, for the postgres and pgrest-repo OS users; prints PORT=, HOST=, USER=, ROOT= (an empty
#                       directory the user owns, for repositories), KEY= and KEY_PUB= (an unencrypted ed25519 key),
#                       KEY_ENCRYPTED= and KEY_PASSPHRASE= (an RSA key under a passphrase), KNOWN_HOSTS= (the host's
#                       keys as ssh-keyscan sees them) and FINGERPRINT_SHA1=/FINGERPRINT_MD5=/FINGERPRINT_SHA256= (hex of
#                       the hash of the ed25519 host key, as repo-sftp-host-fingerprint takes it); REPO_USER= (the
#                       repository host's user), REPO_HOST_ROOT= (an empty directory it owns), SSH_CMD= (an ssh client
#                       for the postgres user that logs in with KEY and checks KNOWN_HOSTS, for cmd-ssh) and
#                       REPO_SSH_CMD= (the same for the repository host's user, with a key of its own: pgN-host)
#   sshd.sh stop DIR    stops it
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
user=postgres
repo_user=pgrest-repo

install() {
  source "$here/../packages.sh"
  install_missing sshd openssh-server openssh-client
  ensure_repo_user
}

ensure_repo_user() {
  id -u "$repo_user" >/dev/null 2>&1 || useradd --system --create-home --home-dir "/var/lib/$repo_user" --shell /bin/bash "$repo_user"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# hex of hash($1) over the base64-decoded key blob of the .pub file $2
blob_hash() {
  awk '{print $2}' "$2" | base64 -d | openssl dgst "-$1" -binary | od -An -v -tx1 | tr -d ' \n'
}

start() {
  local dir="$1" port
  ensure_repo_user
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  port="$(free_port)"
  # sshd runs as root and drops to the user; its privilege-separation directory must exist.
  mkdir -p /run/sshd && chmod 0755 /run/sshd
  ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519" -C pgrest-test-host
  ssh-keygen -q -t ed25519 -N '' -f "$dir/client_ed25519" -C pgrest-test-client
  ssh-keygen -q -t rsa -b 3072 -N 'sftp key passphrase' -f "$dir/client_rsa" -C pgrest-test-client-encrypted
  ssh-keygen -q -t ed25519 -N '' -f "$dir/repo_client_ed25519" -C pgrest-test-repository-host
  cat "$dir/client_ed25519.pub" "$dir/client_rsa.pub" "$dir/repo_client_ed25519.pub" > "$dir/authorized_keys"
  chmod 0644 "$dir/authorized_keys"
  chown "$user:" "$dir/client_ed25519" "$dir/client_ed25519.pub" "$dir/client_rsa" "$dir/client_rsa.pub"
  chown "$repo_user:" "$dir/repo_client_ed25519" "$dir/repo_client_ed25519.pub"
  chmod 0755 "$dir"
  mkdir -p "$dir/root"
  chown "$user:" "$dir/root"
  chmod 0750 "$dir/root"
  mkdir -p "$dir/repo-host"
  chown "$repo_user:" "$dir/repo-host"
  chmod 0750 "$dir/repo-host"
  # What a DBA puts in ~/.ssh/config, kept beside the server instead: the key, and host keys checked strictly.
  cat > "$dir/ssh_config" <<EOF
Host *
  IdentityFile $dir/client_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $dir/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
EOF
  printf '#!/bin/sh\nexec ssh -F %s "$@"\n' "$dir/ssh_config" > "$dir/ssh"
  chmod 0755 "$dir/ssh"
  chmod 0644 "$dir/ssh_config"
  sed "s|$dir/client_ed25519|$dir/repo_client_ed25519|" "$dir/ssh_config" > "$dir/repo_ssh_config"
  printf '#!/bin/sh\nexec ssh -F %s "$@"\n' "$dir/repo_ssh_config" > "$dir/repo-ssh"
  chmod 0755 "$dir/repo-ssh"
  chmod 0644 "$dir/repo_ssh_config"
  cat > "$dir/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AllowUsers $user $repo_user
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
# PAM accounts: the postgres account has no password (locked), which sshd without PAM refuses outright.
UsePAM yes
# The keys live under /tmp, which is world-writable.
StrictModes no
Subsystem sftp internal-sftp
LogLevel VERBOSE
MaxStartups 64:30:128
MaxSessions 64
EOF
  /usr/sbin/sshd -t -f "$dir/sshd_config"
  /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
  local known=""
  for _ in $(seq 1 100); do
    known="$(ssh-keyscan -p "$port" -t ed25519 127.0.0.1 2>/dev/null || true)"
    [[ -n $known ]] && break
    sleep 0.1
  done
  [[ -n $known ]] || { echo "sshd: no answer on port $port" >&2; cat "$dir/sshd.log" >&2; exit 1; }
  echo "$known" > "$dir/known_hosts"
  chmod 0644 "$dir/known_hosts"
  echo "PORT=$port"
  echo "HOST=127.0.0.1"
  echo "USER=$user"
  echo "ROOT=$dir/root"
  echo "KEY=$dir/client_ed25519"
  echo "KEY_PUB=$dir/client_ed25519.pub"
  echo "KEY_ENCRYPTED=$dir/client_rsa"
  echo "KEY_PASSPHRASE=sftp key passphrase"
  echo "KNOWN_HOSTS=$dir/known_hosts"
  echo "LOG=$dir/sshd.log"
  echo "REPO_USER=$repo_user"
  echo "REPO_HOST_ROOT=$dir/repo-host"
  echo "SSH_CMD=$dir/ssh"
  echo "REPO_SSH_CMD=$dir/repo-ssh"
  echo "FINGERPRINT_MD5=$(blob_hash md5 "$dir/host_ed25519.pub")"
  echo "FINGERPRINT_SHA1=$(blob_hash sha1 "$dir/host_ed25519.pub")"
  echo "FINGERPRINT_SHA256=$(blob_hash sha256 "$dir/host_ed25519.pub")"
}

stop() {
  local dir="$1"
  if [[ -f "$dir/sshd.pid" ]]; then
    kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
    rm -f "$dir/sshd.pid"
  fi
}

case "${1:-}" in
  install) install ;;
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2 ;;
esac
