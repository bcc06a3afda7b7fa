#!/usr/bin/env bash
# Dev server benchmark: govite dev vs Vite 8 dev, side by side in one run, on the generated React 19
# app (bench/genapp), driven by a headless Chromium (bench/devclient).
#
#   bench/run-dev.sh            print a markdown report to stdout
#   bench/run-dev.sh --write    also replace the Dev server section of docs/benchmarks.md
#
# Options (or environment variables):
#   --runs N     BENCH_RUNS     measured rounds; each runs every tool once (default 3)
#   --n N        BENCH_N        components in the generated app (default 1000)
#   --warmup N   BENCH_WARMUP   untimed rounds first, to warm the OS file cache (default 1)
#   --hmr N      BENCH_HMR      HMR edits per run (default 5)
#   --tools L    BENCH_TOOLS    which tools, space or comma separated (default "vite govite")
#   --timeout S  BENCH_TIMEOUT  limit for one run of one tool, in seconds (default 300)
#
# What it does:
#   1. installs bench/node_modules from bench/package-lock.json (npm ci) when missing or stale,
#      and GNU time (Debian package `time`) when /usr/bin/time is not GNU time; needs
#      /usr/bin/chromium (or $CHROMIUM);
#   2. builds the govite CLI into bench/.work/govite (a failure is reported, not fatal) and the
#      driver bench/devclient into bench/.work/devclient;
#   3. generates the app into bench/.work/dev-app (Node finds bench/node_modules by walking up);
#   4. runs warm-up rounds, then RUNS rounds; each round runs every tool once, interleaved, the
#      order alternating between rounds. Every run is cold: the app's node_modules/ (the
#      dependency cache node_modules/.vite) is removed first and Chromium gets a fresh profile.
#      One run (bench/devclient, see its doc comment) is:
#        - start Chromium (not timed), then the server under GNU time in its own process group: t0;
#        - HTTP ready: GET / every 10 ms until 200;
#        - open the page at once; first view: route 1 (the initial page) completely rendered;
#          all rendered: routes 2..10 clicked through in order, each as soon as the previous one is
#          complete, until the last one is (so every one of the N components has been rendered);
#        - HMR: HMR edits of a leaf component's text (always on screen), file write -> new text in
#          the DOM (MutationObserver time stamp), 600 ms apart;
#        - SIGINT to the server's process group: GNU time gives the peak RSS (largest resident set
#          of the process or a descendant) and CPU time over the whole scenario;
#        - once more with the dep cache kept: HTTP ready, warm cache (no browser);
#   5. reports medians and the ratios govite/Vite against the goals. A tool that fails is shown as
#      failed in the Status column with the reason (its finished steps still count), is not run
#      again, and the others go on. Logs: bench/.work/dev/logs/<tool>-<run>/ (server.log,
#      browser.log, chromium.log, requests.tsv with every request and its server wait, time.txt,
#      result.json).
#
# The two commands, run in bench/.work/dev-app:
#   vite:    node ../../node_modules/vite/bin/vite.js --port P --strictPort
#   govite:  ../govite dev <abs path of app> --port P --strictPort
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
WORK=$BENCH/.work
APP=$WORK/dev-app
DEV=$WORK/dev
LOGS=$DEV/logs
RES=$DEV/results
PIDFILE=$DEV/servers.pids
DOC=$ROOT/docs/benchmarks.md
NOTES=$BENCH/dev-notes.md
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

RUNS=${BENCH_RUNS:-3}
N=${BENCH_N:-1000}
WARMUP=${BENCH_WARMUP:-1}
HMR=${BENCH_HMR:-5}
TOOLS=${BENCH_TOOLS:-vite govite}
TIMEOUT=${BENCH_TIMEOUT:-300}
WRITE=0

usage() { sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

SCRIPT=run-dev.sh
log() { echo "run-dev: $*" >&2; }
die() { log "$*"; exit 1; }
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
parse_args "runs:RUNS n:N warmup:WARMUP hmr:HMR tools:TOOLS timeout:TIMEOUT" "$@"
check_tools "vite govite"
check_numbers RUNS N WARMUP HMR TIMEOUT
[ "$RUNS" -ge 1 ] || { echo "run-dev.sh: --runs must be at least 1" >&2; exit 2; }
START_S=$(date +%s)

# --- leftovers ---------------------------------------------------------------------------------

# The driver writes the process group id of every server it starts to $PIDFILE. A server group
# still alive (after a crash or a killed driver) is ours only if it still runs vite or govite.
kill_leftovers() {
  [ -f "$PIDFILE" ] || return 0
  local pg
  while read -r pg; do
    [[ $pg =~ ^[0-9]+$ ]] || continue
    if pgrep -g "$pg" -a 2>/dev/null | grep -qE 'vite|govite'; then
      log "killing leftover server process group $pg"
      kill -KILL -- "-$pg" 2>/dev/null
    fi
  done <"$PIDFILE"
  : >"$PIDFILE"
}
DRIVER_PID=
on_exit() {
  [ -n "$DRIVER_PID" ] && kill -TERM "$DRIVER_PID" 2>/dev/null && wait "$DRIVER_PID" 2>/dev/null
  kill_leftovers
}
trap on_exit EXIT
trap 'log interrupted; exit 130' INT TERM

# --- prerequisites -----------------------------------------------------------------------------

command -v node >/dev/null || die "node is required"
command -v npm >/dev/null || die "npm is required"
command -v go >/dev/null || die "go is required"
command -v timeout >/dev/null || die "timeout (coreutils) is required"
[ -x "$CHROMIUM" ] || die "Chromium not found at $CHROMIUM (apt-get install chromium, or set CHROMIUM)"

need_gnu_time

need_bench_modules

mkdir -p "$DEV"
kill_leftovers
rm -rf "$LOGS" "$RES"
mkdir -p "$LOGS" "$RES"

# --- the CLI, the driver and the app -----------------------------------------------------------

# The commit the CLI is built from (taken now: others may commit while the benchmark runs).
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "no commit")
if [ "$COMMIT" != "no commit" ] && [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]; then COMMIT="$COMMIT+dirty"; fi
GOVITE_BUILD_ERR=
log "CGO_ENABLED=0 go build ./cmd/govite"
if ! (cd "$ROOT" && CGO_ENABLED=0 go build -o "$WORK/govite" ./cmd/govite) >"$LOGS/govite-go-build.log" 2>&1; then
  GOVITE_BUILD_ERR=$(grep -v '^#' "$LOGS/govite-go-build.log" | grep -m1 . || echo "see bench/.work/dev/logs/govite-go-build.log")
  rm -f "$WORK/govite"
  log "govite CLI did not build: $GOVITE_BUILD_ERR"
fi
log "go build ./bench/devclient"
(cd "$ROOT" && go build -o "$WORK/devclient" ./bench/devclient) >"$LOGS/devclient-go-build.log" 2>&1 ||
  die "bench/devclient did not build: $(grep -v '^#' "$LOGS/devclient-go-build.log" | grep -m1 .)"

log "generating a $N-component app in ${APP#"$ROOT"/}"
(cd "$ROOT" && go run ./bench/genapp -out "$APP" -n "$N" -clean) >&2 || die "genapp failed"
grep -q "plugins: \[react()\]" "$APP/vite.config.js" || die "$APP/vite.config.js lacks plugins: [react()]"

tool_cmd() { # sets the CMD array for tool $1 ({port} and {app} are filled in by the driver)
  case $1 in
    vite) CMD=(node "$BENCH/node_modules/vite/bin/vite.js" --port '{port}' --strictPort) ;;
    govite) CMD=("$WORK/govite" dev '{app}' --port '{port}' --strictPort) ;;
  esac
}

# --- runs --------------------------------------------------------------------------------------

declare -A STATUS
for t in $TOOLS; do STATUS[$t]=ok; done
if [ -n "$GOVITE_BUILD_ERR" ]; then STATUS[govite]="failed: go build ./cmd/govite: $GOVITE_BUILD_ERR"; fi

clean_app() { rm -rf "$APP/node_modules" "$BENCH/node_modules/.vite-temp"; }

# Columns of $RES/<tool>.tsv, one line per measured run ("-" when the step was not reached).
COLS=(ready_ms first_view_ms all_rendered_ms hmr_median_ms peak_rss_kb cpu_s warm_ready_ms
  group_peak_rss_kb requests server_wait_p50_ms server_wait_p95_ms server_wait_sum_ms
  load_event_ms first_module_request_ms page_reloads hmr_full_reloads failed_requests console_errors exceptions
  hmr_request_ms hmr_server_wait_ms browser_cpu_s)
col() { local i; for i in "${!COLS[@]}"; do [ "${COLS[$i]}" = "$1" ] && { echo $((i + 1)); return; }; done; }

# run_one TOOL LABEL: one cold run of the scenario.
run_one() {
  local tool=$1 label=$2 dir=$LOGS/$1-$2 json=$LOGS/$1-$2/result.json
  local extra=()
  case $label in warmup*) extra=(-hmr 1 -warm-ready=false) ;; *) extra=(-hmr "$HMR") ;; esac
  tool_cmd "$tool"
  clean_app
  kill_leftovers
  mkdir -p "$dir"
  local load; load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
  case $label in run*) [ -n "$load" ] && echo "$load" >>"$RES/loads" ;; esac
  timeout -s TERM -k 20 "$TIMEOUT" "$WORK/devclient" -tool "$tool" -app "$APP" -logdir "$dir" \
    -result "$json" -pidfile "$PIDFILE" -chromium "$CHROMIUM" "${extra[@]}" -- "${CMD[@]}" \
    >"$dir/devclient.log" 2>&1 &
  DRIVER_PID=$!
  wait "$DRIVER_PID"
  local rc=$?
  DRIVER_PID=
  kill_leftovers
  local err=
  if [ -s "$json" ]; then
    err=$(node -e 'const r = require(process.argv[1]); process.stdout.write(r.error || "")' "$json" 2>/dev/null)
  fi
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    err="no result within ${TIMEOUT}s${err:+: $err}"
  elif [ $rc -ne 0 ] && [ -z "$err" ]; then
    err="driver exit $rc: $(tail -n 1 "$dir/devclient.log" | cut -c1-200)"
  fi
  if [ -s "$json" ]; then
    node -e '
      const r = require(process.argv[1]);
      const v = (x) => (typeof x === "number" && x > 0 ? +x.toFixed(3) : "-");
      const cols = process.argv.slice(2);
      const counts = new Set(["requests", "page_reloads", "hmr_full_reloads", "failed_requests", "console_errors", "exceptions"]);
      console.log(cols.map((c) => (counts.has(c) && typeof r[c] === "number" && r.ready_ms > 0 ? r[c] : v(r[c]))).join("\t"));
    ' "$json" "${COLS[@]}" >"$dir/metrics.tsv" 2>/dev/null
    case $label in run*)
      cat "$dir/metrics.tsv" >>"$RES/$tool.tsv"
      node -e 'for (const x of require(process.argv[1]).hmr_ms || []) console.log(x.toFixed(2))' "$json" >>"$RES/$tool.hmr" ;;
    esac
  fi
  if [ -n "$err" ]; then
    err=${err//$'\n'/ }
    STATUS[$tool]="failed ($label): ${err:0:400} (logs: bench/.work/dev/logs/$tool-$label/)"
    log "$tool $label: FAILED: ${err:0:400}"
    return
  fi
  log "$tool $label (load ${load:-?}): $(awk -F'\t' '{printf "ready %s ms, first view %s ms, all rendered %s ms, HMR %s ms, peak RSS %s MB, warm ready %s ms", $1, $2, $3, $4, ($5 == "-" ? "-" : int($5 / 1024)), $7}' "$dir/metrics.tsv")"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
round() { # round LABEL INDEX: every tool once, the order alternating with INDEX
  local order=($TOOLS) t
  if [ $(($2 % 2)) -eq 0 ]; then order=($(printf '%s\n' "${order[@]}" | tac)); fi
  for t in "${order[@]}"; do
    [ "${STATUS[$t]}" = ok ] && run_one "$t" "$1"
  done
}
for ((w = 1; w <= WARMUP; w++)); do round "warmup$w" "$w"; done
for ((r = 1; r <= RUNS; r++)); do round "run$r" "$r"; done
clean_app
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

# --- report ------------------------------------------------------------------------------------

# agg TOOL COLUMN-NAME FN(median|min|max): over the measured runs that reached the step.
agg() {
  [ -s "$RES/$1.tsv" ] || { echo; return; }
  local c; c=$(col "$2")
  awk -F'\t' -v c="$c" '$c != "-" {print $c}' "$RES/$1.tsv" | numstat "$3"
}
hmr_median() { # pooled median of every HMR sample of the measured runs
  [ -s "$RES/$1.hmr" ] || { echo; return; }
  numstat median <"$RES/$1.hmr"
}
hmr_count() { [ -s "$RES/$1.hmr" ] && wc -l <"$RES/$1.hmr" || echo 0; }
nruns() { [ -s "$RES/$1.tsv" ] && wc -l <"$RES/$1.tsv" || echo 0; }
range() { # range TOOL COL FORMAT
  local lo hi
  lo=$(agg "$1" "$2" min) hi=$(agg "$1" "$2" max)
  [ -n "$lo" ] && printf '%s–%s' "$(fmtnum "$3" "$lo")" "$(fmtnum "$3" "$hi")" || printf '–'
}
verdict() { # verdict RATIO GOAL
  [ -n "$1" ] || { printf 'n/a'; return; }
  awk -v r="$1" -v g="$2" 'BEGIN {printf "%s", (r <= g ? "reached" : "missed")}'
}
kb2mb() { [ -n "$1" ] && awk -v k="$1" 'BEGIN {print k / 1024}'; }

VITE_V=$(pkgver vite)
PLUGIN_V=$(pkgver @vitejs/plugin-react)
REACT_V=$(pkgver react)
CHROMIUM_V=$("$CHROMIUM" --version 2>/dev/null | awk '/[0-9]/ {print $2; exit}'); CHROMIUM_V=${CHROMIUM_V:-?}
CPU=$( (grep -m1 'model name' /proc/cpuinfo 2>/dev/null || sysctl -n machdep.cpu.brand_string 2>/dev/null) | sed 's/.*: //')
MEM_GB=$(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo 2>/dev/null)
ELAPSED=$(( $(date +%s) - START_S ))
LEAF=
for f in "$LOGS"/*/result.json; do
  [ -s "$f" ] && LEAF=$(node -p "require('$f').hmr_leaf || ''" 2>/dev/null) && [ -n "$LEAF" ] && break
done

name_of() {
  case $1 in
    vite) echo "Vite $VITE_V" ;;
    govite) echo "govite ($COMMIT)" ;;
  esac
}
cmd_of() {
  case $1 in
    vite) echo 'node node_modules/vite/bin/vite.js --port P --strictPort' ;;
    govite) echo 'bench/.work/govite dev <app> --port P --strictPort' ;;
  esac
}
has() { [[ " $TOOLS " == *" $1 "* ]]; }

REPORT=$DEV/report.md
{
  echo "### Dev server: $N-component React app"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/run-dev.sh\` in ${ELAPSED}s: $RUNS measured round(s) after $WARMUP warm-up round(s), every tool once per round, interleaved (the order alternates); every run cold (no dep cache, fresh Chromium profile). Medians over the runs; HMR is the median of all $HMR × runs edits. Load average before/after: ${LOAD_BEFORE:-?} / ${LOAD_AFTER:-?}; 1-minute load at the start of the measured runs: $( [ -s "$RES/loads" ] && sort -g "$RES/loads" | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%s–%s", lo, hi}' || echo '?')."
  echo
  echo "Machine: $(nproc) × ${CPU:-unknown CPU}, ${MEM_GB:-?} GiB RAM, $(uname -sr) · Node $(node --version) · $(go version | awk '{print $3}') · Vite $VITE_V · @vitejs/plugin-react $PLUGIN_V · React $REACT_V · Chromium $CHROMIUM_V (headless)"
  echo
  echo "| Tool | Status | HTTP ready, cold (ms) | min–max | First view (ms) | All $N rendered (ms) | min–max | HMR of a leaf (ms) | Peak RSS (MB) | CPU (s) | HTTP ready, warm cache (ms) |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for t in $TOOLS; do
    st=${STATUS[$t]//|/\\|}
    [ "$st" = ok ] && st="ok ($(nruns "$t") runs)"
    echo "| $(name_of "$t") | $st | $(fmtnum %.0f "$(agg "$t" ready_ms median)") | $(range "$t" ready_ms %.0f) | $(fmtnum %.0f "$(agg "$t" first_view_ms median)") | $(fmtnum %.0f "$(agg "$t" all_rendered_ms median)") | $(range "$t" all_rendered_ms %.0f) | $(fmtnum %.0f "$(hmr_median "$t")") ($(hmr_count "$t") edits) | $(fmtnum %.0f "$(kb2mb "$(agg "$t" peak_rss_kb median)")") | $(fmtnum %.1f "$(agg "$t" cpu_s median)") | $(fmtnum %.0f "$(agg "$t" warm_ready_ms median)") |"
  done
  echo
  if has vite && has govite; then
    echo "| govite / Vite (medians) | Ratio | Goal | |"
    echo "|---|---:|---|---|"
    line() { # line LABEL GOVITE VITE GOAL
      local r; r=$(ratio "$2" "$3")
      echo "| $1 | ${r:-n/a} | ≤ $4 | $(verdict "$r" "$4") |"
    }
    line "Time to HTTP ready (cold)" "$(agg govite ready_ms median)" "$(agg vite ready_ms median)" 0.2
    line "Cold start to all $N components rendered" "$(agg govite all_rendered_ms median)" "$(agg vite all_rendered_ms median)" 0.75
    line "HMR of a leaf component" "$(hmr_median govite)" "$(hmr_median vite)" 0.7
    line "Peak server memory (RSS)" "$(agg govite peak_rss_kb median)" "$(agg vite peak_rss_kb median)" 0.4
    echo
    # The machine's speed drifts between rounds; the two runs of one round are a minute apart, so
    # their ratio is the steadier figure. Shown when every round has both runs.
    if [ "$(nruns govite)" = "$(nruns vite)" ] && [ "$(nruns vite)" -gt 1 ]; then
      RC=$(col all_rendered_ms)
      PAIRS=$(paste <(cut -f"$RC" "$RES/govite.tsv") <(cut -f"$RC" "$RES/vite.tsv") |
        awk -F'\t' '$1 != "-" && $2 != "-" && $2 > 0 {printf "%.4f\n", $1 / $2}')
      if [ -n "$PAIRS" ]; then
        echo "Cold start to all $N rendered, round by round (govite's run over Vite's run of the same round): median $(fmtnum %.2f "$(numstat median <<<"$PAIRS")"), min $(fmtnum %.2f "$(numstat min <<<"$PAIRS")"), max $(fmtnum %.2f "$(numstat max <<<"$PAIRS")")."
        echo
      fi
    fi
  fi
  echo "Where the time goes (medians; ms since the server process started unless noted; the page's requests up to the last route):"
  echo
  echo "| | $(for t in $TOOLS; do printf '%s | ' "$(name_of "$t")"; done)"
  echo "|---|$(for t in $TOOLS; do printf -- '---:|'; done)"
  brow() { # brow LABEL COL FORMAT [kb]
    printf '| %s |' "$1"
    local t v
    for t in $TOOLS; do
      v=$(agg "$t" "$2" median)
      [ "${4:-}" = kb ] && v=$(kb2mb "$v")
      printf ' %s |' "$(fmtnum "$3" "$v")"
    done
    echo
  }
  brow "HTTP ready" ready_ms %.0f
  brow "page requests /src/main.jsx" first_module_request_ms %.0f
  brow "load event" load_event_ms %.0f
  brow "first view (route 1) rendered" first_view_ms %.0f
  brow "all 10 routes rendered" all_rendered_ms %.0f
  brow "requests (count)" requests %.0f
  brow "server wait per request, p50 (ms)" server_wait_p50_ms %.1f
  brow "server wait per request, p95 (ms)" server_wait_p95_ms %.1f
  brow "server wait, sum over requests (ms)" server_wait_sum_ms %.0f
  brow "server CPU, whole scenario (s)" cpu_s %.1f
  brow "Chromium CPU, server start to all rendered (s)" browser_cpu_s %.1f
  brow "HMR: file write → page requests the new module (ms)" hmr_request_ms %.0f
  brow "HMR: server wait for the new module (ms)" hmr_server_wait_ms %.1f
  brow "page reloads during start-up" page_reloads %.0f
  brow "full reloads instead of HMR" hmr_full_reloads %.0f
  brow "failed requests" failed_requests %.0f
  brow "peak RSS of the process group, summed (MB)" group_peak_rss_kb %.0f kb
  echo
  echo "Method: the app (see Method above) is generated into \`bench/.work/dev-app\`; \`bench/devclient\` starts Chromium ($CHROMIUM, \`--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run\`, fresh \`--user-data-dir\`) before the server, so the browser's own start is not timed, then starts the server under GNU time in its own process group (t0). *HTTP ready*: \`GET /\` every 10 ms until 200. *First view*: the page is opened at once; a script injected before any page script stamps \`Date.now()\` from a MutationObserver when \`<main data-route=\"1\">\` and every component of that view (the eager tree under \`Comp0\` plus route 1's tree, counted as distinct \`[data-comp]\` elements; the expected count comes from the app's imports) are in the DOM. The app shows one lazy route at a time, so *all $N rendered* clicks routes 2..10 in order, each as soon as the previous one is complete, and ends when route 10 is complete: by then every component has been rendered. *HMR*: the header text of \`${LEAF:-the leaf}\` (an eager leaf, always on screen) is changed $HMR times, 600 ms apart; each sample is file write → new text in every instance in the DOM. *Peak RSS* and *CPU* cover the whole scenario (GNU time: the largest resident set of the server process or any descendant; the group's summed RSS, sampled every 50 ms, is in the last table). *Warm cache*: the server started again with the dep cache the cold run wrote, HTTP ready only. Server wait is Chromium's time from request sent to first response byte. Logs of every run (server output, console, every request with its server wait) are in \`bench/.work/dev/logs/\`."
  echo
  echo "Commands (in the generated app):"
  echo
  for t in $TOOLS; do echo "- $(name_of "$t"): \`$(cmd_of "$t")\`"; done
  if [ -s "$NOTES" ]; then
    echo
    cat "$NOTES"
  fi
} >"$REPORT"

cat "$REPORT"

if [ $WRITE = 1 ]; then
  write_section "$DOC" dev "$REPORT"
  log "updated the Dev server section of ${DOC#"$ROOT"/}"
fi
log "done in $(( $(date +%s) - START_S ))s"
