# bench/lib.sh: helpers the run-*.sh scripts share (sourced after they set ROOT, BENCH and log/die).

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
