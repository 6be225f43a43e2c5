# Sourced by setup.sh and install.sh: install_missing WHO PACKAGE... installs the Debian packages not yet installed
# (with sudo unless root); without dpkg it does nothing.
install_missing() {
  local who="$1"; shift
  command -v dpkg >/dev/null || return 0
  local sudo_cmd=() missing=() package
  if [[ "$(id -u)" != 0 ]]; then sudo_cmd=(sudo); fi
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "$who: installing ${missing[*]}" >&2
    "${sudo_cmd[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >&2
  fi
}
