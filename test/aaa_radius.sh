#!/bin/sh
# aaa_radius.sh: libaaa, through test/aaa_tool, against a real FreeRADIUS
# (test/radius/) in a network namespace: the full RFC 6572 profile of an
# accepted MAC, rejects, an Accept without MN identifier, cancel, a wrong
# secret, failover from a dead primary, no server at all (the loop keeps
# ticking meanwhile), accounting Start/Interim/Stop in the detail file,
# and authentications at load, with the rate reported.
#
# Needs root, ip netns and freeradius (skips otherwise).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/topo.sh disable=SC1091
. "$here/lib/topo.sh"
RADIUS_CONFDIR=$here/radius
# shellcheck source=radius/radius.sh disable=SC1091
. "$RADIUS_CONFDIR/radius.sh"

topo_need_root
if ! radius_available; then
	echo "SKIP: freeradius is not installed (Debian package freeradius)"
	exit 77
fi
trap 'radius_stop_all; topo_cleanup' EXIT INT TERM

TOOL=${AAA_TOOL:-./test/aaa_tool}
D=$TOPO_DIR
fails=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
# expect DESC PATTERN FILE: FILE must hold a line matching PATTERN.
expect() {
	if grep -q -- "$2" "$3"; then
		ok "$1"
	else
		bad "$1 (no '$2' in $3:)"
		sed 's/^/    /' "$3"
	fi
}
tool() { topo_exec aaa "$TOOL" "$@"; }
ms() { date +%s%3N; }

LIVE=fd00:aaa::1
DEAD=fd00:aaa::dead		# on the link, nothing listening
topo_ns aaa || exit 99
topo_addr aaa lo $LIVE/128
topo_addr aaa lo $DEAD/128

PMIP6_RADIUS_LISTEN=$LIVE
PMIP6_RADIUS_CLIENTS=fd00:aaa::/64
PMIP6_RADIUS_SECRET=pmip6-test-secret
export PMIP6_RADIUS_LISTEN PMIP6_RADIUS_CLIENTS PMIP6_RADIUS_SECRET
radius_secret_file "$D/secret"
(umask 077 && echo wrong-secret >"$D/secret.wrong")
cp "$D/secret" "$D/secret.open" && chmod 644 "$D/secret.open"

srv() {	# srv ADDR SECRET-FILE: one server entry
	printf '{ address = "%s"; secret_file = "%s"; }' "$1" "$2"
}
mkconf() {	# mkconf NAME SERVERS [SETTINGS]: a config with a radius group
	cat >"$D/$1.conf" <<EOF
radius = {
	servers = ( $2 );
	timeout = 1;
	retries = 1;
	nas_identifier = "mag1";
	nas_ipv6_address = "$LIVE";
	${3:-}
};
EOF
}
mkconf good "$(srv $LIVE "$D/secret")" "workers = 16;"
mkconf failover "$(srv $DEAD "$D/secret"), $(srv $LIVE "$D/secret")"
mkconf dead "$(srv $DEAD "$D/secret")"
mkconf wrong "$(srv $LIVE "$D/secret.wrong")"
mkconf open "$(srv $LIVE "$D/secret.open")"

# Configuration: checked before anything is sent.
if tool -c "$D/good.conf" check >"$D/check.out" 2>&1; then
	expect "check prints the effective configuration" \
	    'nas_port_type = "wireless-802.11"' "$D/check.out"
else
	bad "check refused the good configuration"
	cat "$D/check.out"
fi
if tool -c "$D/open.conf" auth 02-00-00-00-00-01 >"$D/open.out" 2>&1; then
	bad "a world-readable secret file was accepted"
else
	expect "a world-readable secret file is refused" "chmod 600" \
	    "$D/open.out"
fi

if ! radius_start "$D/radius" "$TOPO_TAG-aaa"; then
	echo "FAIL: freeradius did not start"
	exit 1
fi
ok "freeradius ready on [$LIVE]:1812"

# The whole profile, field by field (users: 02-00-00-00-00-01).
tool -c "$D/good.conf" auth 02-00-00-00-00-01 02-00-00-00-00-02 \
    02-00-00-00-00-99 02-00-00-00-00-03 02-00-00-00-00-04 \
    >"$D/auth.out" 2>&1
for f in "02-00-00-00-00-01 ACCEPT" "mnid=mn1@pmip6.example" \
    "mnid_from=Mobile-Node-Identifier" "lma=fd00:1::1" \
    "hnp=fd00:100:1::/64,fd00:100:2::/64" "ifid=0000:0000:0000:0001" \
    "session_timeout=3600" "interim=300" "user_name=02-00-00-00-00-01" \
    "class_len=5" "cui_len=7" "fv=0x0000010000000000"; do
	expect "accepted MAC: $f" "^02-00-00-00-00-01 ACCEPT.*$f" \
	    "$D/auth.out"
done
expect "rejected MAC: REJECT with the Reply-Message" \
    "^02-00-00-00-00-02 REJECT Access-Reject from \[$LIVE\]:1812: MN 02-00-00-00-00-02 is barred" \
    "$D/auth.out"
expect "unknown MAC: REJECT" "^02-00-00-00-00-99 REJECT" "$D/auth.out"
expect "MN-ID only: ACCEPT without LMA or prefixes" \
    "^02-00-00-00-00-03 ACCEPT mnid=mn3@pmip6.example .*lma=- hnp=- ifid=-" \
    "$D/auth.out"
expect "Accept without MN identifier: ERROR" \
    "^02-00-00-00-00-04 ERROR Access-Accept without Mobile-Node-Identifier" \
    "$D/auth.out"

# What the server received (RFC 6572 5.1): its debug log shows it.
L=$RADIUS_LOG
expect "request: Calling-Station-Id" \
    'Calling-Station-Id = "02-00-00-00-00-01"' "$L"
expect "request: NAS-Port-Type" 'NAS-Port-Type = Wireless-802.11' "$L"
expect "request: Service-Type Login" 'Service-Type = Login-User' "$L"
expect "request: NAS-Identifier" 'NAS-Identifier = "mag1"' "$L"
expect "request: NAS-IPv6-Address" "NAS-IPv6-Address = $LIVE" "$L"
expect "request: MIP6-Feature-Vector" \
    'MIP6-Feature-Vector = 1099511627776' "$L"
if grep -q 'NAS-Port = ' "$L"; then
	bad "request: radcli added a NAS-Port"
else
	ok "request: no NAS-Port"
fi

# Cancel: the callback never runs.
tool -c "$D/good.conf" cancel 02-00-00-00-00-01 >"$D/cancel.out" 2>&1
expect "cancel: no callback" "callback did not run, pending 0" \
    "$D/cancel.out"

# A wrong secret: the reply fails its authenticator check.
tool -c "$D/wrong.conf" auth 02-00-00-00-00-01 >"$D/wrong.out" 2>&1
expect "wrong secret: ERROR" "^02-00-00-00-00-01 ERROR .*wrong secret" \
    "$D/wrong.out"

# Accounting: Start, Interim, Stop in the detail file.
tool -c "$D/good.conf" session 02-00-00-00-00-01 >"$D/acct.out" 2>&1
expect "accounting: three requests answered" "sent=3 ok=3 failed=0" \
    "$D/acct.out"
sid=$(sed -n 's/^session //p' "$D/acct.out")
det=$D/radius/detail
if [ -n "$sid" ] && [ -f "$det" ]; then
	for t in Start Interim-Update Stop; do
		n=$(awk -v s="Acct-Session-Id = \"$sid\"" -v t="Acct-Status-Type = $t" '
		    /^[A-Z]/ { if (a && b) c++; a = b = 0 }
		    index($0, s) { a = 1 } index($0, t) { b = 1 }
		    END { if (a && b) c++; print c + 0 }' "$det")
		if [ "$n" = 1 ]; then
			ok "accounting: $t of session $sid in the detail file"
		else
			bad "accounting: $t of session $sid in the detail file"
		fi
	done
	for f in 'Acct-Terminate-Cause = Lost-Carrier' \
	    'Framed-IPv6-Prefix = fd00:100:2::/64' \
	    'PMIP6-Home-HN-Prefix = fd00:100:1::/64' \
	    'Acct-Input-Gigawords = 1' 'Class = 0x706d697036' \
	    'Mobile-Node-Identifier = 0x6d6e3140706d6970362e6578616d706c65' \
	    'Chargeable-User-Identity = 0x6375692d6d6e31'; do
		expect "accounting: $f" "$f" "$det"
	done
else
	bad "accounting: no session id or no detail file"
	cat "$D/acct.out"
fi

# Failover: the primary is dead (1 s x 2 tries), the secondary answers,
# and the next request goes straight to the secondary.
tool -s -T -c "$D/failover.conf" auth 02-00-00-00-00-01 02-00-00-00-00-03 \
    >"$D/failover.out" 2>&1
expect "failover: ACCEPT from the secondary" \
    "^02-00-00-00-00-01 ACCEPT mnid=mn1@pmip6.example" "$D/failover.out"
expect "failover: the dead primary is logged" \
    "RADIUS auth server \[$DEAD\]:1812: no reply after 2 tries of 1 s" \
    "$D/failover.out"
expect "failover: the switch is logged" \
    "now using server \[$LIVE\]:1812" "$D/failover.out"
e1=$(sed -n 's/^elapsed 02-00-00-00-00-01 \([0-9]*\) ms$/\1/p' "$D/failover.out")
e2=$(sed -n 's/^elapsed 02-00-00-00-00-03 \([0-9]*\) ms$/\1/p' "$D/failover.out")
echo "     failover: first request ${e1:-?} ms, next ${e2:-?} ms"
if [ -n "$e1" ] && [ -n "$e2" ] && [ "$e1" -ge 1900 ] && [ "$e2" -lt 500 ]
then
	ok "failover: the next request skips the dead primary"
else
	bad "failover: timings ${e1:-?} ms then ${e2:-?} ms"
fi

# No server: TIMEOUT after the retries, and the loop never stalled.
t0=$(ms)
tool -T -c "$D/dead.conf" auth 02-00-00-00-00-01 >"$D/dead.out" 2>&1
t1=$(ms)
expect "no server: TIMEOUT naming the server" \
    "^02-00-00-00-00-01 TIMEOUT no RADIUS auth server answered: \[$DEAD\]:1812 no reply" \
    "$D/dead.out"
expect "no server: logged" \
    "RADIUS auth server \[$DEAD\]:1812: no reply after 2 tries of 1 s" \
    "$D/dead.out"
gap=$(sed -n 's/^loop: .* max gap \([0-9]*\) ms$/\1/p' "$D/dead.out")
ticks=$(sed -n 's/^loop: \([0-9]*\) ticks.*/\1/p' "$D/dead.out")
echo "     no-server timeout took $((t1 - t0)) ms; loop: ${ticks:-?} ticks" \
    "of 10 ms, max gap ${gap:-?} ms"
if [ -n "$gap" ] && [ "$gap" -lt 100 ] && [ "${ticks:-0}" -gt 100 ]; then
	ok "no server: the loop kept ticking (max gap $gap ms)"
else
	bad "no server: the loop stalled (max gap ${gap:-?} ms)"
fi

# Load: FreeRADIUS threaded and quiet, many requests in flight at once.
radius_stop
export RADIUS_DEBUG=0
if ! radius_start "$D/radius-fast" "$TOPO_TAG-aaa"; then
	echo "FAIL: freeradius (threaded) did not start"
	exit 1
fi
if tool -T -c "$D/good.conf" bench 200 >"$D/bench200.out" 2>&1; then
	ok "200 concurrent authentications: $(sed -n 's/^bench: //p' \
	    "$D/bench200.out")"
else
	bad "200 concurrent authentications"
	cat "$D/bench200.out"
fi
for w in 8 16 32; do
	mkconf "w$w" "$(srv $LIVE "$D/secret")" "workers = $w;"
	if tool -c "$D/w$w.conf" bench 2000 >"$D/bench$w.out" 2>&1; then
		echo "     workers=$w: $(sed -n 's/^bench: //p' "$D/bench$w.out")"
	else
		bad "2000 authentications with $w workers"
		cat "$D/bench$w.out"
	fi
done

if [ $fails -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
exit 0
