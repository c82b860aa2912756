# shellcheck shell=sh
# topo.sh: network-namespace topology helpers shared by the integration
# tests and the demo.  Source it, set TOPO_TAG to something unique (the
# scripts use their pid), and call topo_cleanup from an EXIT trap: it
# removes every namespace and process the helpers created, even after a
# failure half-way.

TOPO_TAG=${TOPO_TAG:-p6$$}
TOPO_NS=
TOPO_PIDS=
TOPO_DIR=${TOPO_DIR:-$(mktemp -d /tmp/pmip6-topo.XXXXXX)}

topo_need_root() {
	if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
		rm -rf "$TOPO_DIR"
		echo "SKIP: needs root and ip netns"
		exit 77
	fi
}

# topo_ns NAME: a namespace $TOPO_TAG-NAME with lo up and forwarding and
# seg6 enabled (the data plane needs both on every node).
topo_ns() {
	ns=$TOPO_TAG-$1
	ip netns add "$ns" || return 1
	TOPO_NS="$TOPO_NS $ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1 \
	    net.ipv6.conf.all.seg6_enabled=1 \
	    net.ipv6.conf.default.seg6_enabled=1 \
	    net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# topo_link A IFA B IFB: a veth pair between namespaces A and B.
topo_link() {
	ip link add "$2" netns "$TOPO_TAG-$1" type veth peer name "$4" \
	    netns "$TOPO_TAG-$3" || return 1
	ip -n "$TOPO_TAG-$1" link set "$2" up
	ip -n "$TOPO_TAG-$3" link set "$4" up
}

# topo_bridge NS BR: a bridge inside NS; topo_port NS BR IF enslaves.
topo_bridge() {
	ip -n "$TOPO_TAG-$1" link add "$2" type bridge || return 1
	ip -n "$TOPO_TAG-$1" link set "$2" up
}

topo_port() {
	ip -n "$TOPO_TAG-$1" link set "$3" master "$2"
}

# topo_addr NS IF ADDR/LEN
topo_addr() {
	ip -n "$TOPO_TAG-$1" -6 addr add "$3" dev "$2" nodad
}

# topo_exec NS CMD...: run in a namespace.
topo_exec() {
	n=$1
	shift
	ip netns exec "$TOPO_TAG-$n" "$@"
}

# topo_bg NS LOG CMD...: start in the background, remember the pid.
topo_bg() {
	n=$1
	log=$2
	shift 2
	# Truncate here, not in the background job: a caller that waits for a
	# line must not find one an earlier run left in the same log.
	: >"$log"
	ip netns exec "$TOPO_TAG-$n" "$@" >>"$log" 2>&1 &
	TOPO_PIDS="$TOPO_PIDS $!"
	TOPO_LAST_PID=$!
}

# topo_wait_for FILE PATTERN [TRIES]: poll a log for a line (50 ms steps).
topo_wait_for() {
	_tpi=0
	until grep -q "$2" "$1" 2>/dev/null; do
		_tpi=$((_tpi + 1))
		[ "$_tpi" -gt "${3:-100}" ] && return 1
		sleep 0.05
	done
	return 0
}

topo_cleanup() {
	for p in $TOPO_PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $TOPO_PIDS; do
		_tpi=0
		while kill -0 "$p" 2>/dev/null && [ $_tpi -lt 40 ]; do
			sleep 0.05
			_tpi=$((_tpi + 1))
		done
		kill -9 "$p" 2>/dev/null
	done
	for ns in $TOPO_NS; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TOPO_DIR"
}
