# Reference blocks of a male chrX gVCF (POS END GT PL), GRCh37: X:1-60000 and
# X:2699521- haploid, PAR1 X:60001-2699520 diploid.  Exits 1 on a block of the wrong ploidy.
$2 == "." { next }  # a variant record with <*>, not a block
{
	hap = $3 !~ /\//
	npl = split($4, p, ",")
	if ($1 >= 2699521 || $2 <= 60000) { if (!hap || npl != 2) { print "not haploid: " $0; bad = 1 } }
	else if ($1 > 60000 && $2 < 2699521) { if (hap || npl != 3) { print "not diploid: " $0; bad = 1 } }
	n++
}
END { if (n < 3) { print "too few blocks"; bad = 1 } exit bad }
