# shellcheck shell=sh
# pmip6.sh: the PMIPv6 topology the end-to-end tests and the demo share.
# Source test/lib/topo.sh first.
#
#            cn (2001:db8:cc::2)
#             |
#            lma (2001:db8:ff::1, 2001:db8:cc::1)
#             |
#   core bridge ---- aaa (2001:db8:ff::10, FreeRADIUS)
#      |       |
#     mag1    mag2   (2001:db8:ff::2, ::3; access interface acc0 each)
#      |       |
#   ap bridge: port p1 (to mag1), p2 (to mag2), m1.. (to the MNs)
#      |
#     mn1 ... (unmodified hosts: kernel SLAAC, default sysctls)
#
# The ap bridge stands in for the access points: moving an MN from MAG1 to
# MAG2 is taking p1 down and p2 up (Wi-Fi roaming, the MN's link stays up),
# or taking the MN's own port down and up around that (a new attachment).

P6_BIN=${P6_BIN:-.}
P6_SRC=${P6_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
P6_SECRET=pmip6-test-secret
# IPsec for the signaling (RFC 5213 4) whenever the charon plugin was
# built: every scenario then runs inside the SAs.  P6_IPSEC=0 turns it
# off, P6_IPSEC=1 insists.
if [ -z "${P6_IPSEC:-}" ]; then
	if [ -f "$P6_BIN/ipsec/libstrongswan-pmip6.so" ] &&
	    [ -x /usr/lib/ipsec/charon ]; then
		P6_IPSEC=1
	else
		P6_IPSEC=0
	fi
fi
P6_POOL=2001:db8:100::/40

# p6_topology [NMN]: namespaces, links and addresses; NMN MNs (default 1).
p6_topology() {
	nmn=${1:-1}
	topo_ns core || return 1
	topo_bridge core br0
	for n in lma mag1 mag2 aaa; do
		topo_ns $n
		topo_link $n eth0 core "$n"
		topo_port core br0 "$n"
	done
	topo_addr lma eth0 2001:db8:ff::1/64
	topo_addr mag1 eth0 2001:db8:ff::2/64
	topo_addr mag2 eth0 2001:db8:ff::3/64
	topo_addr aaa eth0 2001:db8:ff::10/64
	topo_ns cn
	topo_link lma cn0 cn eth0
	topo_addr lma cn0 2001:db8:cc::1/64
	topo_addr cn eth0 2001:db8:cc::2/64
	topo_exec cn ip -6 route add default via 2001:db8:cc::1
	topo_ns ap
	topo_bridge ap br1
	topo_link mag1 acc0 ap p1
	topo_link mag2 acc0 ap p2
	p6_ap_port p1
	p6_ap_port p2
	# Only one access point forwards at a time.  Both MAGs keep carrier,
	# as real access links do when an MN roams away.
	bridge -n "$TOPO_TAG-ap" link set dev p2 state 0
	_p6n=1
	while [ "$_p6n" -le "$nmn" ]; do
		p6_add_mn "$_p6n" || return 1
		_p6n=$((_p6n + 1))
	done
}

# p6_ap_port IF: a port of the access-point bridge that does not learn:
# every frame floods, so no stale entry pins the shared router MAC to the
# old MAG's port after a move (real access points send an update frame
# for the roaming station; this stands in for it).
p6_ap_port() {
	topo_port ap "${2:-br1}" "$1"
	ip -n "$TOPO_TAG-ap" link set "$1" type bridge_slave learning off
}

# p6_split_aps: two separate access networks, MAG1 on br1 and MAG2 on a
# new br2, both forwarding (for many MNs spread over both MAGs).
p6_split_aps() {
	topo_bridge ap br2
	ip -n "$TOPO_TAG-ap" link set p2 nomaster
	p6_ap_port p2 br2
	bridge -n "$TOPO_TAG-ap" link set dev p2 state 3
}

# p6_mac N: the MAC of MN number N (02-00-00-00-xx-yy).
p6_mac() {
	printf '02:00:00:00:%02x:%02x' $(($1 / 256)) $(($1 % 256))
}

# p6_add_mn N [BRIDGE]: an unmodified host namespace mnN behind the ap
# bridge (br1, MAG1's, unless told).
p6_add_mn() {
	ns=$TOPO_TAG-mn$1
	ip netns add "$ns" || return 1
	TOPO_NS="$TOPO_NS $ns"
	ip -n "$ns" link set lo up
	ip link add eth0 netns "$ns" address "$(p6_mac "$1")" type veth \
	    peer name "m$1" netns "$TOPO_TAG-ap" || return 1
	ip -n "$TOPO_TAG-ap" link set "m$1" up
	p6_ap_port "m$1" "${2:-br1}"
	ip -n "$ns" link set eth0 up
}

# p6_radius_users FILE NMN: a users file with a profile for MNs 1..NMN
# (the pool prefix is left to the LMA), and a MAC RADIUS rejects.
p6_radius_users() {
	: >"$1"
	_p6n=1
	while [ "$_p6n" -le "$2" ]; do
		mac=$(p6_mac "$_p6n" | tr ':a-f' '-A-F')
		cat >>"$1" <<USERS
$mac  Auth-Type := Accept
	Mobile-Node-Identifier = "mn$_p6n@pmip6.example",
	PMIP6-Home-LMA-IPv6-Address = 2001:db8:ff::1,
	Session-Timeout = 3600

USERS
		_p6n=$((_p6n + 1))
	done
	cat >>"$1" <<USERS
DEFAULT  Auth-Type := Reject
	Reply-Message = "unknown MAC"
USERS
}

# p6_radius_home FILE N LMA: a profile for MN N naming LMA as its home
# LMA (PMIP6-Home-LMA-IPv6-Address), put first in the users file so it
# wins over one p6_radius_users wrote for the same MN.
p6_radius_home() {
	mac=$(p6_mac "$2" | tr ':a-f' '-A-F')
	{ cat <<USERS
$mac  Auth-Type := Accept
	Mobile-Node-Identifier = "mn$2@pmip6.example",
	PMIP6-Home-LMA-IPv6-Address = $3,
	Session-Timeout = 3600

USERS
	  cat "$1"; } >"$1.new" && mv "$1.new" "$1"
}

# p6_lma_conf FILE: the LMA's configuration for this topology.
p6_lma_conf() {
	cat >"$1" <<CONF
address = "2001:db8:ff::1";
hnp_pools = [ "$P6_POOL" ];
authorized_mags = [ "2001:db8:ff::/64" ];
MinDelayBeforeBCEDelete = ${P6_MINDELAY:-1000};
HEARTBEAT_INTERVAL = ${P6_HB:-5};
dataplane = "seg6";
control_socket = "$TOPO_DIR/lma.sock";
restart_counter_file = "$TOPO_DIR/lma.restart";
log_level = "${P6_LOGLEVEL:-info}";
CONF
	p6_ipsec_group lma >>"$1"
}

# p6_ipsec_group NODE: with P6_IPSEC=1, the ipsec group of a daemon's
# configuration: required, tunnel mode (kernel-libipsec here), one PSK.
p6_ipsec_group() {
	[ "${P6_IPSEC:-0}" = 1 ] || return 0
	cat <<CONF
ipsec = {
	mode = "required";
	child_mode = "tunnel";
	psk_file = "$TOPO_DIR/ipsec.psk";
	socket = "$TOPO_DIR/$1.ipsec.sock";
	retry_interval = 1000;
};
CONF
}

# p6_start_charon NODE: strongSwan's charon in the node's namespace with
# our plugin, reading the node's pmip6 configuration; a private /run
# because charon's pid file path is compiled in.
p6_start_charon() {
	cf=$TOPO_DIR/$1.strongswan.conf
	mkdir -p "$TOPO_DIR/$1.run"
	[ -f "$TOPO_DIR/ipsec.psk" ] || (umask 077 &&
	    echo "pmip6-e2e-psk-$$" >"$TOPO_DIR/ipsec.psk")
	cat >"$cf" <<CONF
charon {
	load = random nonce aes sha1 sha2 hmac kdf gmp pem pkcs1 pkcs8 x509 pubkey kernel-libipsec kernel-netlink socket-default pmip6
	filelog {
		charon {
			path = $TOPO_DIR/$1.charon.log
			default = 1
			flush_line = yes
		}
	}
	plugins {
		pmip6 {
			config = $TOPO_DIR/$1.conf
		}
		kernel-libipsec {
			allow_peer_ts = yes
		}
		kernel-netlink {
			fwmark = !0x42
		}
		socket-default {
			fwmark = 0x42
		}
	}
}
CONF
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$TOPO_TAG-$1" unshare --mount --propagation private \
	    sh -c 'mount --bind "$1" /run && exec env STRONGSWAN_CONF="$2" LD_PRELOAD="$3" /usr/lib/ipsec/charon' \
	    sh "$TOPO_DIR/$1.run" "$cf" \
	    "$(cd "$P6_BIN" && pwd)/ipsec/libstrongswan-pmip6.so" \
	    >"$TOPO_DIR/$1.charon.out" 2>&1 &
	TOPO_PIDS="$TOPO_PIDS $!"
	eval "P6_CHARON_$1=\$!"
}

# p6_mag_conf FILE N: the configuration of MAG N (1 or 2).
p6_mag_conf() {
	cat >"$1" <<CONF
address = "2001:db8:ff::$(($2 + 1))";
lma = "2001:db8:ff::1";
access = ( { interface = "acc0"; att = 4; } );
radius = {
	servers = ( { address = "2001:db8:ff::10"; secret_file = "$TOPO_DIR/radius.secret"; } );
	timeout_ms = 1000;
	retries = 1;
	nas_identifier = "mag$2";
	dm_port = 3799;
};
lifetime = ${P6_LIFETIME:-3600};
probe_after = ${P6_PROBE:-3000};
gone_after = ${P6_GONE:-6000};
reject_holddown = 5000;
HEARTBEAT_INTERVAL = ${P6_HB:-5};
dataplane = "seg6";
control_socket = "$TOPO_DIR/mag$2.sock";
log_level = "${P6_LOGLEVEL:-info}";
CONF
	p6_ipsec_group "mag$2" >>"$1"
}

# p6_start_radius: FreeRADIUS on the aaa host, with the users file
# written by p6_radius_users; the MAGs' secret file next to it.
p6_start_radius() {
	RADIUS_CONFDIR=$P6_SRC/test/radius
	. "$P6_SRC/test/radius/radius.sh"
	PMIP6_RADIUS_LISTEN=2001:db8:ff::10
	PMIP6_RADIUS_CLIENTS=2001:db8:ff::/64
	PMIP6_RADIUS_SECRET=$P6_SECRET
	PMIP6_RADIUS_USERS=$TOPO_DIR/users
	radius_secret_file "$TOPO_DIR/radius.secret"
	radius_start "$TOPO_DIR/radius" "$TOPO_TAG-aaa" || return 1
	P6_RADIUS_PID=$RADIUS_PID
	TOPO_PIDS="$TOPO_PIDS $RADIUS_PID"
}

p6_start_lma() {
	p6_lma_conf "$TOPO_DIR/lma.conf"
	topo_bg lma "$TOPO_DIR/lma.log" "$P6_BIN/lma/pmip6-lma" -d \
	    -c "$TOPO_DIR/lma.conf" -p "$TOPO_DIR/lma.pid"
	P6_LMA_PID=$TOPO_LAST_PID
	topo_wait_for "$TOPO_DIR/lma.log" "started on" 200 || return 1
	if [ "$P6_IPSEC" = 1 ] && [ -z "${P6_CHARON_lma:-}" ]; then
		p6_start_charon lma
	fi
}

# p6_start_mag N
p6_start_mag() {
	p6_mag_conf "$TOPO_DIR/mag$1.conf" "$1"
	topo_bg "mag$1" "$TOPO_DIR/mag$1.log" "$P6_BIN/mag/pmip6-mag" -d \
	    -c "$TOPO_DIR/mag$1.conf" -p "$TOPO_DIR/mag$1.pid"
	eval "P6_MAG$1_PID=\$TOPO_LAST_PID"
	topo_wait_for "$TOPO_DIR/mag$1.log" "started on" 200 || return 1
	if [ "$P6_IPSEC" = 1 ] && eval "[ -z \"\${P6_CHARON_mag$1:-}\" ]"; then
		p6_start_charon "mag$1"
	fi
}

# p6_start_lma2 [POOL]: a second LMA, lma2 (2001:db8:ff::5) on the core
# bridge, with a pool of its own (default 2001:db8:1c0::/44), control
# socket lma2.sock, a correspondent node cn2 (2001:db8:cd::2) behind it
# and, with IPsec, its own charon: the home of MNs
# whose RADIUS profile names it (p6_radius_home).  No file of the MAGs
# names it.
p6_start_lma2() {
	topo_ns lma2 || return 1
	topo_link lma2 eth0 core lma2 || return 1
	topo_port core br0 lma2
	topo_addr lma2 eth0 2001:db8:ff::5/64
	# Its own correspondent node, cn2 (2001:db8:cd::2): the MNs it
	# serves reach the world through it, not through LMA1.
	topo_ns cn2 || return 1
	topo_link lma2 cn0 cn2 eth0 || return 1
	topo_addr lma2 cn0 2001:db8:cd::1/64
	topo_addr cn2 eth0 2001:db8:cd::2/64
	topo_exec cn2 ip -6 route add default via 2001:db8:cd::1
	cat >"$TOPO_DIR/lma2.conf" <<CONF
address = "2001:db8:ff::5";
hnp_pools = [ "${1:-2001:db8:1c0::/44}" ];
authorized_mags = [ "2001:db8:ff::/64" ];
MinDelayBeforeBCEDelete = ${P6_MINDELAY:-1000};
HEARTBEAT_INTERVAL = ${P6_HB:-5};
dataplane = "seg6";
control_socket = "$TOPO_DIR/lma2.sock";
restart_counter_file = "$TOPO_DIR/lma2.restart";
log_level = "${P6_LOGLEVEL:-info}";
CONF
	p6_ipsec_group lma2 >>"$TOPO_DIR/lma2.conf"
	topo_bg lma2 "$TOPO_DIR/lma2.log" "$P6_BIN/lma/pmip6-lma" -d \
	    -c "$TOPO_DIR/lma2.conf" -p "$TOPO_DIR/lma2.pid"
	P6_LMA2_PID=$TOPO_LAST_PID
	topo_wait_for "$TOPO_DIR/lma2.log" "started on" 200 || return 1
	if [ "$P6_IPSEC" = 1 ] && [ -z "${P6_CHARON_lma2:-}" ]; then
		p6_start_charon lma2
	fi
}

# p6_mn_addr N: the MN's global address from its home network prefix.
p6_mn_addr() {
	ip -n "$TOPO_TAG-mn$1" -6 addr show dev eth0 scope global 2>/dev/null |
	    sed -n 's/.*inet6 \(2001:db8:1[^/]*\)\/64.*/\1/p' | head -1
}

# p6_wait_addr N [TRIES]: wait until the MN has an HNP address (50 ms).
p6_wait_addr() {
	_p6i=0
	while [ -z "$(p6_mn_addr "$1")" ]; do
		_p6i=$((_p6i + 1))
		[ "$_p6i" -gt "${2:-200}" ] && return 1
		sleep 0.05
	done
	# The address may still be tentative for a moment.
	_p6i=0
	while ip -n "$TOPO_TAG-mn$1" -6 addr show dev eth0 tentative |
	    grep -q 2001:db8:1; do
		_p6i=$((_p6i + 1))
		[ "$_p6i" -gt 100 ] && return 1
		sleep 0.02
	done
	return 0
}

p6_ctl() {
	sock=$1
	shift
	"$P6_BIN/ctl/pmip6ctl" -s "$TOPO_DIR/$sock.sock" "$@"
}

# p6_ap_switch TO: the layer-2 path moves to MAG TO (1 or 2): the port
# toward the old MAG stops forwarding as the one toward the new starts.
p6_ap_switch() {
	if [ "$1" = 2 ]; then
		bridge -n "$TOPO_TAG-ap" link set dev p1 state 0
		bridge -n "$TOPO_TAG-ap" link set dev p2 state 3
	else
		bridge -n "$TOPO_TAG-ap" link set dev p2 state 0
		bridge -n "$TOPO_TAG-ap" link set dev p1 state 3
	fi
}

# p6_mn_link N up|down: the MN's own link (its port on the ap bridge).
p6_mn_link() {
	ip -n "$TOPO_TAG-ap" link set "m$1" "$2"
}

# p6_gaps FILE: from `ping -D` output, print "received lost maxgap_ms".
p6_gaps() {
	awk '
	/bytes from/ {
		t = substr($1, 2, length($1) - 2) * 1000
		if (prev != "" && t - prev > gap) gap = t - prev
		prev = t
		n++
	}
	/packets transmitted/ { tx = $1 }
	END { printf "%d %d %.0f\n", n, tx - n, gap }' "$1"
}

# p6_uplink_rules NS: how many uplink rules ("iif ACCESS lookup T", one
# per access interface with MNs) a MAG's namespace holds.
p6_uplink_rules() {
	ip -n "$TOPO_TAG-$1" -6 rule show 2>/dev/null |
	    grep 'proto 213' | grep -c ' iif '
}

# p6_mag_routes NS HNP: the MAG's downlink and uplink routes for the
# prefix (tables all), "DOWN UP".
p6_mag_routes() {
	ip -n "$TOPO_TAG-$1" -6 route show table all proto 213 2>/dev/null |
	    awk -v p="$2/64" '$1 == p { d++ } $1 == "default" && $3 == p { u++ }
	    END { printf "%d %d\n", d, u }'
}

# p6_has_state NS HNP: does the namespace hold any route or rule naming
# the prefix (tables all)?
p6_has_state() {
	{ ip -n "$TOPO_TAG-$1" -6 route show table all
	  ip -n "$TOPO_TAG-$1" -6 rule show; } 2>/dev/null | grep -q "$2"
}
