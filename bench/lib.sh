# bench/lib.sh: helpers the run-*.sh scripts share (sourced after they set ROOT, BENCH, log, die and
# usage).

# parse_args "OPT:VAR ..." ARGS...: the script's command line. Each --OPT in the list takes a value
# into VAR; --write sets WRITE=1; -h/--help prints usage. TOOLS may be comma separated.
parse_args() {
  local table=" $1 " var
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      --write) WRITE=1 ;;
      -h|--help) usage; exit 0 ;;
      --*)
        var=${table#* ${1#--}:}
        [ "$var" != "$table" ] || { echo "$SCRIPT: unknown argument $1" >&2; usage >&2; exit 2; }
        [ $# -ge 2 ] || { echo "$SCRIPT: $1 needs a value" >&2; exit 2; }
        printf -v "${var%% *}" '%s' "$2"
        shift ;;
      *) echo "$SCRIPT: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done
  TOOLS=${TOOLS//,/ }
}

# check_tools "ALLOWED ...": every tool in TOOLS is one of ALLOWED.
check_tools() {
  local t
  for t in $TOOLS; do
    [[ " $1 " == *" $t "* ]] || { echo "$SCRIPT: unknown tool $t (known: $1)" >&2; exit 2; }
  done
}

# check_numbers VAR...: each VAR holds a whole number (the option is named --var).
check_numbers() {
  local v
  for v in "$@"; do
    [[ ${!v} =~ ^[0-9]+$ ]] || { echo "$SCRIPT: --${v,,} needs a number, got ${!v}" >&2; exit 2; }
  done
}

# need_gnu_time: installs GNU time (Debian package time) when /usr/bin/time is not GNU time.
need_gnu_time() {
  /usr/bin/time -V 2>&1 | grep -q GNU && return
  log "installing GNU time (Debian package time)"
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update >&2 && $sudo apt-get install -y time >&2 || die "could not install GNU time"
}

# need_bench_modules: npm ci in bench/ when node_modules is missing or older than the lock file.
need_bench_modules() {
  if [ ! -f "$BENCH/node_modules/.package-lock.json" ] ||
     [ "$BENCH/package-lock.json" -nt "$BENCH/node_modules/.package-lock.json" ]; then
    log "npm ci in bench/"
    (cd "$BENCH" && npm ci --no-audit --no-fund --ignore-scripts >&2) || die "npm ci failed"
  fi
}

# numstat FN(median|min|max): of the numbers on standard input, one per line; nothing when there are none.
numstat() {
  sort -g | awk -v fn="$1" '
    {v[NR] = $1}
    END {
      if (NR == 0) exit
      if (fn == "min") x = v[1]; else if (fn == "max") x = v[NR];
      else x = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      print x
    }'
}

# fmtnum FORMAT VALUE: printf of a number, or "–" when there is none.
fmtnum() { [ -n "$2" ] && awk -v x="$2" -v f="$1" 'BEGIN {printf f, x}' || printf '–'; }

# ratio A B: A/B with two decimals, or nothing.
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b}'; }

# pkgver PACKAGE: the version installed in bench/node_modules.
pkgver() { node -p "require('$BENCH/node_modules/$1/package.json').version" 2>/dev/null || echo '?'; }

# write_section DOC NAME REPORT: replaces what stands between <!-- NAME:start --> and
# <!-- NAME:end --> in DOC with the file REPORT.
write_section() {
  local doc=$1 name=$2 report=$3 tmp
  [ -f "$doc" ] || die "--write: $doc not found"
  grep -q "<!-- $name:start -->" "$doc" && grep -q "<!-- $name:end -->" "$doc" ||
    die "--write: $doc lacks the <!-- $name:start --> / <!-- $name:end --> markers"
  tmp=$(mktemp)
  awk -v f="$report" -v s="<!-- $name:start -->" -v e="<!-- $name:end -->" '
    index($0, s) { print; print ""; while ((getline l < f) > 0) print l; print ""; skip = 1; next }
    index($0, e) { skip = 0 }
    !skip { print }' "$doc" >"$tmp" && cat "$tmp" >"$doc" && rm -f "$tmp"
}
