#!/bin/sh
# Run the libFuzzer targets for SECONDS each (default 60) and fail on any
# finding: fuzz_mh (the Mobility Header codec) and fuzz_radius (RADIUS
# replies and Disconnect-Requests), or the targets named after SECONDS.
# Builds out of tree with clang in build/fuzz.  Each corpus is copied so
# that new inputs found in CI do not dirty the checkout.
set -eu
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-mh radius}
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$top/build/fuzz
mkdir -p "$dir"
cd "$dir"
[ -f "$top/configure" ] || (cd "$top" && autoreconf -fi)
if [ ! -f Makefile ]; then
	CC=clang "$top/configure" -q --enable-fuzzer
fi

fuzz_one() {
	t=$1
	case $t in
	mh) seeds=$top/test/fuzz/corpus ;;
	radius) seeds=$top/test/fuzz/radius-corpus ;;
	*) echo "run-fuzzer: no target $t" >&2; return 1 ;;
	esac
	make -s "test/fuzz/fuzz_${t}_libfuzzer"
	rm -rf "corpus-$t" "artifacts-$t"
	cp -r "$seeds" "corpus-$t"
	mkdir "artifacts-$t"
	set +e
	"./test/fuzz/fuzz_${t}_libfuzzer" -max_total_time="$secs" \
	    -print_final_stats=1 -artifact_prefix="artifacts-$t/" \
	    "corpus-$t" >"fuzz-$t.log" 2>&1
	rc=$?
	set -e
	grep -E '^(stat::|Done|#[0-9]+ +DONE)' "fuzz-$t.log" || true
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "fuzz-$t.log")
	if [ -n "$execs" ]; then
		echo "fuzz_$t: $execs executions in ${secs}s, $((execs / secs)) per second"
	fi
	if [ $rc -ne 0 ] || grep -qE 'ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error|deadly signal' "fuzz-$t.log" || \
	    [ -n "$(ls "artifacts-$t")" ]; then
		echo "FAIL: fuzz_$t found something (exit $rc):"
		tail -40 "fuzz-$t.log"
		ls -l "artifacts-$t"
		return 1
	fi
	echo "PASS: fuzz_$t, no finding"
}

status=0
for t in $targets; do
	fuzz_one "$t" || status=1
done
exit $status
