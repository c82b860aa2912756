#!/bin/sh
# deb_netns.sh: the Debian packages, as an operator meets them.  Builds
# them from a copy of this tree (dpkg-buildpackage -us -uc -b), installs
# them, checks that nothing was enabled or started, runs both daemons
# with the installed sample configurations through their init scripts in
# network namespaces that hold the sample addresses, talks to them with
# the installed pmip6ctl, stops them, purges the packages and checks that
# nothing is left behind.  The charon plugin's package is installed
# too: charon run as the system runs it (the stock strongswan.conf) must
# load the installed plugin through the installed snippet and read the
# installed daemons' files, and a charon started the way the other tests
# start theirs (their own strongswan.conf) must not notice any of it.
# With an ipsec group added to both files, a charon in each namespace
# brings up the SA between the MAG and the LMA that both daemons report.
#
# The plugin is built against PMIP6_STRONGSWAN_SRC (make check passes
# the build's --with-strongswan-src), else debian/rules fetches it.
#
# Slow (a whole package build): PMIP6_SKIP_DEB=1 skips it.  It also
# skips where it could harm the machine: pmip6 already installed, or
# /etc/pmip6 present.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

skip() {
	echo "SKIP: $*"
	exit 77
}
[ "${PMIP6_SKIP_DEB:-0}" = 1 ] && skip "PMIP6_SKIP_DEB=1"
command -v dpkg-buildpackage >/dev/null 2>&1 ||
    skip "dpkg-buildpackage is missing (Debian package dpkg-dev)"
[ -f "$top/debian/control" ] ||
    skip "no debian/ in $top (a dist tarball does not carry it)"
[ "$(id -u)" -eq 0 ] || skip "needs root"
# Installed, or removed but not purged, or half-way.
pkg_present() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null |
	    grep -qv ' not-installed$'
}
# shellcheck disable=SC2317  # run by check
pkg_absent() { ! pkg_present "$1"; }
PKGS="pmip6-common pmip6-lma pmip6-mag pmip6-ipsec"
for p in $PKGS; do
	pkg_present "$p" &&
	    skip "$p is already installed; this test would purge it"
done
[ -e /etc/pmip6 ] && skip "/etc/pmip6 exists; this test would remove it"
[ -e /etc/strongswan.d/charon/pmip6.conf ] &&
    skip "/etc/strongswan.d/charon/pmip6.conf exists; this test would remove it"
[ -x /usr/lib/ipsec/charon ] ||
    skip "no charon (Debian package strongswan-charon)"
if ! (cd "$top" && dpkg-checkbuilddeps) >/dev/null 2>&1; then
	skip "build dependencies missing (test/install-deps.sh installs them)"
fi

# shellcheck source=lib/topo.sh disable=SC1091
. "$here/lib/topo.sh"
W=$TOPO_DIR
installed=0
fails=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
check() {	# check DESC CMD...: CMD must succeed
	d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
# shellcheck disable=SC2317  # run by check
absent() { [ ! -e "$1" ] && [ ! -h "$1" ]; }
# Pids running the installed program pmip6-ROLE (other tests may run the
# build tree's at the same time: not those).
installed_pids() {
	for d in /proc/[0-9]*; do
		[ "$(readlink "$d/exe" 2>/dev/null)" = "/usr/sbin/pmip6-$1" ] &&
		    echo "${d#/proc/}"
	done
}
# shellcheck disable=SC2317  # run by check
none_running() { [ -z "$(installed_pids "$1")" ]; }

# Only the daemons this test started, by their pid files.
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
	for r in lma mag; do
		p=$(cat "/run/pmip6/$r.pid" 2>/dev/null) || continue
		case $p in '' | *[!0-9]*) continue ;; esac
		if [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = \
		    "/usr/sbin/pmip6-$r" ]; then
			kill "$p" 2>/dev/null
		fi
	done
	if [ "$installed" = 1 ]; then
		rm -f /etc/default/pmip6-lma
		# shellcheck disable=SC2086
		dpkg --purge $PKGS >/dev/null 2>&1
	fi
	topo_cleanup
}
trap cleanup EXIT INT TERM
topo_need_root

# 1. Build from a copy: what git knows (tracked, and new files it does
# not ignore), else the tree without build directories.
src=$W/src/pmip6
mkdir -p "$src"
if [ -d "$top/.git" ] && command -v git >/dev/null 2>&1; then
	(cd "$top" && git ls-files -co --exclude-standard | while IFS= read -r f; do
		[ -e "$f" ] && printf '%s\n' "$f"
	done) >"$W/files"
	tar -C "$top" -cf - -T "$W/files" | tar -C "$src" -xf - ||
	    { echo "FAIL: copying the tree"; exit 1; }
else
	tar -C "$top" --exclude=./build --exclude='./build-*' \
	    --exclude=./debian/build --exclude=./autom4te.cache \
	    --exclude=config.status --exclude=config.log -cf - . |
	    tar -C "$src" -xf - || { echo "FAIL: copying the tree"; exit 1; }
fi
echo "# building the packages in $src"
jobs=$(nproc 2>/dev/null || echo 2)
if ! (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$jobs" \
    dpkg-buildpackage -us -uc -b) >"$W/build.log" 2>&1; then
	tail -n 40 "$W/build.log"
	echo "FAIL: dpkg-buildpackage"
	exit 1
fi
ok "dpkg-buildpackage -us -uc -b"
ls -l "$W"/src/*.deb
debs=
for p in $PKGS; do
	for f in "$W/src/${p}"_*.deb; do
		if [ ! -f "$f" ]; then
			echo "FAIL: no $p package"
			exit 1
		fi
		debs="$debs $f"
	done
done

# 2. Install: files in place, conffiles, nothing enabled or running.
# shellcheck disable=SC2086
if ! dpkg -i $debs >"$W/dpkg.log" 2>&1; then
	cat "$W/dpkg.log"
	echo "FAIL: dpkg -i"
	installed=1
	exit 1
fi
installed=1
ok "dpkg -i$debs"
for f in /usr/sbin/pmip6-lma /usr/sbin/pmip6-mag /usr/sbin/pmip6ctl \
    /etc/pmip6/lma.conf /etc/pmip6/mag.conf \
    /etc/init.d/pmip6-lma /etc/init.d/pmip6-mag \
    /lib/systemd/system/pmip6-lma.service \
    /lib/systemd/system/pmip6-mag.service \
    /usr/share/man/man5/pmip6.conf.5.gz /usr/share/man/man8/pmip6ctl.8.gz \
    /usr/share/pmip6/dictionary.pmip6 \
    /usr/share/pmip6/freeradius-users.example \
    /usr/lib/ipsec/plugins/libstrongswan-pmip6.so \
    /etc/strongswan.d/charon/pmip6.conf; do
	check "installed $f" test -e "$f"
done
check "/etc/strongswan.d/charon/pmip6.conf is a conffile" sh -c \
    "dpkg-query --control-show pmip6-ipsec conffiles |
    grep -qx /etc/strongswan.d/charon/pmip6.conf"
v=$(dpkg-query -W -f='${Version}' strongswan-libcharon)
check "pmip6-ipsec depends on strongswan-libcharon (= $v)" sh -c \
    "dpkg-query -W -f='\${Depends}' pmip6-ipsec |
    grep -qF 'strongswan-libcharon (= $v)'"
check "radius.secret.example is private" \
    test "$(stat -c %a /etc/pmip6/radius.secret.example)" = 600
for r in lma mag; do
	check "/etc/pmip6/$r.conf is a conffile" sh -c \
	    "dpkg-query --control-show pmip6-$r conffiles |
	    grep -qx /etc/pmip6/$r.conf"
	check "pmip6-$r is not running after install" none_running "$r"
	check "pmip6-$r is enabled in no runlevel" \
	    sh -c "! ls /etc/rc[2345].d/S*pmip6-$r >/dev/null 2>&1"
	check "pmip6-$r.service is not enabled" test ! -e \
	    "/etc/systemd/system/multi-user.target.wants/pmip6-$r.service"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	for r in lma mag; do
		out=$(systemd-analyze verify \
		    "/lib/systemd/system/pmip6-$r.service" 2>&1 |
		    grep 'pmip6-')
		check "systemd-analyze verify pmip6-$r.service${out:+: $out}" \
		    test -z "$out"
	done
fi

# 3. Namespaces with the sample configurations' addresses: the LMA, the
# MAG and the RADIUS server on one core link, a correspondent node behind
# the LMA; later the MAG's access interface eth1, toward mobile node
# 02:00:00:00:00:01 of the FreeRADIUS example.
set -e
topo_ns core
topo_bridge core br0
for n in lma mag aaa; do
	topo_ns "$n"
	topo_link "$n" eth0 core "$n"
	topo_port core br0 "$n"
done
topo_addr lma eth0 2001:db8:ff::1/64
topo_addr mag eth0 2001:db8:ff::2/64
topo_addr aaa eth0 2001:db8:ff::10/64
topo_ns cn
topo_link lma cn0 cn eth0
topo_addr lma cn0 2001:db8:cc::1/64
topo_addr cn eth0 2001:db8:cc::2/64
topo_exec cn ip -6 route add default via 2001:db8:cc::1
set +e
secret=deb-test-secret
(umask 077 && echo "$secret" >/etc/pmip6/radius.secret)

# The LSB hook must not hand the scripts to systemctl on a systemd host:
# they must run here, inside the namespaces.
SYSTEMCTL_SKIP_REDIRECT=1
export SYSTEMCTL_SKIP_REDIRECT
initd() {	# initd ROLE ACTION: the installed script in ROLE's namespace
	topo_exec "$1" "/etc/init.d/pmip6-$1" "$2"
}

# A wrong configuration: start refuses it with the reason, and starts
# nothing.
printf 'address = "2001:db8:ff::1";\nhnp_length = 200;\n' >"$W/bad.conf"
echo "CONFIG=$W/bad.conf" >/etc/default/pmip6-lma
out=$(initd lma start 2>&1)
rc=$?
rm -f /etc/default/pmip6-lma
check "start refuses a wrong configuration (rc $rc: $out)" \
    test "$rc" -ne 0
check "nothing started with it" none_running lma
case $out in
*hnp_length*) ok "the refusal names the setting" ;;
*) bad "the refusal names the setting" ;;
esac

# A daemon that fails after forking (here: the MAG's access interface is
# missing) fails the start, and leaves nothing running.
out=$(initd mag start 2>&1)
rc=$?
check "start fails without the access interface (rc $rc: $out)" \
    test "$rc" -ne 0
case $out in
*"access interface eth1"*) ok "the failure names the missing interface" ;;
*) bad "the failure names the missing interface" ;;
esac
check "nothing started without it" none_running mag
out=$(initd mag status 2>&1)
rc=$?
check "status of the failed MAG is \"not running\" (rc $rc)" \
    test "$rc" -eq 1 -o "$rc" -eq 3
mn=$TOPO_TAG-mn
ip netns add "$mn" && TOPO_NS="$TOPO_NS $mn"
ip -n "$mn" link set lo up
ip link add eth0 netns "$mn" address 02:00:00:00:00:01 type veth \
    peer name eth1 netns "$TOPO_TAG-mag"
ip -n "$TOPO_TAG-mag" link set eth1 up

# FreeRADIUS with the installed example profiles, when there is one.
radius=0
if command -v freeradius >/dev/null 2>&1; then
	RADIUS_CONFDIR=$here/radius
	# shellcheck source=radius/radius.sh disable=SC1091
	. "$here/radius/radius.sh"
	PMIP6_RADIUS_LISTEN=2001:db8:ff::10
	PMIP6_RADIUS_CLIENTS=2001:db8:ff::/64
	PMIP6_RADIUS_SECRET=$secret
	PMIP6_RADIUS_USERS=/usr/share/pmip6/freeradius-users.example
	export RADIUS_CONFDIR PMIP6_RADIUS_LISTEN PMIP6_RADIUS_CLIENTS \
	    PMIP6_RADIUS_SECRET PMIP6_RADIUS_USERS
	if radius_start "$W/radius" "$TOPO_TAG-aaa"; then
		TOPO_PIDS="$TOPO_PIDS $RADIUS_PID"
		radius=1
	else
		bad "FreeRADIUS with freeradius-users.example"
	fi
fi

for r in lma mag; do
	out=$(initd "$r" start 2>&1)
	rc=$?
	check "init.d/pmip6-$r start ($out)" test "$rc" -eq 0
	check "init.d/pmip6-$r status" initd "$r" status
	check "pid file /run/pmip6/$r.pid names a pmip6-$r" sh -c \
	    "[ \"\$(cat /proc/\$(cat /run/pmip6/$r.pid)/comm)\" = pmip6-$r ]"
done
check "pmip6ctl show stats (LMA, default socket)" \
    sh -c "pmip6ctl show stats >'$W/lma.stats'"
check "pmip6ctl -s /run/pmip6/mag.sock show stats" \
    sh -c "pmip6ctl -s /run/pmip6/mag.sock show stats >'$W/mag.stats'"
check "the LMA reports its counters" grep -q '^stats created' "$W/lma.stats"
check "the MAG reports its counters" grep -q '^stats mns' "$W/mag.stats"
check "the LMA runs in its namespace" sh -c \
    "ip netns identify \$(cat /run/pmip6/lma.pid) | grep -qx '$TOPO_TAG-lma'"
check "the restart counter was written" test -s /var/lib/pmip6/lma.restart

# charon as the system runs it: the stock /etc/strongswan.conf (its
# plugins section includes strongswan.d/charon/*.conf, load_modular),
# plus a log of its own; a private /run, since its pid file path is
# compiled in.  It must load the installed plugin, which must read the
# installed daemons' files.
start_charon() {	# start_charon NODE CONF [PRELOAD]
	mkdir -p "$W/$1.run"
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$TOPO_TAG-$1" unshare --mount --propagation private \
	    sh -c 'mount --bind "$1" /run && exec env STRONGSWAN_CONF="$2" ${3:+"LD_PRELOAD=$3"} /usr/lib/ipsec/charon' \
	    sh "$W/$1.run" "$2" "${3:-}" >"$W/$1.charon.out" 2>&1 &
	TOPO_PIDS="$TOPO_PIDS $!"
	charon_pid=$!
}
stop_charon() {
	kill "$charon_pid" 2>/dev/null
	i=0
	while kill -0 "$charon_pid" 2>/dev/null && [ "$i" -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
cat >"$W/system.strongswan.conf" <<CONF
include /etc/strongswan.conf
charon {
	filelog {
		deb {
			path = $W/lma.charon.log
			default = 1
			flush_line = yes
		}
	}
}
CONF
start_charon lma "$W/system.strongswan.conf"
if topo_wait_for "$W/lma.charon.log" "loaded plugins:" 200; then
	ok "charon with the stock strongswan.conf started"
	check "it loaded the installed pmip6 plugin" \
	    grep -q "loaded plugins:.* pmip6" "$W/lma.charon.log"
	for r in lma mag; do
		check "the plugin read /etc/pmip6/$r.conf: $(grep -o \
		    "pmip6: /etc/pmip6/$r.conf: .*" "$W/lma.charon.log")" \
		    grep -q "pmip6: /etc/pmip6/$r.conf: $r 2001:db8:ff::" \
		    "$W/lma.charon.log"
	done
else
	bad "charon with the stock strongswan.conf started"
	cat "$W/lma.charon.out"
fi
stop_charon

# The other tests' charons, started with their own strongswan.conf (an
# explicit plugin list and pmip6.config, test/lib/pmip6.sh), must not
# see the snippet: they include no strongswan.d.
cat >"$W/test.strongswan.conf" <<CONF
charon {
	load = random nonce aes sha1 sha2 hmac kdf gmp pem pkcs1 pkcs8 x509 pubkey kernel-netlink socket-default pmip6
	filelog {
		deb {
			path = $W/mag.charon.log
			default = 1
			flush_line = yes
		}
	}
	plugins {
		pmip6 {
			config = $W/none.conf
		}
	}
}
CONF
# Theirs comes in by LD_PRELOAD, which charon prefers to its directory.
preload=
[ -f ipsec/libstrongswan-pmip6.so ] &&
    preload=$(pwd)/ipsec/libstrongswan-pmip6.so
start_charon mag "$W/test.strongswan.conf" "$preload"
if topo_wait_for "$W/mag.charon.log" "loaded plugins:" 200; then
	check "a test's charon reads only its own pmip6.config" sh -c \
	    "grep -q 'pmip6: no file matches $W/none.conf' '$W/mag.charon.log' &&
	    ! grep -q /etc/pmip6 '$W/mag.charon.log'"
	check "a test's charon loads only its own plugin list" sh -c \
	    "! grep -q 'loaded plugins:.* stroke' '$W/mag.charon.log'"
else
	bad "charon with a test's strongswan.conf started"
	cat "$W/mag.charon.out"
fi
stop_charon

# Reload keeps the process; a second start is harmless.
for r in lma mag; do
	p=$(cat "/run/pmip6/$r.pid")
	check "init.d/pmip6-$r reload" initd "$r" reload
	sleep 0.3
	check "pmip6-$r survived the reload" sh -c \
	    "[ \"\$(cat /run/pmip6/$r.pid)\" = $p ] && kill -0 $p"
	check "init.d/pmip6-$r start while running" initd "$r" start
	check "still one pmip6-$r" test "$(installed_pids "$r" | wc -l)" -eq 1
done
check "init.d/pmip6-lma restart" initd lma restart
check "pmip6ctl show stats after the restart" \
    sh -c "pmip6ctl show stats >/dev/null"

# The samples work together: the MN attaches, RADIUS gives it the
# example's prefix, the LMA binds it, and it reaches the correspondent
# node through the tunnel.
mn_addr() {
	ip -n "$mn" -6 addr show dev eth0 scope global 2>/dev/null |
	    sed -n 's/.*inet6 \(2001:db8:200:1:[^/]*\)\/64.*/\1/p' | head -n 1
}
if [ "$radius" = 1 ]; then
	ip -n "$mn" link set eth0 up
	i=0
	while [ -z "$(mn_addr)" ] && [ "$i" -lt 300 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	a=$(mn_addr)
	check "the MN configured ${a:-no address} from the example's prefix" \
	    test -n "$a"
	# Its duplicate address detection takes a second.
	i=0
	while ip -n "$mn" -6 addr show dev eth0 tentative | grep -q inet6 &&
	    [ "$i" -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	check "the LMA binds mn1@pmip6.example to the MAG" sh -c \
	    "pmip6ctl show binding mn1@pmip6.example | grep -q 'mag 2001:db8:ff::2'"
	if topo_exec mn ping -6 -c 3 -i 0.2 -W 2 2001:db8:cc::2 \
	    >"$W/ping.out" 2>&1; then
		ok "ping MN -> CN through the tunnel"
	else
		bad "ping MN -> CN through the tunnel"
		for n in lma mag; do
			echo "# $n: routes and rules of pmip6 (proto 213)"
			ip -n "$TOPO_TAG-$n" -6 route show table all proto 213
			ip -n "$TOPO_TAG-$n" -6 rule show
		done
		pmip6ctl show bindings
	fi
else
	echo "skip - no freeradius: the samples are not run together"
fi

# IPsec for the signaling (RFC 5213 section 4) through the installed
# plugin: both files get an ipsec group, the daemons restart, and a
# charon per namespace (the stock strongswan.conf again, with
# kernel-libipsec in front as the other tests use it: userspace ESP in
# tunnel mode) brings up an SA between the MAG and the LMA, which both
# daemons report.  Each charon is pointed at its own node's file: here
# both live in the same /etc/pmip6.
(umask 077 && echo "pmip6-deb-psk-$$" >"$W/ipsec.psk")
for r in lma mag; do
	cat >>"/etc/pmip6/$r.conf" <<CONF

ipsec = {
	mode = "optional";
	child_mode = "tunnel";
	psk_file = "$W/ipsec.psk";
	socket = "$W/$r.ipsec.sock";
	retry_interval = 1000;
};
CONF
	out=$(initd "$r" restart 2>&1)
	check "init.d/pmip6-$r restart with an ipsec group ($out)" \
	    test $? -eq 0
	cat >"$W/$r.ike.conf" <<CONF
include /etc/strongswan.conf
charon {
	filelog {
		deb {
			path = $W/$r.ike.log
			default = 1
			flush_line = yes
		}
	}
	plugins {
		pmip6 {
			config = /etc/pmip6/$r.conf
		}
		kernel-libipsec {
			load = 10
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
done
start_charon lma "$W/lma.ike.conf"
lma_charon=$charon_pid
start_charon mag "$W/mag.ike.conf"
sa_up() {	# sa_up SOCKET PEER: the daemon reports its SA with PEER up
	pmip6ctl -s "$1" show peers 2>/dev/null |
	    grep -q "^peer $2 .*ipsec up-tunnel"
}
i=0
until sa_up /run/pmip6/mag.sock 2001:db8:ff::1 &&
    sa_up /run/pmip6/lma.sock 2001:db8:ff::2 || [ "$i" -ge 300 ]; do
	sleep 0.05
	i=$((i + 1))
done
check "the MAG reports its SA with the LMA up" \
    sa_up /run/pmip6/mag.sock 2001:db8:ff::1
check "the LMA reports its SA with the MAG up" \
    sa_up /run/pmip6/lma.sock 2001:db8:ff::2
if ! sa_up /run/pmip6/mag.sock 2001:db8:ff::1; then
	pmip6ctl -s /run/pmip6/mag.sock show peers
	tail -n 20 "$W/mag.ike.log" "$W/lma.ike.log"
fi
check "charon says the plugin read /etc/pmip6/mag.conf with its group" \
    grep -q "pmip6: /etc/pmip6/mag.conf: mag 2001:db8:ff::2, ipsec optional, 1 peer" \
    "$W/mag.ike.log"
stop_charon
charon_pid=$lma_charon
stop_charon

# 4. Stop: processes, pid files and sockets gone.
for r in lma mag; do
	check "init.d/pmip6-$r stop" initd "$r" stop
	check "pmip6-$r is gone" none_running "$r"
	check "pid file and socket of pmip6-$r removed" sh -c \
	    "[ ! -e /run/pmip6/$r.pid ] && [ ! -e /run/pmip6/$r.sock ]"
	out=$(initd "$r" status 2>&1)
	rc=$?
	check "init.d/pmip6-$r status says stopped (rc $rc)" test "$rc" -eq 3
done

# 5. Purge: nothing of ours is left.
# shellcheck disable=SC2086
if dpkg --purge $PKGS >"$W/purge.log" 2>&1; then
	installed=0
	ok "dpkg --purge"
else
	cat "$W/purge.log"
	bad "dpkg --purge"
fi
for f in /etc/pmip6 /usr/sbin/pmip6-lma /usr/sbin/pmip6-mag \
    /usr/sbin/pmip6ctl /run/pmip6 /var/lib/pmip6 /usr/share/pmip6 \
    /etc/init.d/pmip6-lma /etc/init.d/pmip6-mag \
    /lib/systemd/system/pmip6-lma.service \
    /lib/systemd/system/pmip6-mag.service /etc/default/pmip6-lma \
    /usr/lib/ipsec/plugins/libstrongswan-pmip6.so \
    /etc/strongswan.d/charon/pmip6.conf; do
	check "purged: $f" absent "$f"
done
check "no rc.d link left" sh -c "! ls /etc/rc?.d/*pmip6* >/dev/null 2>&1"
for p in $PKGS; do
	check "purged: package $p" pkg_absent "$p"
done

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
exit 0
