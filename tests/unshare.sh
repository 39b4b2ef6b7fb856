# SPDX-License-Identifier: BSD-2-Clause
# unshare.sh - run the sourcing test again in a namespace of its own,
# as root (SKIP otherwise):
#
#	NS=-m . "$(dirname "$0")/../unshare.sh"
#
# NS: unshare(1)'s flags; NS_NEEDS: commands the test needs besides.
# Sourced before lib.sh: the test directory is then made in the
# namespace, and removed when that shell exits (exec would drop this
# one's trap).
if [ -z "${OPTIN_IN_NS:-}" ]; then
	_ok=1
	{ [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
	    unshare $NS true 2>/dev/null; } || _ok=0
	for _c in ${NS_NEEDS:-}; do
		command -v "$_c" >/dev/null || _ok=0
	done
	if [ "$_ok" = 0 ]; then
		echo "SKIP: needs root, unshare $NS${NS_NEEDS:+ and $NS_NEEDS}"
		exit 77
	fi
	OPTIN_IN_NS=1 exec unshare $NS sh "$0" "$@"
fi
