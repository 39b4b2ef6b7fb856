# SPDX-License-Identifier: BSD-2-Clause
# pair.awk - A against B round by round, from lines "KEY value ..." in
# the order measured: the Nth value of A over the Nth of B, each pair
# from the same round; prints the median of those ratios and in brackets
# the lowest and the highest, or n/a
#
#   awk -v a=KEY_A -v b=KEY_B -f bench/pair.awk FILE
$1 == a { x[++na] = $2 }
$1 == b { y[++nb] = $2 }
END {
	n = 0
	for (i = 1; i <= na && i <= nb; i++)
		if (x[i] ~ /^[0-9.]+$/ && y[i] ~ /^[0-9.]+$/ && y[i] > 0) {
			r = x[i] / y[i]
			for (j = ++n; j > 1 && v[j - 1] > r; j--)
				v[j] = v[j - 1]
			v[j] = r
		}
	if (n)
		printf "%.2f (%.2f–%.2f)", v[int((n + 1) / 2)], v[1], v[n]
	else
		print "n/a"
}
