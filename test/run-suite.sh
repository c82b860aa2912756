#!/bin/sh
# The whole pmip6 test suite: install dependencies, build twice (plain
# and with ASan+UBSan) out of tree, and run `make check` in both.
#   sudo ./test/run-suite.sh            both variants
#   sudo ./test/run-suite.sh plain      one variant (plain|sanitizers)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

./test/install-deps.sh
# Headers for the charon plugin: strongSwan's source from Debian's
# source archive, in a private apt state (ipsec/README.md).
./ipsec/fetch-strongswan.sh "$top/build/strongswan"
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi

variants=${*:-plain sanitizers}
jobs=$(nproc 2>/dev/null || echo 2)
rc=0
for v in $variants; do
	case $v in
	plain) flags= ;;
	# One Debian package build per run is enough.
	sanitizers) flags=--enable-sanitizers; PMIP6_SKIP_DEB=1; export PMIP6_SKIP_DEB ;;
	*) echo "run-suite: unknown variant $v" >&2; exit 2 ;;
	esac
	dir=$top/build/$v
	mkdir -p "$dir"
	echo "=== $v build"
	(cd "$dir" && "$top/configure" -q \
	    --with-strongswan-src="$top/build/strongswan/src" $flags &&
	    make -s -j"$jobs") || exit 1
	echo "=== $v make check"
	if ! (cd "$dir" && make -j"$jobs" check); then
		rc=1
		cat "$dir/test-suite.log" 2>/dev/null || true
	fi
	# Check's own summary lines, one per unit-test program.
	find "$dir/test" "$dir/ipsec" -name '*.log' ! -name test-suite.log -exec \
	    grep -H '%: Checks:' {} + 2>/dev/null | sed "s|$dir/||" || true
done
exit $rc
