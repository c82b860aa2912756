#!/bin/sh
# Fuzz the MH parser with libFuzzer for SECONDS (default 60) and fail on
# any finding.  Builds out of tree with clang in build/fuzz.  The corpus
# is copied so that new inputs found in CI do not dirty the checkout.
set -eu
secs=${1:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$top/build/fuzz
mkdir -p "$dir"
cd "$dir"
[ -f "$top/configure" ] || (cd "$top" && autoreconf -fi)
if [ ! -f Makefile ]; then
	CC=clang "$top/configure" -q --enable-fuzzer
fi
make -s test/fuzz/fuzz_mh_libfuzzer
rm -rf corpus artifacts
cp -r "$top/test/fuzz/corpus" corpus
mkdir artifacts
set +e
./test/fuzz/fuzz_mh_libfuzzer -max_total_time="$secs" -print_final_stats=1 \
    -artifact_prefix=artifacts/ corpus >fuzz.log 2>&1
rc=$?
set -e
grep -E '^(stat::|Done|#[0-9]+ +DONE)' fuzz.log || true
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' fuzz.log)
if [ -n "$execs" ]; then
	echo "fuzz: $execs executions in ${secs}s, $((execs / secs)) per second"
fi
if [ $rc -ne 0 ] || grep -qE 'ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error|deadly signal' fuzz.log || \
    [ -n "$(ls artifacts)" ]; then
	echo "FAIL: the fuzzer found something (exit $rc):"
	tail -40 fuzz.log
	ls -l artifacts
	exit 1
fi
echo "PASS: no finding"
