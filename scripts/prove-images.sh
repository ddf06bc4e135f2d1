#!/usr/bin/env bash
# Proves the images where no container runtime or registry is at hand (root only; not part of CI):
#  1. a local base image: Debian (debootstrap) + openjdk-17-jre-headless (scripts/make-local-base.sh);
#  2. the coordinator and CPU worker images built from it by Jib as OCI tarballs (scripts/build-images.sh);
#  3. each image's layers unpacked, in order, into a root filesystem; sizes of images and layers printed;
#  4. from those filesystems, each process in its own mount and PID namespace (unshare + chroot, the image's
#     entrypoint, environment and user, the host's loopback network): a coordinator (--scheduler external),
#     two workers (with CPU=without-avx2 both are told their CPU has no AVX2, so the entrypoint must choose
#     the generic ND4J build), and the client (from the coordinator image) submitting examples/fashion-mlp.yaml, following it
#     to the end, and downloading the model. The client sees the Fashion-MNIST files; coordinator and workers
#     do not (the client uploads them, the workers fetch them from the coordinator).
#
#   sudo scripts/prove-images.sh [EPOCHS]        # default 2 epochs; MAVEN_ARGS="-o" to build offline,
#                                                # REUSE_IMAGES=1 to run the tarballs built last time,
#   sudo CPU=without-avx2 REUSE_IMAGES=1 scripts/prove-images.sh 1   # both workers told their CPU lacks AVX2
#
# Everything lands in images/target/ (base/, oci/, rootfs/, proof/ with every process's log). docs/IMAGES.md
# has what it printed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "prove-images: needs root (debootstrap, unshare, chroot)" >&2; exit 1; }
epochs="${1:-2}"
port="${PORT:-17070}"
repo="$PWD"
target="$repo/images/target"
base="$target/base/debian-bookworm-jre17.tar"
proof="$target/proof"
data=/usr/share/datasets/fashion-mnist
[ -f "$data/train-images-idx3-ubyte.gz" ] || { echo "prove-images: no $data (apt-get install dataset-fashion-mnist)" >&2; exit 1; }

say() { echo; echo "== $*"; }

if [ ! -f "$base" ]; then
  say "local base image"
  scripts/make-local-base.sh "$base"
fi
if [ "${REUSE_IMAGES:-}" = 1 ] && [ -f "$target/oci/coordinator.tar" ] && [ -f "$target/oci/worker.tar" ]; then
  say "images: reusing $target/oci/{coordinator,worker}.tar (REUSE_IMAGES=1)"
else
  say "images from tar://$base"
  # shellcheck disable=SC2086 # MAVEN_ARGS are words for Maven
  scripts/build-images.sh --base "tar://$base" --out "$target/oci" -- -q ${MAVEN_ARGS:-}
fi

# Unpacks an OCI image tarball's layers, in order, into $2; keeps the image's config as $2.config.json;
# prints the image's layers: compressed and unpacked size and what Jib put in each (from the history).
unpack() {
  local tarball="$1" rootfs="$2" oci manifest config
  oci="$(mktemp -d)"
  tar -xf "$tarball" -C "$oci"
  mkdir -p "$(dirname "$rootfs")"
  manifest="$oci/blobs/sha256/$(jq -r '.manifests[0].digest' "$oci/index.json" | cut -d: -f2)"
  config="$oci/blobs/sha256/$(jq -r '.config.digest' "$manifest" | cut -d: -f2)"
  cp "$config" "$rootfs.config.json"
  rm -rf "$rootfs"
  mkdir -p "$rootfs"
  local i=0 digest size unpacked what
  printf '%-4s %12s %12s  %s\n' layer "gzip MB" "unpacked MB" "content"
  # history entries that made a layer, in order (Jib writes one per layer, with its name as comment)
  mapfile -t whats < <(jq -r '.history[] | select(.empty_layer != true) | (.comment // .created_by // "")' "$config")
  while read -r digest size; do
    local blob="$oci/blobs/sha256/${digest#sha256:}"
    tar --numeric-owner --warning=no-unknown-keyword -xzf "$blob" -C "$rootfs"
    unpacked="$(gzip -dc "$blob" | wc -c)"
    what="${whats[$i]:-}"
    awk -v i="$i" -v s="$size" -v u="$unpacked" -v w="$what" 'BEGIN { printf "%-4d %12.1f %12.1f  %s\n", i, s/1048576, u/1048576, w }'
    i=$((i + 1))
  done < <(jq -r '.layers[] | "\(.digest) \(.size)"' "$manifest")
  rm -rf "$oci"
}

# pids of the unshare processes started in the background. Each one's child is the JVM, PID 1 of its own
# PID namespace (its death ends everything in that namespace): stop the JVM by its pid, then unshare.
pids=()
cleanup() {
  local p c i
  for p in ${pids[@]+"${pids[@]}"}; do
    for c in $(pgrep -P "$p" || true); do kill -TERM "$c" 2>/dev/null || true; done
  done
  for p in ${pids[@]+"${pids[@]}"}; do
    for i in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$p" 2>/dev/null; then
      echo "prove-images: process $p did not end within 20 s of SIGTERM: killing it" >&2
      for c in $(pgrep -P "$p" || true); do kill -KILL "$c" 2>/dev/null || true; done
      kill -KILL "$p" 2>/dev/null || true
    fi
    wait "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT

# Runs the image unpacked in $1 as a container would (replacing the calling (sub)shell: run it in the
# background with & to get unshare's pid in $!): its own mount and PID namespaces (/dev bound, a fresh
# /proc, a tmpfs /tmp, $proof at /proof, and "--data" binds the dataset at its own path), the image's
# entrypoint, environment, working directory and user, plus "--env K=V"s; the rest are the arguments.
run_image() {
  local rootfs="$1"; shift
  local cfg="$rootfs.config.json" binds="" extra_env=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --data) binds="$data"; shift ;;
      --env) extra_env+=("$2"); shift 2 ;;
      *) break ;;
    esac
  done
  local user workdir
  user="$(jq -r '.config.User // "0:0"' "$cfg")"
  workdir="$(jq -r '.config.WorkingDir // "/"' "$cfg")"
  mapfile -t entrypoint < <(jq -r '.config.Entrypoint[]' "$cfg")
  mapfile -t env < <(jq -r '.config.Env[]' "$cfg")
  mkdir -p "$rootfs/proof" "$rootfs/dev" "$rootfs/proc" "$rootfs/tmp"
  [ -z "$binds" ] || mkdir -p "$rootfs$binds"
  # shellcheck disable=SC2016 # expanded by the inner shell
  exec unshare --mount --pid --fork --kill-child -- /bin/sh -c '
    set -e
    root="$1"; proof="$2"; binds="$3"; user="$4"; workdir="$5"; shift 5
    mount --rbind /dev "$root/dev"
    mount -t proc proc "$root/proc"
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
    mount --bind "$proof" "$root/proof"
    [ -z "$binds" ] || mount --bind -o ro "$binds" "$root$binds"
    exec chroot --userspec="$user" "$root" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$workdir" "$@"
  ' sh "$rootfs" "$proof" "$binds" "$user" "$workdir" \
    /usr/bin/env -i "${env[@]}" ${extra_env[@]+"${extra_env[@]}"} "${entrypoint[@]}" "$@"
}

say "unpacked images"
for image in coordinator worker; do
  echo "-- $image: $target/oci/$image.tar, $(du -m "$target/oci/$image.tar" | cut -f1) MB"
  unpack "$target/oci/$image.tar" "$target/rootfs/$image"
  echo "   unpacked root filesystem: $(du -sm "$target/rootfs/$image" | cut -f1) MB"
done

rm -rf "$proof"
mkdir -p "$proof"
cp examples/fashion-mlp.yaml "$proof/fashion-mlp.yaml"
cp images/src/prove/json-five-outputs.yaml images/src/prove/five-outputs.json "$proof/"
sed -E 's/ avx2( |$)/\1/g' /proc/cpuinfo >"$proof/cpuinfo-without-avx2"
chown -R 10001:10001 "$proof"

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "prove-images: something already listens on 127.0.0.1:$port (a coordinator left from an earlier run?);" \
    "stop it or choose another PORT=" >&2
  exit 1
fi
say "coordinator (from the coordinator image) on 127.0.0.1:$port"
run_image "$target/rootfs/coordinator" coordinator --host 127.0.0.1 --port "$port" --scheduler external --client-auth none \
  --data-dir /proof/coordinator-data >"$proof/coordinator.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$proof/coordinator.log"; echo "prove-images: the coordinator exited" >&2; exit 1; }
  sleep 1
done

say "client (from the coordinator image): a DL4J JSON model the coordinator must run to refuse"
# validation builds the network and runs two rows through it in the coordinator: its generic ND4J build
# (run_image execs: in a subshell, so that this script goes on)
if (run_image "$target/rootfs/coordinator" --data submit /proof/json-five-outputs.yaml \
  --coordinator "127.0.0.1:$port") >"$proof/json-model.log" 2>&1; then
  cat "$proof/json-model.log"; echo "prove-images: the coordinator accepted a model with 5 outputs for 10 classes" >&2; exit 1
fi
grep -a "invalid job spec\|spec\.model" "$proof/json-model.log" | sed 's/^/  /' || true
grep -q "the output layer has 5 outputs" "$proof/json-model.log" || {
  echo "prove-images: the JSON model was refused, but not for its output layer (see $proof/json-model.log)" >&2; exit 1; }

# Both workers see the same CPU (a job's workers must run the same ND4J build, see the entrypoint):
# CPU=host (default) their own /proc/cpuinfo, CPU=without-avx2 a copy without the avx2 flag, so the entrypoint
# must choose the generic build.
cpu="${CPU:-host}"
cpu_env=()
case "$cpu" in
  host) ;;
  without-avx2) cpu_env=(--env RINGMASTER_CPUINFO=/proof/cpuinfo-without-avx2) ;;
  *) echo "prove-images: CPU must be host or without-avx2" >&2; exit 2 ;;
esac
say "two workers (from the worker image), CPU=$cpu"
for w in 1 2; do
  run_image "$target/rootfs/worker" --env RINGMASTER_LOG_LEVEL=INFO ${cpu_env[@]+"${cpu_env[@]}"} \
    worker --coordinator "127.0.0.1:$port" --host 127.0.0.1 >"$proof/worker-$w.log" 2>&1 &
  pids+=($!)
done

say "client (from the coordinator image): submit examples/fashion-mlp.yaml --workers 2 --epochs $epochs --watch"
run_image "$target/rootfs/coordinator" --data submit /proof/fashion-mlp.yaml --coordinator "127.0.0.1:$port" \
  --workers 2 --epochs "$epochs" --watch 2>&1 | tee "$proof/client.log"
job="$(grep -o 'Job [^ ]* succeeded' "$proof/client.log" | awk '{print $2}' | tail -1)"
[ -n "$job" ] || { echo "prove-images: the job did not succeed (logs in $proof)" >&2; exit 1; }
run_image "$target/rootfs/coordinator" download "$job" --coordinator "127.0.0.1:$port" -o /proof/model.zip 2>&1 \
  | tee -a "$proof/client.log"

say "what the workers loaded"
grep -h "ND4J native library\|Picked up JAVA_TOOL_OPTIONS" "$proof"/worker-*.log | sed 's/^/  /' || true
echo "model: $(unzip -l "$proof/model.zip" 2>/dev/null | tail -1 || ls -l "$proof/model.zip")"
echo "logs: $proof"
