#!/bin/sh
# lma_bench.sh: pmip6-lma under closed-loop PBU load (see BENCHMARKS.md).
#
#   test/bench/lma_bench.sh [-d none|seg6] [-w WINDOW] [-r] [-e] N [N ...]
#
# Run from the build directory, as root.  Two namespaces joined by a veth
# pair: "lma" runs pmip6-lma, "mag" holds both MAG addresses and runs
# test/bench/pbu_bench.  For each N a fresh daemon gets a configuration
# sized for N (expected_bindings, a /40 pool, lifetimes far beyond the
# run) and the generator drives every MN through registration,
# re-registration, handoff and de-registration.  The daemon runs on CPU 0
# and the generator on CPU 1 when the machine has two.  -r turns
# revocation on (a BRI per handoff, acknowledged by the generator).
# -e runs test/bench/mh_echo in the daemon's place: the same socket,
# batching and pinning with no PMIPv6 logic, the kernel path's ceiling.
# A veth pair delivers a packet into the other namespace from the
# sender's CPU, so the LMA's CPU time includes the kernel receiving its
# PBAs on the generator's behalf (steering that elsewhere with RPS was
# 2.7 times slower here: it adds an IPI per packet).
# Prints the generator's lines as they come; never judges them.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=test/lib/topo.sh
. "$here/lib/topo.sh"
topo_need_root
trap topo_cleanup EXIT INT TERM

LMA=${LMA_BIN:-./lma/pmip6-lma}
GEN=${PBU_BENCH:-./test/bench/pbu_bench}
ECHO=${MH_ECHO:-./test/bench/mh_echo}
echo_only=false
dataplane=none
window=32
revocation=false
while getopts d:erw: ch; do
	case $ch in
	d) dataplane=$OPTARG ;;
	e) echo_only=true ;;
	r) revocation=true ;;
	w) window=$OPTARG ;;
	*) echo "usage: $0 [-d none|seg6] [-w W] [-r] [-e] N..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- 1000
D=$TOPO_DIR

set -e
topo_ns lma
topo_ns mag
topo_link lma eth0 mag eth0
topo_addr lma eth0 2001:db8:ff::1/64
topo_addr mag eth0 2001:db8:ff::2/64
topo_addr mag eth0 2001:db8:ff::3/64
set +e

pin_lma=
pin_gen=
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	pin_lma="taskset -c 0"
	pin_gen="taskset -c 1"
fi

what="dataplane=$dataplane"
$echo_only && what="mh_echo"
echo "# lma_bench: $what window=$window" \
    "revocation=$revocation $(nproc) CPUs, $(uname -r)"
for count in "$@"; do
	if $echo_only; then
		# shellcheck disable=SC2086
		topo_bg lma "$D/lma.log" $pin_lma "$ECHO" -l 2001:db8:ff::1
		lpid=$TOPO_LAST_PID
		topo_wait_for "$D/lma.log" "answering on" 200 || exit 1
		echo "# N=$count"
		# shellcheck disable=SC2086
		topo_exec mag $pin_gen "$GEN" -l 2001:db8:ff::1 \
		    -a 2001:db8:ff::2 -b 2001:db8:ff::3 -n "$count" \
		    -w "$window" -p "$lpid" -t 2000
		kill -TERM "$lpid" 2>/dev/null
		wait "$lpid" 2>/dev/null
		grep "answered" "$D/lma.log"
		continue
	fi
	cat >"$D/lma.conf" <<CONF
address = "2001:db8:ff::1";
hnp_pools = [ "2001:db8:1000::/40" ];
authorized_mags = [ "2001:db8:ff::2/128", "2001:db8:ff::3/128" ];
expected_bindings = $count;
max_lifetime = 262140;
MinDelayBeforeBCEDelete = 3600000;
TimestampValidityWindow = 5000;
revocation = $revocation;
HEARTBEAT_INTERVAL = 0;
dataplane = "$dataplane";
control_socket = "$D/lma.sock";
restart_counter_file = "";
log_level = "notice";
CONF
	# shellcheck disable=SC2086  # $pin_lma is a command prefix or empty
	topo_bg lma "$D/lma.log" $pin_lma "$LMA" -d -c "$D/lma.conf" -p ""
	lpid=$TOPO_LAST_PID
	if ! topo_wait_for "$D/lma.log" "started on" 200; then
		cat "$D/lma.log"
		echo "FAIL: pmip6-lma did not start" >&2
		exit 1
	fi
	# topo_bg's pid is that of "ip netns exec", which execs the daemon
	# (and taskset execs it too), so it is the daemon's own.
	echo "# N=$count"
	# shellcheck disable=SC2086
	topo_exec mag $pin_gen "$GEN" -l 2001:db8:ff::1 -a 2001:db8:ff::2 \
	    -b 2001:db8:ff::3 -n "$count" -w "$window" -p "$lpid" -t 2000
	kill -TERM "$lpid" 2>/dev/null
	i=0
	while kill -0 "$lpid" 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	grep -v "started on\|stopped\|shutting down" "$D/lma.log" | head -5
done
