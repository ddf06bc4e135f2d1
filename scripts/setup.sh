#!/usr/bin/env bash
# Installs what Ringmaster needs on a Debian/Ubuntu machine and is a no-op when it is all there:
# Java 17+, Maven, the Fashion-MNIST dataset (Debian package dataset-fashion-mnist), and iproute2 (`ip`,
# `tc`: the cross-host tests build hosts from network namespaces; they run as root, as CI does).
set -euo pipefail

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need_apt+=(dataset-fashion-mnist)
has_sbin() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; } # not on a user's PATH
{ has_sbin ip && has_sbin tc; } || need_apt+=(iproute2)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: need root (or sudo) to run: apt-get install -y ${need_apt[*]}" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null || true
  $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
if [ "${java_major%%.*}" -lt 17 ] 2>/dev/null; then
  echo "setup: Java 17 or newer is required (found ${java_major}); set JAVA_HOME or install openjdk-17-jdk-headless" >&2
  exit 1
fi
