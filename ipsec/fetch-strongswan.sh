#!/bin/sh
# fetch-strongswan.sh: get the strongSwan source matching the installed
# charon, for building the pmip6 charon plugin against its headers.
#
# Debian ships strongSwan's libraries but no development headers, so the
# upstream tarball comes from Debian's source archive.  apt runs with a
# private state (sources, lists, cache) under DIR, never touching
# /etc/apt or the system's lists.  The tree is then configured (no make:
# only config.h is needed) with --enable-mediation, because Debian's build
# defines ME, which changes the layout of daemon_t, peer_cfg_t and
# ike_sa_t; a plugin built without it would call into the wrong fields.
#
# Usage: ipsec/fetch-strongswan.sh [DIR]     (default: build/strongswan
# in the source tree).  Re-running skips every step already done.  The
# tree to pass to configure --with-strongswan-src is printed last, and
# DIR/src links to it.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build/strongswan}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# Checksums of upstream tarballs this script has been verified with; any
# other version is checked against the Sources index apt itself verified.
known_sha256() {
	case $1 in
	5.9.8) echo d3303a43c0bd7b75a12b64855e8edcb53696f06190364f26d1533bde1f2e453c ;;
	*) echo "" ;;
	esac
}

say() {
	echo "fetch-strongswan: $*"
}

die() {
	echo "fetch-strongswan: $*" >&2
	exit 1
}

for tool in apt-get apt-cache dpkg-query sha256sum tar; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

upv=$(dpkg-query -W -f='${source:Upstream-Version}' strongswan-libcharon \
    2>/dev/null) || die "strongswan-libcharon is not installed"
[ -n "$upv" ] || die "cannot tell the installed strongSwan version"
tarball=strongswan_$upv.orig.tar.bz2
tree=$dir/strongswan-$upv

apt_opts="-o Dir::Etc::SourceList=/dev/null
-o Dir::Etc::SourceParts=$dir/apt/sources.list.d
-o Dir::State::Lists=$dir/apt/lists
-o Dir::Cache=$dir/apt/cache
-o Debug::NoLocking=1
-o APT::Sandbox::User=root"

# The deb-src twin of the system's own sources, so the source archive
# is the same mirror (or snapshot) the binaries came from.
write_sources() {
	mkdir -p "$dir/apt/sources.list.d" "$dir/apt/lists/partial" \
	    "$dir/apt/cache/archives/partial"
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		sed 's/^Types:.*$/Types: deb-src/' \
		    /etc/apt/sources.list.d/debian.sources \
		    >"$dir/apt/sources.list.d/src.sources"
	elif [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb[[:space:]]/deb-src /p' /etc/apt/sources.list \
		    >"$dir/apt/sources.list.d/src.list"
	else
		die "no Debian sources found in /etc/apt"
	fi
}

apt_update() {
	if ls "$dir"/apt/lists/*Sources* >/dev/null 2>&1; then
		say "source lists present, not updating"
		return
	fi
	say "updating a private source index in $dir/apt"
	# shellcheck disable=SC2086 # apt_opts is a list of words
	apt-get -q $apt_opts update >"$dir/apt/update.log" 2>&1 ||
	    die "apt-get update failed, see $dir/apt/update.log"
}

tarball_ok() {
	[ -f "$dir/dl/$tarball" ] || return 1
	[ -n "$want_sha" ] || return 1
	echo "$want_sha  $dir/dl/$tarball" | sha256sum -c --status
}

# The orig tarball is what counts: the .dsc of the newest revision may
# be missing from a mirror (apt-get then exits 100 after fetching the
# tarball), so each source version with the right upstream part is tried
# until the tarball is there and checks out.
download() {
	mkdir -p "$dir/dl"
	if tarball_ok; then
		say "$tarball present and verified"
		return
	fi
	# shellcheck disable=SC2086
	versions=$(apt-cache $apt_opts showsrc strongswan 2>/dev/null |
	    sed -n 's/^Version: //p' | sort -u -r)
	[ -n "$versions" ] || die "no strongswan source package in the index"
	for v in $versions; do
		case $v in
		*:"$upv"-*|"$upv"-*) ;;
		*) continue ;;
		esac
		say "downloading strongswan=$v"
		# shellcheck disable=SC2086
		(cd "$dir/dl" && apt-get -q $apt_opts source --download-only \
		    "strongswan=$v") >>"$dir/dl/download.log" 2>&1 || true
		tarball_ok && return
	done
	if [ -f "$dir/dl/$tarball" ]; then
		rm -f "$dir/dl/$tarball"
		die "$tarball does not match sha256 $want_sha (removed)"
	fi
	die "could not download $tarball, see $dir/dl/download.log"
}

# sha256 of the tarball: the pinned value, else the one in the Sources
# index (signed, and checked by apt on update).
expected_sha() {
	s=$(known_sha256 "$upv")
	if [ -z "$s" ]; then
		# shellcheck disable=SC2086
		s=$(apt-cache $apt_opts showsrc strongswan 2>/dev/null |
		    awk -v f="$tarball" '$3 == f && length($1) == 64 {
			print $1; exit }')
	fi
	echo "$s"
}

extract() {
	if [ -f "$tree/.pmip6-extracted" ]; then
		say "source tree present: $tree"
		return
	fi
	say "extracting $tarball"
	rm -rf "$tree"
	tar -C "$dir" --no-same-owner -xjf "$dir/dl/$tarball"
	[ -d "$tree/src/libcharon" ] || die "unexpected tarball layout"
	touch "$tree/.pmip6-extracted"
}

ss_configure() {
	if [ -f "$tree/config.h" ] &&
	    grep -q '^#define ME[[:space:]]' "$tree/config.h"; then
		say "already configured (ME defined)"
		return
	fi
	say "configuring (--disable-defaults --enable-mediation)"
	(cd "$tree" && ./configure --disable-defaults --enable-mediation) \
	    >"$dir/configure.log" 2>&1 ||
	    die "strongSwan configure failed, see $dir/configure.log"
	grep -q '^#define ME[[:space:]]' "$tree/config.h" ||
	    die "ME is not defined in $tree/config.h"
}

write_sources
apt_update
want_sha=$(expected_sha)
[ -n "$want_sha" ] || die "no sha256 known for $tarball"
download
extract
ss_configure
ln -sfn "strongswan-$upv" "$dir/src"
say "ready: configure --with-strongswan-src=$tree"
