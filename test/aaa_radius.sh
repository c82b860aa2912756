#!/bin/sh
# aaa_radius.sh: libaaa, through test/aaa_tool, against a real FreeRADIUS
# (test/radius/) in a network namespace: the full RFC 6572 profile of an
# accepted MAC, rejects, an Accept without MN identifier, cancel, wrong
# secrets (a reply signed with another secret is dropped: radcli 1.2.11
# would take it), Message-Authenticator both ways, failover from a
# primary whose port is closed and from one that swallows packets, no
# server at all (the loop keeps ticking meanwhile), accounting
# Start/Interim/Stop in the detail file, and authentications at load,
# with the rate reported.
#
# Needs root, ip netns and freeradius (skips otherwise).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/topo.sh disable=SC1091
. "$here/lib/topo.sh"
RADIUS_CONFDIR=$here/radius
# shellcheck source=radius/radius.sh disable=SC1091
. "$RADIUS_CONFDIR/radius.sh"

# Set first: sourcing topo.sh made a directory, even if we skip.  A
# signal exits, and exiting cleans up.
trap 'radius_stop_all; topo_cleanup' EXIT
trap 'exit 1' INT TERM HUP PIPE
topo_need_root
if ! radius_available; then
	echo "SKIP: freeradius is not installed (Debian package freeradius)"
	exit 77
fi

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
elapsed() {	# elapsed MAC FILE: ms aaa_tool -s took for MAC
	sed -n "s/^elapsed $1 \\([0-9]*\\) ms\$/\\1/p" "$2"
}
M1=02-00-00-00-00-01

LIVE=fd00:aaa::1
CLOSED=fd00:aaa::dead	# ours, nothing listening: ICMP port unreachable
HOLE=fd00:bbbb::dead	# a neighbour nobody is: packets just vanish
set -e
topo_ns aaa
topo_ns void
topo_link aaa veth0 void veth0
topo_addr aaa lo $LIVE/128
topo_addr aaa lo $CLOSED/128
topo_addr aaa veth0 fd00:bbbb::1/64
ip -n "$TOPO_TAG-aaa" -6 neigh add $HOLE lladdr 02:00:00:00:de:ad \
    dev veth0 nud permanent
set +e

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
	timeout_ms = 500;
	retries = 1;
	nas_identifier = "mag1";
	nas_ipv6_address = "$LIVE";
	${3:-}
};
EOF
}
mkconf good "$(srv $LIVE "$D/secret")" "workers = 16;"
mkconf refused "$(srv $CLOSED "$D/secret"), $(srv $LIVE "$D/secret")"
mkconf failover "$(srv $HOLE "$D/secret"), $(srv $LIVE "$D/secret")"
mkconf dead "$(srv $HOLE "$D/secret")"
mkconf closed "$(srv $CLOSED "$D/secret")"
mkconf wrong "$(srv $LIVE "$D/secret.wrong")" \
    "message_authenticator = false;"
mkconf wrongma "$(srv $LIVE "$D/secret.wrong")"
mkconf requirema "$(srv $LIVE "$D/secret")" \
    "require_message_authenticator = true;"
mkconf open "$(srv $LIVE "$D/secret.open")"
mkconf password "$(srv $LIVE "$D/secret")" "mac_as_password = true;"

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
for f in "mnid=mn1@pmip6.example" "mnid_from=Mobile-Node-Identifier" \
    "lma=fd00:1::1" "hnp=fd00:100:1::/64,fd00:100:2::/64" \
    "ifid=0000:0000:0000:0001" \
    "session_timeout=3600" "interim=300" "user_name=02-00-00-00-00-01" \
    "class_len=5" "cui_len=7" "fv=0x0000010000000000"; do
	expect "accepted MAC: $f" "^02-00-00-00-00-01 ACCEPT.*$f" \
	    "$D/auth.out"
done
expect "rejected MAC: REJECT with the Reply-Message" \
    "^02-00-00-00-00-02 REJECT Access-Reject from \[$LIVE\]:1812: MN .*barred" \
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

# User-Password hidden as RFC 2865 5.2 says: FreeRADIUS recovers it.
tool -c "$D/password.conf" auth 02-00-00-00-00-03 >"$D/password.out" 2>&1
expect "request: User-Password hidden and recovered" \
    'User-Password = "02-00-00-00-00-03"' "$L"

# Cancel: the callback never runs.
tool -c "$D/good.conf" cancel 02-00-00-00-00-01 >"$D/cancel.out" 2>&1
expect "cancel: no callback" "callback did not run, pending 0" \
    "$D/cancel.out"

# Wrong secrets.  Unsigned request: FreeRADIUS answers, the reply fails
# its Response Authenticator and is dropped (radcli 1.2.11 returns it as
# an Accept).  Signed request: FreeRADIUS drops it, the client times out.
tool -c "$D/wrong.conf" auth 02-00-00-00-00-01 >"$D/wrong.out" 2>&1
expect "wrong secret: the forged-looking Accept is refused (ERROR)" \
    "^$M1 ERROR .*bad replies (wrong secret?).*wrong Response Auth" \
    "$D/wrong.out"
tool -c "$D/wrongma.conf" auth 02-00-00-00-00-01 >"$D/wrongma.out" 2>&1
expect "wrong secret, signed request: the server drops it (TIMEOUT)" \
    "^02-00-00-00-00-01 TIMEOUT" "$D/wrongma.out"
expect "wrong secret, signed request: FreeRADIUS saw a bad signature" \
    "Message-Authenticator" "$RADIUS_LOG"
# FreeRADIUS 3.2.1 checks our signature (every request above carried
# one) but does not sign its replies: requiring that refuses them.
tool -c "$D/requirema.conf" auth 02-00-00-00-00-01 >"$D/requirema.out" 2>&1
expect "Message-Authenticator required: an unsigned Accept is refused" \
    "^02-00-00-00-00-01 ERROR .*last: no Message-Authenticator" \
    "$D/requirema.out"

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

# Failover from a closed port: the ICMP error ends the wait at once.
tool -s -c "$D/refused.conf" auth 02-00-00-00-00-01 >"$D/refused.out" 2>&1
expect "closed primary: ACCEPT from the secondary" \
    "^02-00-00-00-00-01 ACCEPT mnid=mn1@pmip6.example" "$D/refused.out"
expect "closed primary: logged" \
    "RADIUS auth server \[$CLOSED\]:1812: port unreachable" \
    "$D/refused.out"
e=$(elapsed $M1 "$D/refused.out")
if [ -n "$e" ] && [ "$e" -lt 400 ]; then
	ok "closed primary: failed over in $e ms, without waiting"
else
	bad "closed primary: failover took ${e:-?} ms"
fi

# Failover from a primary that swallows packets (500 ms x 2 tries), and
# the next request goes straight to the secondary.
tool -s -T -c "$D/failover.conf" auth 02-00-00-00-00-01 02-00-00-00-00-03 \
    >"$D/failover.out" 2>&1
expect "silent primary: ACCEPT from the secondary" \
    "^02-00-00-00-00-01 ACCEPT mnid=mn1@pmip6.example" "$D/failover.out"
expect "silent primary: logged" \
    "RADIUS auth server \[$HOLE\]:1812: no reply (2 tries of 500 ms)" \
    "$D/failover.out"
expect "silent primary: the switch is logged" \
    "now using server \[$LIVE\]:1812" "$D/failover.out"
e1=$(elapsed $M1 "$D/failover.out")
e2=$(elapsed 02-00-00-00-00-03 "$D/failover.out")
echo "     silent primary: first request ${e1:-?} ms, next ${e2:-?} ms"
if [ -n "$e1" ] && [ -n "$e2" ] && [ "$e1" -ge 950 ] && [ "$e2" -lt 300 ]
then
	ok "silent primary: the next request skips it"
else
	bad "silent primary: timings ${e1:-?} ms then ${e2:-?} ms"
fi

# No server: TIMEOUT after the retries, and the loop never stalled.
tool -T -c "$D/dead.conf" auth 02-00-00-00-00-01 >"$D/dead.out" 2>&1
expect "no server: TIMEOUT naming the server" \
    "^$M1 TIMEOUT no RADIUS auth server answered: \[$HOLE\]:1812 no reply" \
    "$D/dead.out"
expect "no server: logged" \
    "RADIUS auth server \[$HOLE\]:1812: no reply (2 tries of 500 ms)" \
    "$D/dead.out"
gap=$(sed -n 's/^loop: .* max gap \([0-9]*\) ms$/\1/p' "$D/dead.out")
ticks=$(sed -n 's/^loop: \([0-9]*\) ticks.*/\1/p' "$D/dead.out")
echo "     no server: loop ${ticks:-?} ticks of 10 ms, max gap ${gap:-?} ms"
if [ -n "$gap" ] && [ "$gap" -lt 100 ] && [ "${ticks:-0}" -gt 50 ]; then
	ok "no server: the loop kept ticking (max gap $gap ms)"
else
	bad "no server: the loop stalled (max gap ${gap:-?} ms)"
fi
tool -c "$D/closed.conf" auth 02-00-00-00-00-01 >"$D/closed.out" 2>&1
expect "no server, port closed: TIMEOUT at once" \
    "^02-00-00-00-00-01 TIMEOUT .*\[$CLOSED\]:1812 port unreachable" \
    "$D/closed.out"

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
	if tool -T -c "$D/w$w.conf" bench 2000 >"$D/bench$w.out" 2>&1; then
		echo "     workers=$w: $(sed -n 's/^bench: //p' "$D/bench$w.out")"
		echo "       $(grep '^loop:' "$D/bench$w.out")"
	else
		bad "2000 authentications with $w workers"
		cat "$D/bench$w.out"
	fi
done

# Sanitizer builds: any report in any output is a failure.
if grep -l -e 'Sanitizer' -e 'runtime error' "$D"/*.out; then
	bad "sanitizer reports (files above)"
else
	ok "no sanitizer report in any aaa_tool run"
fi

if [ $fails -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
exit 0
