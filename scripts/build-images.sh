#!/usr/bin/env bash
# Builds Ringmaster's container images with Jib (no Docker daemon): the coordinator and the CPU worker, and
# with --cuda the CUDA worker (it downloads ~600 MB of CUDA jars the first time).
#
#   scripts/build-images.sh                          # OCI tarballs in images/target/oci/<image>.tar
#   scripts/build-images.sh --push registry.example/ml     # pushes registry.example/ml/ringmaster/<image>:TAG
#   scripts/build-images.sh --cuda --base tar:///tmp/base.tar --tag 0.1.0-rc1 -- -o
#
# Options:
#   --push REGISTRY   push to REGISTRY/ringmaster/<image>:TAG instead of writing tarballs. Jib reads the
#                     credentials from the Docker config / credential helpers, or -Djib.to.auth.username=...
#                     -Djib.to.auth.password=... after `--`; a plain-HTTP registry needs -Djib.allowInsecureRegistries=true.
#                     Jib does not push while Maven is offline: no -o with --push
#   --cuda            also build the CUDA worker (Maven profile `cuda`)
#   --base IMAGE      base image (default eclipse-temurin:17-jre): a registry reference, or tar:///abs/path.tar
#                     as scripts/make-local-base.sh makes it; it needs a Java 17 runtime and /bin/sh
#   --tag TAG         image tag (default 0.1.0, the Helm chart's appVersion)
#   --out DIR         where the tarballs go (default images/target/oci)
#   -- ARGS...        passed to Maven as they are (e.g. -o for offline, -q)
#
# Images (names as the Helm chart's values expect them): ringmaster/coordinator, ringmaster/worker,
# ringmaster/worker-cuda. See docs/IMAGES.md (layout, entrypoint, sizes, how they were proven).
set -euo pipefail
cd "$(dirname "$0")/.."

push=""
cuda=no
base=""
tag=""
out="images/target/oci"
maven_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --push) push="${2:?--push needs a registry, e.g. --push registry.example/ml}"; shift 2 ;;
    --cuda) cuda=yes; shift ;;
    --base) base="${2:?--base needs an image reference or tar:///path}"; shift 2 ;;
    --tag) tag="${2:?--tag needs a tag}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --) shift; maven_args+=("$@"); break ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-images: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ -n "$push" ]; then
  for a in ${maven_args[@]+"${maven_args[@]}"}; do
    case "$a" in
      -o | --offline) echo "build-images: Jib does not push while Maven is offline: drop $a with --push" >&2; exit 2 ;;
    esac
  done
fi
command -v mvn >/dev/null 2>&1 || { echo "build-images: Maven (mvn) is not on the PATH; install Maven 3.8+" >&2; exit 1; }

images=(coordinator worker)
profiles="images"
if [ "$cuda" = yes ]; then
  images+=(worker-cuda)
  profiles="images,cuda"
fi
modules="$(printf 'images/%s,' "${images[@]}")"
props=(-DskipTests)
[ -n "$base" ] && props+=("-Dringmaster.image.base=$base")
[ -n "$tag" ] && props+=("-Dringmaster.image.tag=$tag")
if [ -n "$push" ]; then
  props+=(-Dringmaster.image.push=true "-Dringmaster.image.prefix=${push%/}/ringmaster/")
fi

# one reactor run: Jib takes the project's own modules (proto ... cli) from this build, not from ~/.m2
set -x
mvn -B -P"$profiles" -pl "${modules%,}" -am "${props[@]}" ${maven_args[@]+"${maven_args[@]}"} package
set +x

if [ -z "$push" ]; then
  mkdir -p "$out"
  for image in "${images[@]}"; do
    cp "images/$image/target/$image.tar" "$out/$image.tar"
    echo "build-images: $out/$image.tar ($(du -m "$out/$image.tar" | cut -f1) MB)"
  done
fi
