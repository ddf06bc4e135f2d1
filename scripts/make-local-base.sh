#!/usr/bin/env bash
# Makes a local base image for Jib where no container registry is reachable: a Debian root filesystem
# (debootstrap, variant minbase) with Debian's openjdk-17-jre-headless, packed as a `docker save` style
# tarball (manifest.json, config.json, one layer) that Jib takes as <from><image>tar:///path</image>.
#
#   sudo scripts/make-local-base.sh images/target/base/debian-bookworm-jre17.tar
#   scripts/build-images.sh --base tar://$PWD/images/target/base/debian-bookworm-jre17.tar
#
# Needs root (debootstrap) and Debian's package archive. The archive is the first one apt uses for the suite
# (/etc/apt/sources.list.d/*.sources or /etc/apt/sources.list), or DEBIAN_MIRROR=URL. SUITE=bookworm by
# default (Debian 12: its openjdk-17 is the Java 17 runtime). Installs debootstrap with apt-get if missing.
# Not part of CI: docs/IMAGES.md says how it was used to prove the images.
set -euo pipefail

out="${1:?usage: make-local-base.sh OUT.tar (e.g. images/target/base/debian-bookworm-jre17.tar)}"
suite="${SUITE:-bookworm}"
[ "$(id -u)" -eq 0 ] || { echo "make-local-base: debootstrap needs root" >&2; exit 1; }

mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  # deb822 stanzas: the URIs of the first stanza whose Suites name this suite
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    mirror="$(awk -v s="$suite" 'BEGIN { RS=""; FS="\n" }
      { uris=""; ok=0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); split($i, u, " "); uris=u[1] }
          if ($i ~ /^Suites:/) { n=split($i, w, /[ \t]+/); for (j = 2; j <= n; j++) if (w[j] == s) ok=1 }
        }
        if (ok && uris != "") { print uris; exit } }' "$f")"
    [ -n "$mirror" ] && break
  done
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror="$(awk -v s="$suite" '$1 == "deb" && $3 == s { print $2; exit }' /etc/apt/sources.list)"
fi
[ -n "$mirror" ] || { echo "make-local-base: no Debian archive for '$suite' in apt's sources; set DEBIAN_MIRROR=URL" >&2; exit 1; }

if ! command -v debootstrap >/dev/null 2>&1; then
  echo "make-local-base: installing debootstrap" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
trap 'echo "make-local-base: failed at line $LINENO" >&2' ERR
root="$work/rootfs"
echo "make-local-base: debootstrap $suite (minbase + openjdk-17-jre-headless) into $root" >&2
debootstrap --variant=minbase --include=openjdk-17-jre-headless "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log" >&2; exit 1; }

# what a container image does not carry: package caches and lists, docs, device nodes, mounts' contents
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/usr/share/doc/* "$root"/usr/share/man/* \
  "$root"/usr/share/info/* "$root"/var/log/* "$root"/dev/* "$root"/proc/* "$root"/sys/* "$root"/run/* "$root"/tmp/*
chmod 1777 "$root/tmp"
java_bin="$(find "$root/usr/lib/jvm" -mindepth 3 -maxdepth 3 -path '*/bin/java' -type f | sort | head -1)"
[ -n "$java_bin" ] || { echo "make-local-base: no java under /usr/lib/jvm in the root filesystem" >&2; exit 1; }
java_home="${java_bin#"$root"}"
java_home="${java_home%/bin/java}"
java_version="openjdk-17-jre-headless $(chroot "$root" dpkg-query -W -f='${Version}' openjdk-17-jre-headless)"

mkdir -p "$work/image"
tar --numeric-owner -C "$root" -cf "$work/image/layer.tar" .
diff_id="sha256:$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)"
created="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
tag="ringmaster-base:debian-$suite-jre17"
jq -n --arg diff "$diff_id" --arg created "$created" --arg jh "$java_home" --arg suite "$suite" '{
  architecture: "amd64", os: "linux", created: $created,
  config: {
    Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ("JAVA_HOME=" + $jh), "LANG=C.UTF-8"],
    Cmd: ["/bin/sh"]
  },
  rootfs: {type: "layers", diff_ids: [$diff]},
  history: [{created: $created, created_by: ("debootstrap --variant=minbase --include=openjdk-17-jre-headless " + $suite)}]
}' >"$work/image/config.json"
jq -n --arg tag "$tag" '[{Config: "config.json", RepoTags: [$tag], Layers: ["layer.tar"]}]' >"$work/image/manifest.json"

mkdir -p "$(dirname "$out")"
tar -C "$work/image" -cf "$out" manifest.json config.json layer.tar
echo "make-local-base: $out ($tag, $(du -m "$out" | cut -f1) MB, one layer $diff_id; $java_version, JAVA_HOME=$java_home)"
