# shellcheck shell=sh
# radius.sh: start and stop the test FreeRADIUS of test/radius/ for the
# aaa, MAG and demo scripts.  Source it with RADIUS_CONFDIR set to this
# directory, then:
#
#   radius_available          0 if freeradius is installed
#   radius_start DIR [NS]     run it, in network namespace NS if given;
#                             DIR (writable) gets its output (radiusd.out),
#                             pid and accounting (detail).  Sets RADIUS_PID
#                             and RADIUS_LOG; returns once it is ready.
#   radius_stop [PID]         stop one (default RADIUS_PID)
#   radius_stop_all           stop every one started: call from a trap
#   radius_secret_file FILE   write PMIP6_RADIUS_SECRET to FILE, mode 0600
#
# What radiusd.conf reads, with the defaults applied by radius_start:
#   PMIP6_RADIUS_LISTEN=::1  PMIP6_RADIUS_PORT=1812
#   PMIP6_RADIUS_ACCT_PORT=1813  PMIP6_RADIUS_CLIENTS=::1/128
#   PMIP6_RADIUS_SECRET=testing123  PMIP6_RADIUS_USERS=$RADIUS_CONFDIR/users
# RADIUS_DEBUG=1 (default) runs `freeradius -X`: every packet in the log,
# one thread.  RADIUS_DEBUG=0 runs it threaded and quiet, for load.

RADIUS_PIDS=

radius_available() {
	command -v freeradius >/dev/null 2>&1
}

radius_env() {
	PMIP6_RADIUS_LISTEN=${PMIP6_RADIUS_LISTEN:-::1}
	PMIP6_RADIUS_PORT=${PMIP6_RADIUS_PORT:-1812}
	PMIP6_RADIUS_ACCT_PORT=${PMIP6_RADIUS_ACCT_PORT:-1813}
	PMIP6_RADIUS_CLIENTS=${PMIP6_RADIUS_CLIENTS:-::1/128}
	PMIP6_RADIUS_SECRET=${PMIP6_RADIUS_SECRET:-testing123}
	PMIP6_RADIUS_USERS=${PMIP6_RADIUS_USERS:-$RADIUS_CONFDIR/users}
	export PMIP6_RADIUS_LISTEN PMIP6_RADIUS_PORT PMIP6_RADIUS_ACCT_PORT \
	    PMIP6_RADIUS_CLIENTS PMIP6_RADIUS_SECRET PMIP6_RADIUS_USERS
}

radius_secret_file() {
	radius_env
	(umask 077 && printf '%s\n' "$PMIP6_RADIUS_SECRET" >"$1")
}

radius_start() {
	PMIP6_RADIUS_RUNDIR=$1
	export PMIP6_RADIUS_RUNDIR
	radius_env
	mkdir -p "$1" || return 1
	RADIUS_LOG=$1/radiusd.out
	if [ "${RADIUS_DEBUG:-1}" = 1 ]; then
		set -- "${2:-}" -X
	else
		set -- "${2:-}" -f -l stdout
	fi
	if [ -n "$1" ]; then
		ns=$1
		shift
		ip netns exec "$ns" freeradius "$@" -d "$RADIUS_CONFDIR" \
		    >"$RADIUS_LOG" 2>&1 &
	else
		shift
		freeradius "$@" -d "$RADIUS_CONFDIR" >"$RADIUS_LOG" 2>&1 &
	fi
	RADIUS_PID=$!
	RADIUS_PIDS="$RADIUS_PIDS $RADIUS_PID"
	i=0
	until grep -q 'Ready to process requests' "$RADIUS_LOG" 2>/dev/null; do
		if ! kill -0 "$RADIUS_PID" 2>/dev/null || [ $i -ge 200 ]; then
			echo "radius.sh: freeradius did not start:" >&2
			tail -n 20 "$RADIUS_LOG" >&2
			return 1
		fi
		i=$((i + 1))
		sleep 0.05
	done
	return 0
}

radius_stop() {
	p=${1:-${RADIUS_PID:-}}
	[ -n "$p" ] || return 0
	kill "$p" 2>/dev/null
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 40 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if kill -0 "$p" 2>/dev/null; then
		kill -9 "$p" 2>/dev/null
	fi
	wait "$p" 2>/dev/null
	return 0
}

radius_stop_all() {
	for p in $RADIUS_PIDS; do
		radius_stop "$p"
	done
	RADIUS_PIDS=
}
