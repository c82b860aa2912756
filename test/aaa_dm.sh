#!/bin/sh
# aaa_dm.sh: the Dynamic Authorization server (RFC 5176), through
# test/aaa_dm_tool on ::1, against FreeRADIUS's radclient: a live session
# is disconnected (ACK, whose Response Authenticator radclient checks),
# the same again is not found (NAK 503), MAC formats, a request with a
# Message-Authenticator gets a signed reply, a request naming nothing
# gets NAK 402, one with the wrong secret no reply at all.
#
# Needs radclient (Debian package freeradius-utils; skips otherwise).
set -u
TOOL=${AAA_DM_TOOL:-./test/aaa_dm_tool}
if ! command -v radclient >/dev/null 2>&1; then
	echo "SKIP: radclient is not installed (Debian package freeradius-utils)"
	exit 77
fi
tmp=$(mktemp -d /tmp/pmip6-dm.XXXXXX)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

fails=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
SECRET=testing123
printf '%s\n' "$SECRET" >"$tmp/secret"
chmod 600 "$tmp/secret"

# A port picked at random; another try if it is taken.
port=
for try in 1 2 3 4 5; do
	p=$((20000 + ($$ * 7 + try * 131) % 40000))
	cat >"$tmp/dm.conf" <<EOF
radius = {
	servers = ( { address = "::1"; secret_file = "$tmp/secret"; } );
	dm_port = $p;
	dm_address = "::1";
};
EOF
	"$TOOL" -c "$tmp/dm.conf" 02-00-00-00-00-01 02-00-00-00-00-02 \
	    02-00-00-00-00-03 >"$tmp/out" 2>"$tmp/log" &
	pid=$!
	i=0
	while [ $i -lt 50 ] && ! grep -q '^ready$' "$tmp/out" &&
	    kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if grep -q '^ready$' "$tmp/out"; then
		port=$p
		break
	fi
	wait "$pid" 2>/dev/null
	pid=
done
if [ -z "$port" ]; then
	echo "FAIL - aaa_dm_tool did not start:"
	sed 's/^/    /' "$tmp/log"
	exit 1
fi

# dm DESC SECRET PATTERN ATTRIBUTES: radclient's output must match.
dm() {
	printf '%b\n' "$4" | radclient -r 1 -t 2 -x "[::1]:$port" disconnect \
	    "$2" >"$tmp/rc" 2>&1
	if grep -q -- "$3" "$tmp/rc"; then
		ok "$1"
	else
		bad "$1 (no '$3' in radclient's output:)"
		sed 's/^/    /' "$tmp/rc"
	fi
}

dm "live session: Disconnect-ACK" $SECRET 'Received Disconnect-ACK' \
    'Calling-Station-Id = "02-00-00-00-00-01"'
dm "same session again: NAK 503" $SECRET \
    'Error-Cause = Session-Context-Not-Found' \
    'Calling-Station-Id = "02-00-00-00-00-01"'
dm "colon, lower-case MAC: Disconnect-ACK" $SECRET \
    'Received Disconnect-ACK' 'Calling-Station-Id = "02:00:00:00:00:02"'
dm "with Message-Authenticator: Disconnect-ACK" $SECRET \
    'Received Disconnect-ACK' \
    'Calling-Station-Id = "020000000003"\nMessage-Authenticator = 0x00'
dm "no identity: NAK 402" $SECRET 'Error-Cause = Missing-Attribute' \
    'Proxy-State = 0x01'
dm "wrong secret: no reply" wrong-secret 'No reply' \
    'Calling-Station-Id = "02-00-00-00-00-01"'
if grep -q 'wrong Request Authenticator' "$tmp/log"; then
	ok "wrong secret: logged"
else
	bad "wrong secret: not logged"
	sed 's/^/    /' "$tmp/log"
fi
n=$(grep -c '^disconnect ' "$tmp/out")
if [ "$n" -eq 4 ]; then
	ok "4 requests reached the callback"
else
	bad "$n requests reached the callback, not 4:"
	sed 's/^/    /' "$tmp/out"
fi
exit $((fails != 0))
