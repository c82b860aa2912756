#!/bin/sh
# mag_bench.sh: pmip6-mag attachment latency and rate (see BENCHMARKS.md).
#
#   test/bench/mag_bench.sh [-m radius|static] [-l LOGLEVEL] [RUN ...]
#
# Run from the build directory, as root.  A RUN is N (first frames from
# N new MNs at once), N@RATE (paced, per second) or N/W (at most W MNs
# waiting: N/1 is one at a time, the unloaded latency); default
# "200/1 1000 5000 5000@2000 10000@2500 10000@3000".  -m may be given
# twice (default both modes).
#
#   aaa (FreeRADIUS, 2001:db8:ff::10) --+
#   lma (pmip6-lma,  2001:db8:ff::1) ---+-- core bridge
#   mag1 (pmip6-mag, 2001:db8:ff::2) ---+
#   mag1 acc0 <-- veth --> inj eth0 (test/bench/frame_inject)
#
# Both daemons use the seg6 data plane, so every attach programs real
# kernel routes on both (the MAG's downlink and uplink, the LMA's).  Each run gets a fresh LMA and MAG
# (expected sizes from N, a /40 pool, no heartbeats, no neighbour
# probing during the run, new_mns_per_second = 0); FreeRADIUS runs
# threaded and quiet (RADIUS_DEBUG=0) for all of them, answering any
# 02-00-01-* MAC with an MN identifier and the LMA, the LMA assigning
# the prefix.  In static mode the MAG's profiles table lists the N MACs
# (the schema takes at most 16384: larger runs are cut to that), again
# with LMA-assigned prefixes.
# pmip6-mag runs on CPU 0, everything else on CPU 1 when there are two.
# MAG_BENCH_PERF=DIR records pmip6-mag with perf during each run, into
# DIR/perf.MODE.N.data.  MAG_BENCH_WORKERS sets the MAG's RADIUS
# workers (default 8).  MAG_BENCH_LOGS=DIR keeps each run's daemon logs
# there.
# Prints frame_inject's lines; never judges them.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
P6_SRC=$(cd "$here/.." && pwd)
P6_BIN=${P6_BIN:-.}
# shellcheck source=test/lib/topo.sh
. "$here/lib/topo.sh"
# shellcheck source=test/lib/pmip6.sh
. "$here/lib/pmip6.sh"
topo_need_root
trap 'radius_stop_all 2>/dev/null; topo_cleanup' EXIT INT TERM

INJ=${FRAME_INJECT:-./test/bench/frame_inject}
modes=
loglevel=notice
while getopts l:m: ch; do
	case $ch in
	l) loglevel=$OPTARG ;;
	m) modes="$modes $OPTARG" ;;
	*) echo "usage: $0 [-m radius|static] [-l LEVEL] [N[@RATE|/W]]..." >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$modes" ] || modes="radius static"
[ $# -gt 0 ] || set -- 200/1 1000 5000 5000@2000 10000@2500 10000@3000
D=$TOPO_DIR
workers=${MAG_BENCH_WORKERS:-8}

pin_mag=
pin_rest=
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	pin_mag="taskset -c 0"
	pin_rest="taskset -c 1"
fi

set -e
topo_ns core
topo_bridge core br0
for n in lma mag1 aaa; do
	topo_ns $n
	topo_link $n eth0 core "$n"
	topo_port core br0 "$n"
done
topo_addr lma eth0 2001:db8:ff::1/64
topo_addr mag1 eth0 2001:db8:ff::2/64
topo_addr aaa eth0 2001:db8:ff::10/64
topo_ns inj
ip link add acc0 netns "$TOPO_TAG-mag1" type veth peer name eth0 \
    netns "$TOPO_TAG-inj"
# The injector's own stack stays quiet on the access link (no RS, DAD or
# MLD of its own to look like one more MN).
topo_exec inj sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
ip -n "$TOPO_TAG-inj" link set eth0 promisc on up
ip -n "$TOPO_TAG-mag1" link set acc0 up
set +e

# Any 02-00-01-* MAC: accepted, the LMA named, the prefix left to it.
cat >"$D/users" <<'USERS'
DEFAULT	User-Name =~ "^02-00-01-", Auth-Type := Accept
	Mobile-Node-Identifier = "%{User-Name}@bench.pmip6.example",
	PMIP6-Home-LMA-IPv6-Address = 2001:db8:ff::1,
	Session-Timeout = 3600

DEFAULT	Auth-Type := Reject
USERS
RADIUS_DEBUG=0
export RADIUS_DEBUG
p6_start_radius || { echo "FAIL: freeradius did not start" >&2; exit 1; }
if [ -n "$pin_rest" ]; then
	taskset -a -p -c 1 "$P6_RADIUS_PID" >/dev/null
fi

# lma_conf N, mag_conf MODE N FIRST
lma_conf() {
	cat >"$D/lma.conf" <<CONF
address = "2001:db8:ff::1";
hnp_pools = [ "$P6_POOL" ];
authorized_mags = [ "2001:db8:ff::/64" ];
expected_bindings = $1;
MinDelayBeforeBCEDelete = 1000;
HEARTBEAT_INTERVAL = 0;
dataplane = "seg6";
control_socket = "$D/lma.sock";
restart_counter_file = "";
log_level = "$loglevel";
CONF
}

mag_conf() {
	cat >"$D/mag1.conf" <<CONF
address = "2001:db8:ff::2";
lma = "2001:db8:ff::1";
access = ( { interface = "acc0"; att = 4; } );
profile_source = "$1";
radius = {
	servers = ( { address = "2001:db8:ff::10"; secret_file = "$D/radius.secret"; } );
	timeout_ms = 2000;
	retries = 2;
	workers = $workers;
	queue_max = $(($2 * 4));
	nas_identifier = "mag1";
};
lifetime = 3600;
probe_after = 600000;
gone_after = 1200000;
reject_holddown = 1000;
new_mns_per_second = 0;
expected_mns = $2;
HEARTBEAT_INTERVAL = 0;
dataplane = "seg6";
control_socket = "$D/mag1.sock";
log_level = "$loglevel";
CONF
	if [ "$1" = static ]; then
		{
		echo "profiles = ("
		awk -v n="$2" -v first="$3" 'BEGIN {
			for (i = 0; i < n; i++) {
				v = first + i
				m = sprintf("02:00:01:%02x:%02x:%02x",
				    int(v / 65536), int(v / 256) % 256, v % 256)
				printf "\t{ mac = \"%s\"; mnid = \"%s@bench\"; }%s\n",
				    m, m, i < n - 1 ? "," : ""
			}
		}'
		echo ");"
		} >>"$D/mag1.conf"
	fi
}

# raw6_drops NS: datagrams the namespace's raw IPv6 sockets dropped.
raw6_drops() {
	topo_exec "$1" cat /proc/net/raw6 | awk 'NR > 1 { s += $NF }
	    END { print s + 0 }'
}

# stop PID: TERM, then wait (a MAG with thousands of MNs deregisters them).
stop() {
	kill -TERM "$1" 2>/dev/null
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt 1200 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	kill -9 "$1" 2>/dev/null
}

echo "# mag_bench: $(nproc) CPUs, $(uname -r), radius workers $workers," \
    "log_level $loglevel"
first=0
for mode in $modes; do
	for run in "$@"; do
		cnt=${run%%[@/]*}
		rate=0
		window=0
		case $run in
		*@*) rate=${run#*@} ;;
		*/*) window=${run#*/} ;;
		esac
		if [ "$mode" = static ] && [ "$cnt" -gt 16384 ]; then
			echo "# static: N=$cnt cut to 16384 (the most profiles holds)"
			cnt=16384
		fi
		lma_conf "$cnt"
		mag_conf "$mode" "$cnt" "$first"
		# shellcheck disable=SC2086  # command prefixes or empty
		topo_bg lma "$D/lma.log" $pin_rest "$P6_BIN/lma/pmip6-lma" -d \
		    -c "$D/lma.conf" -p ""
		lpid=$TOPO_LAST_PID
		# shellcheck disable=SC2086
		topo_bg mag1 "$D/mag1.log" $pin_mag "$P6_BIN/mag/pmip6-mag" -d \
		    -c "$D/mag1.conf" -p ""
		mpid=$TOPO_LAST_PID
		if ! topo_wait_for "$D/lma.log" "started on" 200 ||
		    ! topo_wait_for "$D/mag1.log" "started on" 200; then
			tail -5 "$D/lma.log" "$D/mag1.log"
			echo "FAIL: a daemon did not start" >&2
			exit 1
		fi
		echo "# $mode N=$cnt rate=$rate window=$window" \
		    "(cpu: pmip6-mag $mpid, pmip6-lma $lpid," \
		    "freeradius $P6_RADIUS_PID)"
		ppid=
		if [ -n "${MAG_BENCH_PERF:-}" ]; then
			perf record -q -g -e cpu-clock -p "$mpid" \
			    -o "$MAG_BENCH_PERF/perf.$mode.$cnt.data" \
			    >/dev/null 2>&1 &
			ppid=$!
			sleep 0.5
		fi
		# shellcheck disable=SC2086
		topo_exec inj $pin_rest "$INJ" -i eth0 -n "$cnt" -o "$first" \
		    -r "$rate" -w "$window" -t 20000 -p "$mpid" -p "$lpid" \
		    -p "$P6_RADIUS_PID"
		if [ -n "$ppid" ]; then
			kill -INT "$ppid"
			wait "$ppid"
		fi
		echo "# MAG routes: $(ip -n "$TOPO_TAG-mag1" -6 route show \
		    table all proto 213 2>/dev/null | grep -c '^2001:db8:1')" \
		    "down, $(ip -n "$TOPO_TAG-mag1" -6 route show table all \
		    proto 213 2>/dev/null | grep -c '^default from 2001:db8:1')" \
		    "up; MAG rules: $(ip -n "$TOPO_TAG-mag1" -6 rule show \
		    2>/dev/null | grep -c 'proto 213');" \
		    "LMA routes: $(ip -n "$TOPO_TAG-lma" -6 route show \
		    table all proto 213 2>/dev/null | grep -c 2001:db8:1)"
		echo "# socket drops: MH on LMA $(raw6_drops lma), MH on MAG" \
		    "$(raw6_drops mag1)"
		grep -i "warn\|err\|fail\|drop" "$D/mag1.log" | head -5
		stop "$mpid"
		stop "$lpid"
		if [ -n "${MAG_BENCH_LOGS:-}" ]; then
			_r=$(echo "$run" | tr / _)
			cp "$D/lma.log" "$MAG_BENCH_LOGS/lma.$mode.$_r.log"
			cp "$D/mag1.log" "$MAG_BENCH_LOGS/mag1.$mode.$_r.log"
		fi
		first=$((first + cnt))
	done
done
