#!/usr/bin/env bash
# Installs the Debian 12 packages Doorstep needs to build, test and run. Idempotent: skips apt
# when everything is already installed. Run as root (or with sudo available).
#   scripts/deps.sh          the native (amd64) build: every variant of scripts/test.sh but arm64
#   scripts/deps.sh arm64    also the aarch64 cross build (scripts/arm64.sh): adds the arm64 dpkg
#                            architecture, the cross compiler, qemu-user and the arm64 libraries
# Nothing that removes an installed package is ever installed: the plan is simulated first
# (apt-get -s) and refused if it would remove anything (an arm64 -dev package that is not
# multi-arch would replace its amd64 twin: Debian 12's libsqlcipher-dev is one, so only the arm64
# runtime libsqlcipher0:arm64 is installed and scripts/arm64.sh uses the amd64 headers).
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libsqlite3-dev libsqlcipher-dev sqlite3
  libprotobuf-dev protobuf-compiler
  catch2 libcli11-dev nlohmann-json3-dev
  libcurl4-openssl-dev libcpp-httplib-dev libssl-dev zlib1g-dev libzstd-dev
  openssl  # the TLS tests make a CA and certificates at test time
  clang-14 libfuzzer-14-dev  # the asan variant: clang's ASan + UBSan and the libFuzzer targets
  libpqxx-dev postgresql
  universal-ctags  # scripts/function_sizes.sh
  openjdk-17-jdk-headless junit5  # the Java binding (platform/android) and its JUnit tests
)
ARM64_PACKAGES=(
  g++-aarch64-linux-gnu qemu-user libc6:arm64
  libsqlcipher0:arm64 libprotobuf-dev:arm64 libcurl4-openssl-dev:arm64
  zlib1g-dev:arm64 libzstd-dev:arm64
)
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

if [ "${1:-}" = arm64 ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "deps: dpkg --add-architecture arm64"
    $SUDO dpkg --add-architecture arm64
    $SUDO apt-get update -qq
  fi
  PACKAGES+=("${ARM64_PACKAGES[@]}")
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  plan=$($SUDO apt-get -s install --no-install-recommends "${missing[@]}")
  if grep -q '^Remv' <<<"$plan"; then
    echo "deps: refusing: installing these would remove installed packages:"
    grep '^Remv' <<<"$plan"
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "deps: all ${#PACKAGES[@]} packages present"
fi
