#!/usr/bin/env bash
# Production build benchmark: govite vs Vite 8 vs esbuild alone, side by side
# in one run, on a generated React 19 app (bench/genapp).
#
#   bench/run-build.sh            print a markdown report to stdout
#   bench/run-build.sh --write    also replace the Build section of docs/benchmarks.md
#
# Options (or environment variables):
#   --runs N     BENCH_RUNS     timed cold builds per tool (default 3)
#   --n N        BENCH_N        components in the generated app (default 1000)
#   --warmup N   BENCH_WARMUP   untimed builds per tool before timing (default 1)
#   --tools L    BENCH_TOOLS    which tools, space or comma separated (default "vite govite esbuild")
#
# What it does:
#   1. installs bench/node_modules from bench/package-lock.json (npm ci) when missing or stale,
#      and GNU time (Debian package `time`) when /usr/bin/time is not GNU time;
#   2. builds the govite CLI into bench/.work/govite (a failure is reported, not fatal);
#   3. generates the app into bench/.work/app (Node finds bench/node_modules by walking up);
#   4. runs warm-up builds, then RUNS rounds; each round builds once with every tool in turn
#      (interleaved, so drifting machine load hits all tools alike). Every build is cold: the
#      app's dist/ and node_modules/ (tool caches) are removed first; the OS file cache is warm.
#      Wall time is measured around the process (date +%s%N), peak RSS and CPU time come from
#      GNU time (`/usr/bin/time -v`: the largest resident set of the process or any descendant);
#   5. reports medians and ratios. A tool that fails is shown as failed in the Status column,
#      and the others go on. Logs: bench/.work/logs/; each tool's output of the last timed run:
#      bench/.work/out/<tool>/ (its size is in the report).
#
# The three commands, run in bench/.work/app:
#   vite:    node ../../node_modules/vite/bin/vite.js build
#   govite:  ../govite build <abs path of app>
#   esbuild: the platform binary of the esbuild package (node_modules/@esbuild/<os>-<arch>/bin/esbuild,
#            what node_modules/.bin/esbuild runs, called directly so no Node wrapper is timed):
#              esbuild src/main.jsx --bundle --splitting --format=esm --minify --jsx=automatic
#                --loader:.png=file --loader:.svg=file
#                --target=chrome111,edge111,firefox114,safari16.4 (Vite 8's default build target)
#                --define:process.env.NODE_ENV="production"
#                --entry-names=assets/[name]-[hash] --chunk-names=assets/[name]-[hash]
#                --asset-names=assets/[name]-[hash] --metafile=dist/.esbuild/meta.json --outdir=dist
#            It bundles and minifies the JS from src/main.jsx with code splitting at the React.lazy
#            imports, bundles CSS modules (esbuild's local-css loader for *.module.css) into one CSS
#            file per entry/chunk, and copies images as hashed files. It does not: read index.html
#            or vite.config.js, run plugins, inline small assets (Vite inlines < 4 KiB), split CSS
#            per chunk the way Vite does, add the modulepreload helper, write manifest.json or copy
#            public/. So it is a lower bound for the bundling work, not an equivalent build.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
WORK=$BENCH/.work
APP=$WORK/app
LOGS=$WORK/logs
OUT=$WORK/out
RES=$WORK/results
DOC=$ROOT/docs/benchmarks.md

RUNS=${BENCH_RUNS:-3}
N=${BENCH_N:-1000}
WARMUP=${BENCH_WARMUP:-1}
TOOLS=${BENCH_TOOLS:-vite govite esbuild}
WRITE=0

usage() { sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

SCRIPT=run-build.sh
log() { echo "run-build: $*" >&2; }
die() { log "$*"; exit 1; }
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
parse_args "runs:RUNS n:N warmup:WARMUP tools:TOOLS" "$@"
check_tools "vite govite esbuild"

# --- prerequisites -----------------------------------------------------------------------------

command -v node >/dev/null || die "node is required"
command -v npm >/dev/null || die "npm is required"
command -v go >/dev/null || die "go is required"

need_gnu_time

need_bench_modules

mkdir -p "$WORK"
rm -rf "$LOGS" "$OUT" "$RES"
mkdir -p "$LOGS" "$OUT" "$RES"

# --- govite CLI and the app --------------------------------------------------------------------

GOVITE_BUILD_ERR=
log "CGO_ENABLED=0 go build ./cmd/govite"
if ! (cd "$ROOT" && CGO_ENABLED=0 go build -o "$WORK/govite" ./cmd/govite) >"$LOGS/govite-go-build.log" 2>&1; then
  GOVITE_BUILD_ERR=$(grep -v '^#' "$LOGS/govite-go-build.log" | grep -m1 . || echo "see bench/.work/logs/govite-go-build.log")
  rm -f "$WORK/govite"
  log "govite CLI did not build: $GOVITE_BUILD_ERR"
fi

log "generating a $N-component app in ${APP#"$ROOT"/}"
(cd "$ROOT" && go run ./bench/genapp -out "$APP" -n "$N" -clean) >&2 || die "genapp failed"

# esbuild's platform binary, as node_modules/.bin/esbuild would run it.
ESBUILD=$(cd "$BENCH" && node -e '
  const os = { linux: "linux", darwin: "darwin", win32: "win32" }[process.platform] ?? process.platform;
  const arch = { x64: "x64", arm64: "arm64" }[process.arch] ?? process.arch;
  const path = require("path");
  const pkg = require.resolve(`@esbuild/${os}-${arch}/package.json`);
  console.log(path.join(path.dirname(pkg), "bin", "esbuild"));' 2>/dev/null)
[ -x "${ESBUILD:-}" ] || ESBUILD=$BENCH/node_modules/.bin/esbuild

ESBUILD_ARGS=(src/main.jsx --bundle --splitting --format=esm --minify --jsx=automatic
  --loader:.png=file --loader:.svg=file
  --target=chrome111,edge111,firefox114,safari16.4
  '--define:process.env.NODE_ENV="production"'
  '--entry-names=assets/[name]-[hash]' '--chunk-names=assets/[name]-[hash]'
  '--asset-names=assets/[name]-[hash]' --metafile=dist/.esbuild/meta.json --outdir=dist)

tool_cmd() { # sets the CMD array for tool $1
  case $1 in
    vite) CMD=(node "$BENCH/node_modules/vite/bin/vite.js" build) ;;
    govite) CMD=("$WORK/govite" build "$APP") ;;
    esbuild) CMD=("$ESBUILD" "${ESBUILD_ARGS[@]}") ;;
  esac
}

# --- runs --------------------------------------------------------------------------------------

declare -A STATUS
for t in $TOOLS; do STATUS[$t]=ok; done
if [ -n "$GOVITE_BUILD_ERR" ]; then STATUS[govite]="failed: go build ./cmd/govite: $GOVITE_BUILD_ERR"; fi

clean_app() { rm -rf "$APP/dist" "$APP/node_modules" "$BENCH/node_modules/.vite-temp"; }

# run_one TOOL LABEL: one cold build; appends "wall_s rss_kb cpu_s" to $RES/TOOL when LABEL is a
# timed run. Marks the tool failed on a non-zero exit.
run_one() {
  local tool=$1 label=$2 logf=$LOGS/$1-$2.log timef=$LOGS/$1-$2.time
  tool_cmd "$tool"
  clean_app
  local t0 t1 rc
  t0=$(date +%s%N)
  (cd "$APP" && /usr/bin/time -v -o "$timef" "${CMD[@]}") >"$logf" 2>&1
  rc=$?
  t1=$(date +%s%N)
  if [ $rc -ne 0 ]; then
    local why
    why=$(grep -v '^\s*$' "$logf" | grep -v 'Command exited with non-zero status' | tail -n 1 | cut -c1-160)
    STATUS[$tool]="failed (exit $rc): ${why:-no output} (log: bench/.work/logs/$tool-$label.log)"
    log "$tool $label: FAILED, exit $rc"
    return
  fi
  # A build that exits 0 without its main outputs is a failure, not a fast build.
  local missing=
  case $tool in
    vite|govite)
      for f in dist/index.html dist/.vite/manifest.json; do [ -f "$APP/$f" ] || missing="$missing $f"; done ;;
    esbuild)
      compgen -G "$APP/dist/assets/main-*.js" >/dev/null || missing=" dist/assets/main-*.js" ;;
  esac
  if [ -n "$missing" ]; then
    STATUS[$tool]="failed: exit 0 but no$missing (log: bench/.work/logs/$tool-$label.log)"
    log "$tool $label: FAILED, missing$missing"
    return
  fi
  local rss cpu
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timef")
  cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$timef")
  local wall
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b-a)/1e9}')
  log "$tool $label: ${wall}s, $((rss / 1024)) MB peak RSS, ${cpu}s CPU"
  case $label in run*) echo "$wall $rss $cpu" >>"$RES/$tool" ;; esac
  # Keep the last timed run's output for inspection, and measure it.
  if [ "$label" = "run$RUNS" ] && [ -d "$APP/dist" ]; then
    DIST_FILES[$tool]=$(find "$APP/dist" -type f | wc -l)
    DIST_KB[$tool]=$(find "$APP/dist" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f", s / 1024}')
    mv "$APP/dist" "$OUT/$tool"
  fi
}

declare -A DIST_FILES DIST_KB
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

for ((w = 1; w <= WARMUP; w++)); do
  for t in $TOOLS; do
    [ "${STATUS[$t]}" = ok ] && run_one "$t" "warmup$w"
  done
done
for ((r = 1; r <= RUNS; r++)); do
  for t in $TOOLS; do
    [ "${STATUS[$t]}" = ok ] && run_one "$t" "run$r"
  done
done
clean_app
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

# --- report ------------------------------------------------------------------------------------

# agg TOOL COLUMN(1 wall, 2 rss kb, 3 cpu) FN(median|min|max)
agg() {
  [ -s "$RES/$1" ] || { echo; return; }
  awk -v c="$2" '{print $c}' "$RES/$1" | numstat "$3"
}
verdict() { # verdict RATIO GOAL
  [ -n "$1" ] || { printf 'n/a'; return; }
  awk -v r="$1" -v g="$2" 'BEGIN {printf "%s (goal ≤ %s: %s)", r, g, (r <= g ? "met" : "missed")}'
}

VITE_V=$(pkgver vite)
ROLLDOWN_V=$(pkgver rolldown)
ESBUILD_V=$("$ESBUILD" --version 2>/dev/null || echo '?')
PLUGIN_V=$(pkgver @vitejs/plugin-react)
REACT_V=$(pkgver react)
CPU=$( (grep -m1 'model name' /proc/cpuinfo 2>/dev/null || sysctl -n machdep.cpu.brand_string 2>/dev/null) | sed 's/.*: //')
MEM_GB=$(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo 2>/dev/null)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "no commit")
if [ "$COMMIT" != "no commit" ] && [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]; then COMMIT="$COMMIT+dirty"; fi

name_of() {
  case $1 in
    vite) echo "Vite $VITE_V (rolldown $ROLLDOWN_V)" ;;
    govite) echo "govite ($COMMIT)" ;;
    esbuild) echo "esbuild $ESBUILD_V alone" ;;
  esac
}
cmd_of() {
  case $1 in
    vite) echo 'node node_modules/vite/bin/vite.js build' ;;
    govite) echo 'bench/.work/govite build <app>' ;;
    esbuild) echo "esbuild ${ESBUILD_ARGS[*]}" ;;
  esac
}

REPORT=$WORK/report.md
{
  echo "### Build: $N-component React app"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/run-build.sh\`: $RUNS cold build(s) per tool after $WARMUP warm-up, interleaved; median wall time, median of per-run peak RSS and CPU time (user+sys). Load average before/after: ${LOAD_BEFORE:-?} / ${LOAD_AFTER:-?}."
  echo
  echo "Machine: $(nproc) × ${CPU:-unknown CPU}, ${MEM_GB:-?} GiB RAM, $(uname -sr) · Node $(node --version) · $(go version | awk '{print $3}') · Vite $VITE_V · @vitejs/plugin-react $PLUGIN_V · esbuild $ESBUILD_V · React $REACT_V"
  echo
  echo "| Tool | Status | Wall, median (s) | Wall, min–max (s) | Peak RSS (MB) | CPU (s) | dist files | dist size (KB) |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  for t in $TOOLS; do
    st=${STATUS[$t]//|/\\|}
    wall=$(agg "$t" 1 median)
    rss=$(agg "$t" 2 median)
    [ -n "$rss" ] && rss=$(awk -v k="$rss" 'BEGIN {print k / 1024}')
    range=–
    [ -n "$wall" ] && range="$(fmtnum %.2f "$(agg "$t" 1 min)")–$(fmtnum %.2f "$(agg "$t" 1 max)")"
    echo "| $(name_of "$t") | $st | $(fmtnum %.2f "$wall") | $range | $(fmtnum %.0f "$rss") | $(fmtnum %.2f "$(agg "$t" 3 median)") | ${DIST_FILES[$t]:-–} | ${DIST_KB[$t]:-–} |"
  done
  echo
  gw=$(agg govite 1 median) gr=$(agg govite 2 median)
  echo "| Ratio (medians) | Wall time | Peak RSS |"
  echo "|---|---|---|"
  if [[ " $TOOLS " == *" vite "* ]]; then
    echo "| govite / Vite | $(verdict "$(ratio "$gw" "$(agg vite 1 median)")" 0.35) | $(verdict "$(ratio "$gr" "$(agg vite 2 median)")" 0.5) |"
  fi
  if [[ " $TOOLS " == *" esbuild "* ]]; then
    r=$(ratio "$gr" "$(agg esbuild 2 median)")
    echo "| govite / esbuild alone | $(verdict "$(ratio "$gw" "$(agg esbuild 1 median)")" 1.5) | ${r:-n/a} (no goal) |"
  fi
  echo
  echo "Commands (in the generated app):"
  echo
  for t in $TOOLS; do echo "- $(name_of "$t"): \`$(cmd_of "$t")\`"; done
} >"$REPORT"

cat "$REPORT"

if [ $WRITE = 1 ]; then
  write_section "$DOC" build "$REPORT"
  log "updated the Build section of ${DOC#"$ROOT"/}"
fi
