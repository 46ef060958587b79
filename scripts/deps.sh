#!/usr/bin/env bash
# Installs the Debian 12 packages Doorstep needs to build, test and run. Idempotent: skips apt
# when everything is already installed. Run as root (or with sudo available).
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libsqlite3-dev libsqlcipher-dev sqlite3
  libprotobuf-dev protobuf-compiler
  catch2 libcli11-dev nlohmann-json3-dev
  libcurl4-openssl-dev libcpp-httplib-dev libssl-dev zlib1g-dev libzstd-dev
  libpqxx-dev postgresql
  universal-ctags  # scripts/function_sizes.sh
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "deps: all ${#PACKAGES[@]} packages present"
fi
