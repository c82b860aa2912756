#!/bin/sh
# doc_check.sh: the manual pages against the code.
#  - every setting of every schema has its entry in pmip6.conf(5), and
#    the page is what doc/confdoc makes of its template today (after a
#    schema change: make update-doc);
#  - every control command of both daemons is in pmip6ctl(8), every
#    option of their usage text in their own page;
#  - the sample configurations parse;
#  - groff renders every page without a warning.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
doc=$top/doc
CONFDOC=${CONFDOC:-./doc/confdoc}
LMA=${LMA_BIN:-./lma/pmip6-lma}
MAG=${MAG_BIN:-./mag/pmip6-mag}
tmp=$(mktemp -d /tmp/pmip6-doc.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

fails=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

# Text as a man page source spells it (confdoc writes "-" as "\-").
man_text() { printf '%s\n' "$1" | sed 's/-/\\-/g'; }

# 1. Every setting has an entry (".B path" after ".TP").
if ! "$CONFDOC" -l >"$tmp/settings"; then
	bad "confdoc -l"
elif [ ! -s "$tmp/settings" ]; then
	bad "confdoc -l lists no setting"
else
	n=0
	missing=
	while read -r file path; do
		n=$((n + 1))
		if ! grep -qxF ".B $(man_text "$path")" "$doc/pmip6.conf.5"; then
			missing="$missing $file:$path"
		fi
	done <"$tmp/settings"
	if [ -z "$missing" ]; then
		ok "pmip6.conf.5 documents all $n settings"
	else
		bad "pmip6.conf.5 lacks:$missing (run: make update-doc)"
	fi
fi

# 2. The page is the generator's output for today's schemas.
if "$CONFDOC" "$doc/pmip6.conf.5.in" >"$tmp/pmip6.conf.5" &&
    diff -u "$doc/pmip6.conf.5" "$tmp/pmip6.conf.5" >"$tmp/diff"; then
	ok "pmip6.conf.5 is up to date with the schemas"
else
	head -n 40 "$tmp/diff"
	bad "pmip6.conf.5 is stale (run: make update-doc)"
fi

# 3. Control commands: each entry of lma_ctl_cmds[] and mag_ctl_cmds[]
# has a tag line in pmip6ctl(8), "\fBname\fR ..." or ".B name".
for src in "$top/lma/lma_ctl.c" "$top/mag/mag_ctl.c"; do
	sed -n 's/^[[:space:]]*{ "\([^"]*\)", cmd_[a-z_]*,.*/\1/p' "$src" \
	    >"$tmp/cmds"
	if [ ! -s "$tmp/cmds" ]; then
		bad "no command table found in ${src#"$top"/}"
		continue
	fi
	while read -r cmd; do
		m=$(man_text "$cmd")
		if grep -qF "\\fB$m\\fR" "$doc/pmip6ctl.8" ||
		    grep -qxF ".B $m" "$doc/pmip6ctl.8"; then
			ok "pmip6ctl.8 documents \"$cmd\" (${src#"$top"/})"
		else
			bad "pmip6ctl.8 lacks \"$cmd\" of ${src#"$top"/}"
		fi
	done <"$tmp/cmds"
done

# 4. Options: each "  -x  ..." line of a daemon's usage text has a
# ".B \-x" or ".BI \-x ..." entry in its page.
for d in "$LMA:pmip6-lma.8" "$MAG:pmip6-mag.8"; do
	bin=${d%%:*}
	page=$doc/${d#*:}
	"$bin" -h >/dev/null 2>"$tmp/usage"
	opts=$(sed -n 's/^  -\([a-zA-Z]\)  .*/\1/p' "$tmp/usage")
	if [ -z "$opts" ]; then
		bad "no options in the usage text of $bin"
		continue
	fi
	for o in $opts; do
		if grep -Eq "^\\.BI? \\\\-$o( |\$)" "$page"; then
			ok "${page##*/} documents -$o"
		else
			bad "${page##*/} lacks -$o"
		fi
	done
done

# 5. The shipped samples parse (the MAG's names a secret file: point it
# at a private one).
if "$LMA" -n -c "$top/etc/lma.conf" >/dev/null 2>"$tmp/err"; then
	ok "etc/lma.conf parses"
else
	bad "etc/lma.conf: $(cat "$tmp/err")"
fi
(umask 077 && echo sample-secret >"$tmp/radius.secret")
sed "s|\"/etc/pmip6/radius.secret\"|\"$tmp/radius.secret\"|" \
    "$top/etc/mag.conf" >"$tmp/mag.conf"
if "$MAG" -n -c "$tmp/mag.conf" >/dev/null 2>"$tmp/err"; then
	ok "etc/mag.conf parses"
else
	bad "etc/mag.conf: $(cat "$tmp/err")"
fi

# 6. groff: no warning at all (-ww), on every page.
if command -v groff >/dev/null 2>&1; then
	for p in "$doc"/*.[0-9]; do
		if out=$(LC_ALL=C.UTF-8 groff -man -ww -z "$p" 2>&1) &&
		    [ -z "$out" ]; then
			ok "groff renders ${p##*/} without warnings"
		else
			printf '%s\n' "$out"
			bad "groff warns about ${p##*/}"
		fi
	done
else
	echo "skip - groff is missing (Debian package groff-base)"
fi

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
exit 0
