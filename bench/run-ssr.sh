#!/usr/bin/env bash
# SSR benchmark: cold runner.Import of the SSR example (examples/ssr-react) and server renders per
# second, govite's module runners (embedded engine, Node) against Vite 8's runner, side by side in one
# run.
#
#   bench/run-ssr.sh            print a markdown report to stdout
#   bench/run-ssr.sh --write    also replace the SSR section of docs/benchmarks.md
#
# Options (or environment variables):
#   --runs N      BENCH_RUNS      measured rounds; each runs every tool once (default 5)
#   --duration S  BENCH_DURATION  seconds of the timed render loop (default 3)
#   --warmup S    BENCH_WARMUP    seconds of untimed renders before it (default 1)
#   --tools L     BENCH_TOOLS     which tools, space or comma separated
#                                 (default "govite-engine vite-bundled govite-node vite-external")
#   --timeout S   BENCH_TIMEOUT   limit for one process, in seconds (default 120)
#
# The tools (one process each, per run):
#   govite-engine  bench/ssr (Go): govite.CreateServer in middleware mode, the ssr environment's
#                  runner on the embedded engine (goja). The example's config: ssr.resolve.noExternal
#                  true with the worker/browser conditions, so React is pre-bundled for the ssr
#                  environment (node_modules/.vite/deps_ssr) and evaluated on the engine.
#   vite-bundled   bench/ssr/vite-ssr.mjs (Node): Vite 8's createServer in middleware mode,
#                  server.environments.ssr.runner. The same config, plus the ssr environment's
#                  optimizeDeps.include of react, react/jsx-dev-runtime and react-dom/server: Vite 8
#                  does not discover dependencies for server environments, and its runner cannot
#                  evaluate React's CommonJS ("module is not defined") without them pre-bundled.
#   govite-node    bench/ssr with the ssr environment's dev.runner "node" (govite's runner in a Node
#                  process, talking to govite over pipes). Config: bench/ssr/vite.config.external.js,
#                  Vite's default SSR setup, React left to Node (externals). govite's Node runner does
#                  not pre-bundle (it ignores optimizeDeps.include), so the example's noExternal config
#                  cannot run on it.
#   vite-external  vite-ssr.mjs with bench/ssr/vite.config.external.js: Vite 8's usual SSR setup.
#
# One run of a tool: its process starts (t0, BENCH_T0_NS), creates the server, gets the ssr runner,
# imports /src/entry-server.jsx, calls render("/") once (cold: first HTML), renders for --warmup
# seconds, then for --duration seconds one render at a time (renders/s), and reports peak RSS (VmHWM
# of the process plus its children, after the first render and at the end). Then the same tool runs
# once more with the dependency cache the cold run left (warm cache: first HTML only).
#
# What it does:
#   1. installs bench/node_modules from bench/package-lock.json (npm ci) when missing or stale;
#   2. builds bench/ssr into bench/.work/ssr/ssrbench (a failure is reported, not fatal);
#   3. copies the example's index.html, package.json and src/ into bench/.work/ssr/app (Node and
#      both tools find bench/node_modules by walking up) and the two configs next to it, outside the
#      app: govite's ssr dependency scan reads every script in the root, vite.config.js included,
#      and fails on @vitejs/plugin-react (see docs/benchmarks.md). Both tools get --config;
#   4. one untimed round (cold import only, warms the OS file cache), then RUNS rounds, every tool
#      once per round, the order alternating; every cold run starts without app/node_modules (the
#      dependency caches and govite's runner scripts) and bench/node_modules/.vite-temp;
#   5. checks that every tool rendered the same HTML for "/", reports medians and ratios.
#      Logs and each run's JSON: bench/.work/ssr/logs/.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
WORK=$BENCH/.work
SSR=$WORK/ssr
APP=$SSR/app
CONFIGS=$SSR/configs
LOGS=$SSR/logs
RES=$SSR/results
DOC=$ROOT/docs/benchmarks.md
NOTES=$BENCH/ssr/notes.md
EXAMPLE=$ROOT/examples/ssr-react
START_S=$(date +%s)

RUNS=${BENCH_RUNS:-5}
DURATION=${BENCH_DURATION:-3}
WARMUP=${BENCH_WARMUP:-1}
TOOLS=${BENCH_TOOLS:-govite-engine vite-bundled govite-node vite-external}
TIMEOUT=${BENCH_TIMEOUT:-120}
WRITE=0
VITE_INCLUDE=react,react/jsx-dev-runtime,react-dom/server

usage() { sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

SCRIPT=run-ssr.sh
log() { echo "run-ssr: $*" >&2; }
die() { log "$*"; exit 1; }
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
parse_args "runs:RUNS duration:DURATION warmup:WARMUP tools:TOOLS timeout:TIMEOUT" "$@"
check_tools "govite-engine vite-bundled govite-node vite-external"

# --- prerequisites -----------------------------------------------------------------------------

command -v node >/dev/null || die "node is required"
command -v npm >/dev/null || die "npm is required"
command -v go >/dev/null || die "go is required"
[ -f "$EXAMPLE/src/entry-server.jsx" ] || die "$EXAMPLE/src/entry-server.jsx not found"

need_bench_modules

rm -rf "$LOGS" "$RES" "$APP" "$CONFIGS"
mkdir -p "$LOGS" "$RES" "$APP" "$CONFIGS/bundled" "$CONFIGS/external"

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "no commit")
if [ "$COMMIT" != "no commit" ] && [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]; then COMMIT="$COMMIT+dirty"; fi

GO_BUILD_ERR=
log "go build ./bench/ssr"
if ! (cd "$ROOT" && go build -o "$SSR/ssrbench" ./bench/ssr) >"$LOGS/go-build.log" 2>&1; then
  GO_BUILD_ERR=$(grep -v '^#' "$LOGS/go-build.log" | grep -m1 . || echo "see bench/.work/ssr/logs/go-build.log")
  rm -f "$SSR/ssrbench"
  log "bench/ssr did not build: $GO_BUILD_ERR"
fi

# The app, without its config; the configs next to it (see 3. above).
cp -R "$EXAMPLE/index.html" "$EXAMPLE/package.json" "$EXAMPLE/src" "$APP/"
cp "$EXAMPLE/vite.config.js" "$CONFIGS/bundled/vite.config.js"
cp "$BENCH/ssr/vite.config.external.js" "$CONFIGS/external/vite.config.js"

tool_cmd() { # tool_cmd TOOL JSON HTML DURATION: sets the CMD array
  local d=$4
  case $1 in
    govite-engine) CMD=("$SSR/ssrbench" -root "$APP" -config "$CONFIGS/bundled/vite.config.js" -runner engine
                     -warmup "${WARMUP}s" -duration "${d}s" -json "$2" -html "$3") ;;
    govite-node) CMD=("$SSR/ssrbench" -root "$APP" -config "$CONFIGS/external/vite.config.js" -runner node
                   -warmup "${WARMUP}s" -duration "${d}s" -json "$2" -html "$3") ;;
    vite-bundled) CMD=(node "$BENCH/ssr/vite-ssr.mjs" --root "$APP" --config "$CONFIGS/bundled/vite.config.js"
                    --include "$VITE_INCLUDE" --warmup "$WARMUP" --duration "$d" --json "$2" --html "$3") ;;
    vite-external) CMD=(node "$BENCH/ssr/vite-ssr.mjs" --root "$APP" --config "$CONFIGS/external/vite.config.js"
                     --include "" --warmup "$WARMUP" --duration "$d" --json "$2" --html "$3") ;;
  esac
}

# --- runs --------------------------------------------------------------------------------------

declare -A STATUS
for t in $TOOLS; do STATUS[$t]=ok; done
if [ -n "$GO_BUILD_ERR" ]; then
  for t in govite-engine govite-node; do STATUS[$t]="failed: go build ./bench/ssr: $GO_BUILD_ERR"; done
fi

clean_app() { rm -rf "$APP/node_modules" "$BENCH/node_modules/.vite-temp"; }

# Columns of $RES/<tool>.tsv (cold runs) and $RES/<tool>.warm.tsv (warm-cache runs).
COLS=(since_t0_ms cold_ms server_ms startup_ms load_vite_ms create_server_ms runner_ms import_ms first_render_ms
  renders_per_s import_rss_kb end_rss_kb renders html_bytes get_us)
col() { local i; for i in "${!COLS[@]}"; do [ "${COLS[$i]}" = "$1" ] && { echo $((i + 1)); return; }; done; }

# one TOOL LABEL KIND(cold|warm) DURATION: one process; appends a line to the results when LABEL is a
# measured run. Marks the tool failed on an error.
one() {
  local tool=$1 label=$2 kind=$3 d=$4
  local base=$LOGS/$tool-$label-$kind
  tool_cmd "$tool" "$base.json" "$base.html" "$d"
  [ "$kind" = cold ] && clean_app
  rm -f "$base.json"
  local rc
  (cd "$SSR" && BENCH_T0_NS=$(date +%s%N) exec timeout -k 10 "$TIMEOUT" "${CMD[@]}") >"$base.log" 2>&1
  rc=$?
  local err=
  if [ -s "$base.json" ]; then
    err=$(node -e 'process.stdout.write(require(process.argv[1]).error || "")' "$base.json" 2>/dev/null)
  fi
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    err="no result within ${TIMEOUT}s${err:+: $err}"
  elif [ $rc -ne 0 ] && [ -z "$err" ]; then
    err="exit $rc: $(grep -v '^\s*$' "$base.log" | tail -n 1 | cut -c1-200)"
  fi
  if [ -n "$err" ]; then
    err=$(printf '%s' "$err" | head -n 3 | tr '\n' ' ')
    STATUS[$tool]="failed ($label, $kind): ${err:0:300} (log: bench/.work/ssr/logs/$tool-$label-$kind.log)"
    log "$tool $label $kind: FAILED: ${err:0:300}"
    return 1
  fi
  node -e '
    const r = require(process.argv[1]);
    const v = {
      ...r,
      cold_ms: r.cold_ms,
      server_ms: r.create_server_ms + r.runner_ms + r.import_ms + r.first_render_ms,
      startup_ms: r.since_t0_ms - (r.create_server_ms + r.runner_ms + r.import_ms + r.first_render_ms),
      import_rss_kb: r.import_rss_kb,
      end_rss_kb: r.peak_rss_kb + r.child_peak_rss_kb,
    };
    console.log(process.argv.slice(2).map((c) => (typeof v[c] === "number" && (v[c] > 0 || c === "load_vite_ms") ? +v[c].toFixed(3) : "-")).join("\t"));
  ' "$base.json" "${COLS[@]}" >"$base.tsv"
  case $label in run*)
    if [ "$kind" = cold ]; then cat "$base.tsv" >>"$RES/$tool.tsv"; else cat "$base.tsv" >>"$RES/$tool.warm.tsv"; fi ;;
  esac
  log "$tool $label $kind: $(awk -F'\t' '{printf "first HTML %s ms after process start (import %s ms), %s renders/s, peak RSS %s MB", $1, $8, $10, ($12 == "-" ? "-" : int($12 / 1024))}' "$base.tsv")"
}

run_tool() { # run_tool TOOL LABEL: a cold run (with the render loop when measured), then a warm one
  local d=$DURATION
  case $2 in warmup*) d=0 ;; esac
  one "$1" "$2" cold "$d" && one "$1" "$2" warm 0
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
round() { # round LABEL INDEX: every tool once, the order alternating with INDEX
  local order=($TOOLS) t
  if [ $(($2 % 2)) -eq 0 ]; then order=($(printf '%s\n' "${order[@]}" | tac)); fi
  local load; load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
  case $1 in run*) [ -n "$load" ] && echo "$load" >>"$RES/loads" ;; esac
  for t in "${order[@]}"; do
    [ "${STATUS[$t]}" = ok ] && run_tool "$t" "$1"
  done
}
round warmup1 1
for ((r = 1; r <= RUNS; r++)); do round "run$r" "$r"; done
clean_app
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

# --- the same HTML? ----------------------------------------------------------------------------

HTML_REF= HTML_CHECK= HTML_N=0
for g in "$LOGS"/*.html; do
  [ -s "$g" ] || continue
  HTML_N=$((HTML_N + 1))
  if [ -z "$HTML_REF" ]; then HTML_REF=$g; continue; fi
  cmp -s "$HTML_REF" "$g" || HTML_CHECK="$HTML_CHECK ${g##*/}"
done

# --- report ------------------------------------------------------------------------------------

# agg TOOL COLUMN-NAME FN(median|min|max) [warm]
agg() {
  local f=$RES/$1.tsv
  [ "${4:-}" = warm ] && f=$RES/$1.warm.tsv
  [ -s "$f" ] || { echo; return; }
  local c; c=$(col "$2")
  awk -F'\t' -v c="$c" '$c != "-" {print $c}' "$f" | numstat "$3"
}
nruns() { [ -s "$RES/$1.tsv" ] && wc -l <"$RES/$1.tsv" || echo 0; }
range() { # range TOOL COL FORMAT [warm]
  local lo hi
  lo=$(agg "$1" "$2" min "${4:-}") hi=$(agg "$1" "$2" max "${4:-}")
  [ -n "$lo" ] && printf '%s–%s' "$(fmtnum "$3" "$lo")" "$(fmtnum "$3" "$hi")" || printf '–'
}
kb2mb() { [ -n "$1" ] && awk -v k="$1" 'BEGIN {print k / 1024}'; }
has() { [[ " $TOOLS " == *" $1 "* ]]; }

VITE_V=$(pkgver vite)
PLUGIN_V=$(pkgver @vitejs/plugin-react)
REACT_V=$(pkgver react)
GOJA_V=$(cd "$ROOT" && go list -m -f '{{.Version}}' github.com/dop251/goja 2>/dev/null || echo '?')
CPU=$( (grep -m1 'model name' /proc/cpuinfo 2>/dev/null || sysctl -n machdep.cpu.brand_string 2>/dev/null) | sed 's/.*: //')
MEM_GB=$(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo 2>/dev/null)
ELAPSED=$(( $(date +%s) - START_S ))

name_of() {
  case $1 in
    govite-engine) echo "govite ($COMMIT), embedded engine" ;;
    vite-bundled) echo "Vite $VITE_V" ;;
    govite-node) echo "govite ($COMMIT), Node runner" ;;
    vite-external) echo "Vite $VITE_V" ;;
  esac
}
setup_of() {
  case $1 in
    govite-engine|vite-bundled) echo "React bundled (the example's config)" ;;
    govite-node|vite-external) echo "React external (Vite's default)" ;;
  esac
}
cmd_of() {
  case $1 in
    govite-engine) echo "ssrbench -root app -config configs/bundled/vite.config.js -runner engine" ;;
    vite-bundled) echo "node bench/ssr/vite-ssr.mjs --root app --config configs/bundled/vite.config.js --include $VITE_INCLUDE" ;;
    govite-node) echo "ssrbench -root app -config configs/external/vite.config.js -runner node" ;;
    vite-external) echo "node bench/ssr/vite-ssr.mjs --root app --config configs/external/vite.config.js --include ''" ;;
  esac
}

REPORT=$SSR/report.md
{
  echo "### SSR: examples/ssr-react in a module runner"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/run-ssr.sh\` in ${ELAPSED}s: $RUNS measured round(s) after 1 untimed round, every tool once per round, interleaved (the order alternates); every cold run without dependency caches; renders timed for ${DURATION} s after ${WARMUP} s of warm-up. Medians over the runs. Load average before/after: ${LOAD_BEFORE:-?} / ${LOAD_AFTER:-?}; 1-minute load at the start of the measured rounds: $( [ -s "$RES/loads" ] && sort -g "$RES/loads" | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%s–%s", lo, hi}' || echo '?')."
  echo
  echo "Machine: $(nproc) × ${CPU:-unknown CPU}, ${MEM_GB:-?} GiB RAM, $(uname -sr) · Node $(node --version) · $(go version | awk '{print $3}') · goja $GOJA_V · Vite $VITE_V · @vitejs/plugin-react $PLUGIN_V · React $REACT_V"
  echo
  echo "| Runner | Setup | Status | Cold: process start → first HTML (ms) | min–max | createServer → first HTML (ms) | Warm cache: process start → first HTML (ms) | Renders/s | min–max | Peak RSS to first HTML (MB) | Peak RSS, whole run (MB) |"
  echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for t in $TOOLS; do
    st=${STATUS[$t]//|/\\|}
    [ "$st" = ok ] && st="ok ($(nruns "$t") runs)"
    echo "| $(name_of "$t") | $(setup_of "$t") | $st | $(fmtnum %.0f "$(agg "$t" since_t0_ms median)") | $(range "$t" since_t0_ms %.0f) | $(fmtnum %.0f "$(agg "$t" server_ms median)") | $(fmtnum %.0f "$(agg "$t" since_t0_ms median warm)") | $(fmtnum %.0f "$(agg "$t" renders_per_s median)") | $(range "$t" renders_per_s %.0f) | $(fmtnum %.0f "$(kb2mb "$(agg "$t" import_rss_kb median)")") | $(fmtnum %.0f "$(kb2mb "$(agg "$t" end_rss_kb median)")") |"
  done
  echo
  echo "| govite / Vite 8 (ratios of medians) | Cold: process start → first HTML | createServer → first HTML | Warm cache → first HTML | Renders/s | Peak RSS to first HTML | Peak RSS, whole run |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  pair() { # pair LABEL GOVITE VITE
    has "$2" && has "$3" || return
    local rs; rs=$(ratio "$(agg "$2" renders_per_s median)" "$(agg "$3" renders_per_s median)")
    local slower=
    [ -n "$rs" ] && slower=$(awk -v a="$(agg "$3" renders_per_s median)" -v b="$(agg "$2" renders_per_s median)" 'BEGIN {if (b > 0) printf " (Vite %.0f× faster)", a / b}')
    local r1 r2 r3 r5 r6
    r1=$(ratio "$(agg "$2" since_t0_ms median)" "$(agg "$3" since_t0_ms median)")
    r2=$(ratio "$(agg "$2" server_ms median)" "$(agg "$3" server_ms median)")
    r3=$(ratio "$(agg "$2" since_t0_ms median warm)" "$(agg "$3" since_t0_ms median warm)")
    r5=$(ratio "$(agg "$2" import_rss_kb median)" "$(agg "$3" import_rss_kb median)")
    r6=$(ratio "$(agg "$2" end_rss_kb median)" "$(agg "$3" end_rss_kb median)")
    echo "| $1 | ${r1:-n/a} | ${r2:-n/a} | ${r3:-n/a} | ${rs:-n/a}$slower | ${r5:-n/a} | ${r6:-n/a} |"
  }
  pair "embedded engine / Vite, React bundled (same config)" govite-engine vite-bundled
  pair "Node runner / Vite, React external (same config)" govite-node vite-external
  pair "embedded engine / Vite with Vite's default setup" govite-engine vite-external
  echo
  echo "Where the time goes (medians, ms; one column per runner, in the order of the first table):"
  echo
  echo "| | $(for t in $TOOLS; do printf '%s, %s | ' "$(name_of "$t")" "$(setup_of "$t" | sed 's/ (.*//')"; done)"
  echo "|---|$(for t in $TOOLS; do printf -- '---:|'; done)"
  brow() { # brow LABEL COL FORMAT [warm|kb|us]
    printf '| %s |' "$1"
    local t v
    for t in $TOOLS; do
      case ${4:-} in
        warm) v=$(agg "$t" "$2" median warm) ;;
        us) v=$(agg "$t" "$2" median); [ -n "$v" ] && v=$(awk -v r="$v" 'BEGIN {print 1e6 / r}') ;;
        *) v=$(agg "$t" "$2" median) ;;
      esac
      case $t in govite-*) [ "$2" = load_vite_ms ] && v= ;; esac
      printf ' %s |' "$(fmtnum "$3" "$v")"
    done
    echo
  }
  brow "process start → first HTML" since_t0_ms %.0f
  brow "process start → createServer called" startup_ms %.0f
  brow "of which \`import('vite')\`" load_vite_ms %.0f
  brow "createServer → first HTML" server_ms %.0f
  brow "createServer" create_server_ms %.0f
  brow "the ssr environment's runner (engine created / Node started)" runner_ms %.0f
  brow "runner.Import('/src/entry-server.jsx'), cold" import_ms %.0f
  brow "first render('/')" first_render_ms %.1f
  brow "runner.Import, warm dependency cache" import_ms %.0f warm
  brow "process start → first HTML, warm dependency cache" since_t0_ms %.0f warm
  brow "one render after warm-up, mean (µs)" renders_per_s %.0f us
  brow "one call that renders nothing (\`Module.Get\`), mean (µs)" get_us %.0f
  echo
  if [ -n "$HTML_REF" ]; then
    if [ -z "$HTML_CHECK" ]; then
      echo "All $HTML_N runs (cold and warm, every tool) rendered the same HTML for \`/\` ($(wc -c <"$HTML_REF") bytes): \`$(cat "$HTML_REF")\`"
    else
      echo "**The HTML differs** from ${HTML_REF##*/} in:$HTML_CHECK (bench/.work/ssr/logs/)."
    fi
    echo
  fi
  echo "Commands (in bench/.work/ssr; \`app\` is a copy of examples/ssr-react without its config, \`configs/bundled/vite.config.js\` the example's config, \`configs/external/vite.config.js\` is bench/ssr/vite.config.external.js; ssrbench is \`go build ./bench/ssr\`):"
  echo
  for t in $TOOLS; do echo "- $(name_of "$t"), $(setup_of "$t"): \`$(cmd_of "$t")\`"; done
  if [ -s "$NOTES" ]; then
    echo
    cat "$NOTES"
  fi
} >"$REPORT"

cat "$REPORT"

if [ $WRITE = 1 ]; then
  write_section "$DOC" ssr "$REPORT"
  log "updated the SSR section of ${DOC#"$ROOT"/}"
fi
log "done in $(( $(date +%s) - START_S ))s"
