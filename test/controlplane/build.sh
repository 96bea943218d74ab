#!/usr/bin/env bash
# Builds the test control plane (controlplane), kwok's controller (kwok, its own module set in kwok/)
# and a kubectl of the same Kubernetes version as the control plane, once:
# the binaries are cached under ${INTENTOPS_CONTROLPLANE_CACHE:-~/.cache/intentops/controlplane}/<hash>/
# where <hash> is the sha256 of this module's go.mod, go.sum, *.go files, kwok/go.mod, kwok/go.sum and
# this script, so any
# change to the module builds again. Prints progress on stderr; the last line on stdout is
#   CONTROLPLANE_DIR=<dir>
# Go modules come from the Go module proxy. Building from scratch takes many minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "controlplane build: no Go toolchain (expected go on PATH or /usr/local/go)" >&2; exit 1; }
export GOTOOLCHAIN=local GOFLAGS="-buildvcs=false -mod=readonly"
# Go's caches and ours live under $HOME: make sure it is set (some CI environments strip it).
if [ -z "${HOME:-}" ]; then
  HOME="$(getent passwd "$(id -u)" | cut -d: -f6)"
  export HOME
fi

log() { printf '[controlplane build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

hash="$(LC_ALL=C; for f in go.mod go.sum build.sh kwok/go.mod kwok/go.sum $(ls -1 ./*.go | sort); do printf '%s\0' "$f"; cat "$f"; printf '\0'; done | sha256sum | cut -c1-64)"
root="${INTENTOPS_CONTROLPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/intentops/controlplane}"
dest="$root/$hash"
mkdir -p "$root"

complete() { [ -x "$dest/controlplane" ] && [ -x "$dest/kwok" ] && [ -x "$dest/kubectl" ]; }
if complete && [ "${1:-}" != "--force" ]; then
  log "cached: $dest"
  echo "CONTROLPLANE_DIR=$dest"
  exit 0
fi

# One build at a time per cache (parallel test workers, CI and a developer may all ask).
exec 9>"$root/.lock"
log "waiting for the build lock ($root/.lock)"
flock 9
if complete && [ "${1:-}" != "--force" ]; then
  log "built by another process meanwhile: $dest"
  echo "CONTROLPLANE_DIR=$dest"
  exit 0
fi

k8s_version="$(go list -m -f '{{.Version}}' k8s.io/kubernetes)"
kwok_version="$(cd kwok && go list -m -f '{{.Version}}' sigs.k8s.io/kwok)"
etcd_version="$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
major="$(echo "$k8s_version" | sed -E 's/^v([0-9]+)\..*/\1/')"
minor="$(echo "$k8s_version" | sed -E 's/^v[0-9]+\.([0-9]+)\..*/\1/')"
log "go $(go env GOVERSION), kubernetes $k8s_version, etcd $etcd_version, kwok $kwok_version -> $dest"

started=$(date +%s)
log "downloading the Go modules the build needs"
dl_log="$(mktemp)"
if ! { go list -deps . k8s.io/kubernetes/cmd/kubectl >/dev/null && (cd kwok && go list -deps sigs.k8s.io/kwok/cmd/kwok >/dev/null); } 2>"$dl_log"; then
  cat "$dl_log" >&2
  rm -f "$dl_log"
  log "module download FAILED"
  exit 1
fi
log "modules ready after $(( $(date +%s) - started ))s ($(grep -c '^go: downloading' "$dl_log" || true) downloaded)"
rm -f "$dl_log"

# Version stamps, as Kubernetes' own release build sets them, so /version and `kubectl version`
# report the real version instead of v0.0.0-master.
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags="$ldflags -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

tmp="$(mktemp -d "$root/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
nice_cmd=()
command -v nice >/dev/null 2>&1 && nice_cmd=(nice -n "${CONTROLPLANE_BUILD_NICE:-15}")

# `go build -v` names each package as it is compiled: count them as progress.
progress() {
  local what="$1" n=0 t0
  t0=$(date +%s)
  while IFS= read -r line; do
    case "$line" in
      *" "*|*":"*|"#"*) printf '  %s\n' "$line" >&2 ;; # diagnostics, not package names
      *) n=$((n + 1)); if [ $((n % 100)) -eq 0 ]; then log "$what: $n packages compiled ($(( $(date +%s) - t0 ))s)"; fi ;;
    esac
  done
  log "$what: $n packages compiled in $(( $(date +%s) - t0 ))s"
}

log "building controlplane (etcd + kube-apiserver + kube-controller-manager + kube-scheduler)"
if ! "${nice_cmd[@]}" go build -v -ldflags "$ldflags" -o "$tmp/controlplane" . 2>&1 | progress controlplane; then
  log "controlplane build FAILED"
  exit 1
fi

log "building kwok $kwok_version (own module set: kwok/go.mod)"
if ! (cd kwok && "${nice_cmd[@]}" go build -v -ldflags "-s -w" -o "$tmp/kwok" sigs.k8s.io/kwok/cmd/kwok) 2>&1 | progress kwok; then
  log "kwok build FAILED"
  exit 1
fi

log "building kubectl $k8s_version"
if ! "${nice_cmd[@]}" go build -v -ldflags "$ldflags" -o "$tmp/kubectl" k8s.io/kubernetes/cmd/kubectl 2>&1 | progress kubectl; then
  log "kubectl build FAILED"
  exit 1
fi

seconds=$(( $(date +%s) - started ))
cat > "$tmp/build.json" <<EOF
{"kubernetes":"$k8s_version","etcd":"$etcd_version","kwok":"$kwok_version","go":"$(go env GOVERSION)","buildSeconds":$seconds,"hash":"$hash"}
EOF
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
# Keep the three newest builds (other checkouts may use older module versions); drop the rest.
ls -1dt "$root"/*/ 2>/dev/null | tail -n +4 | while read -r old; do
  log "removing old build ${old%/}"
  rm -rf "${old%/}"
done
log "done in ${seconds}s: $dest"
echo "CONTROLPLANE_DIR=$dest"
