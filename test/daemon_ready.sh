#!/bin/sh
# daemon_ready.sh: starting a daemon without -d returns only once it is
# ready, or has failed.  For each of pmip6-lma and pmip6-mag, in a
# network namespace:
#  - a good configuration: exit 0, and at that moment the control socket
#    answers and the pid file names the running (detached) daemon;
#  - a configuration that -n accepts but that fails after the fork: exit
#    non-zero, the reason on stderr, nothing left running, no pid file.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/topo.sh disable=SC1091
. "$here/lib/topo.sh"
topo_need_root
trap topo_cleanup EXIT INT TERM

LMA=${LMA_BIN:-./lma/pmip6-lma}
MAG=${MAG_BIN:-./mag/pmip6-mag}
CTL=${PMIP6CTL:-./ctl/pmip6ctl}
D=$TOPO_DIR
fails=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
check() {	# check DESC CMD...: CMD must succeed
	d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
# The pid of a running BIN in /proc, whatever its parent.
running() {	# running BIN
	exe=$(readlink -f "$1")
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$exe" ] || continue
		# Only ours: the ones in this test's namespaces.
		case $(ip netns identify "${p#/proc/}" 2>/dev/null) in
		"$TOPO_TAG"-*) echo "${p#/proc/}" ;;
		esac
	done
}

set -e
topo_ns lma
topo_ns mag
topo_link lma eth0 mag eth0
topo_addr lma eth0 2001:db8:ff::1/64
topo_addr mag eth0 2001:db8:ff::2/64
ip -n "$TOPO_TAG-mag" link add acc0 type veth peer name acc0p
ip -n "$TOPO_TAG-mag" link set acc0 up
set +e

lma_conf() {	# lma_conf FILE CONTROL-SOCKET
	cat >"$1" <<CONF
address = "2001:db8:ff::1";
hnp_pools = [ "2001:db8:100::/40" ];
authorized_mags = [ "2001:db8:ff::/64" ];
dataplane = "seg6";
control_socket = "$2";
restart_counter_file = "$D/lma.restart";
CONF
}
mag_conf() {	# mag_conf FILE ACCESS-INTERFACE
	cat >"$1" <<CONF
address = "2001:db8:ff::2";
lma = "2001:db8:ff::1";
access = ( { interface = "$2"; } );
profile_source = "static";
profiles = ( { mac = "02:00:00:00:00:01"; mnid = "mn1@pmip6.example"; } );
dataplane = "seg6";
control_socket = "$D/mag.sock";
CONF
}

# good ROLE BIN CONF SOCK: starts, ready on return, pid file names it.
good() {
	role=$1 bin=$2 conf=$3 sock=$4
	pid=$D/$role.pid
	check "$role: -n accepts the good configuration" \
	    sh -c "'$bin' -n -c '$conf' >/dev/null 2>&1"
	topo_exec "$role" "$bin" -c "$conf" -p "$pid" >"$D/$role.out" 2>&1
	rc=$?
	p=$(running "$bin")
	TOPO_PIDS="$TOPO_PIDS $p"
	check "$role: start exits 0 (rc $rc: $(cat "$D/$role.out"))" \
	    test "$rc" -eq 0
	# No wait: exit 0 means ready.
	check "$role: control socket answers at once" \
	    sh -c "'$CTL' -s '$sock' show stats >/dev/null"
	check "$role: one daemon running (${p:-none})" \
	    test -n "$p" -a "$(echo "$p" | wc -w)" -eq 1
	check "$role: pid file names it ($(cat "$pid" 2>/dev/null))" \
	    test -n "$p" -a "$(cat "$pid" 2>/dev/null)" = "$p"
	check "$role: it is detached (own session)" sh -c \
	    "[ \"\$(ps -o sid= -p '$p' | tr -d ' ')\" = '$p' ]"
	check "$role: stderr is quiet" test ! -s "$D/$role.out"
	kill "$p" 2>/dev/null
	i=0
	while kill -0 "$p" 2>/dev/null && [ "$i" -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	check "$role: SIGTERM stops it and removes the pid file" \
	    sh -c "! kill -0 '$p' 2>/dev/null && [ ! -e '$pid' ]"
}

# bad ROLE BIN CONF REASON: -n accepts it, the start fails with REASON.
bad_start() {
	role=$1 bin=$2 conf=$3 reason=$4
	pid=$D/$role.pid
	check "$role: -n accepts the configuration that fails at run time" \
	    sh -c "'$bin' -n -c '$conf' >/dev/null 2>&1"
	topo_exec "$role" "$bin" -c "$conf" -p "$pid" >"$D/$role.out" \
	    2>"$D/$role.err"
	rc=$?
	p=$(running "$bin")
	TOPO_PIDS="$TOPO_PIDS $p"
	check "$role: start exits non-zero (rc $rc)" test "$rc" -ne 0
	if grep -q "^$(basename "$bin"): .*$reason" "$D/$role.err"; then
		ok "$role: stderr says why: $(cat "$D/$role.err")"
	else
		bad "$role: stderr lacks \"$reason\": $(cat "$D/$role.err")"
	fi
	check "$role: nothing left running (${p:-none})" test -z "$p"
	check "$role: no pid file left" test ! -e "$pid"
}

lma_conf "$D/lma-good.conf" "$D/lma.sock"
good lma "$LMA" "$D/lma-good.conf" "$D/lma.sock"
# daemon_mkparent makes one level: two missing levels fail in ctl_open,
# after the data plane and the MH socket were set up.
lma_conf "$D/lma-bad.conf" "$D/missing/deeper/lma.sock"
bad_start lma "$LMA" "$D/lma-bad.conf" "control socket $D/missing/deeper/lma.sock"

mag_conf "$D/mag-good.conf" acc0
good mag "$MAG" "$D/mag-good.conf" "$D/mag.sock"
mag_conf "$D/mag-bad.conf" acc9
bad_start mag "$MAG" "$D/mag-bad.conf" "acc9"

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
exit 0
