# bucket.awk - re-cut buckets from their matches' per-match files.
#
#	awk -v D=DERIVED_DIR -v out=DIR -v tables='T1 T2 ...' -f bucket.awk BUCKETS
#
# BUCKETS lists bucket names (00..99) one per line.  For each bucket BB it
# reads the ids of D/ids/BB.ids in order and their files D/frag/ID.csv
# (sections "#sofa:TABLE" of headerless CSV rows, split.awk), and writes
# out/TABLE.BB.csv for every table named: the rows of that table for the
# bucket's matches, in index order; empty when there are none.  A match
# without a frag (its event is not in the store yet) has no rows.  A
# section marker counts only between records, never inside a quoted field.

function die(msg) {
	printf "bucket.awk: %s\n", msg > "/dev/stderr"
	exit 1
}

BEGIN {
	nt = split(tables, tn, " ")
	for (j = 1; j <= nt; j++)
		want[tn[j]] = 1
	while ((getline b < ARGV[1]) > 0) {
		if (b == "")
			continue
		for (j = 1; j <= nt; j++) {
			o[tn[j]] = out "/" tn[j] "." b ".csv"
			printf "" > o[tn[j]]
		}
		idf = D "/ids/" b ".ids"
		while ((r = (getline id < idf)) > 0) {
			f = D "/frag/" id ".csv"
			cur = ""
			q = 0
			while ((g = (getline line < f)) > 0) {
				if (q % 2 == 0 && substr(line, 1, 6) == "#sofa:") {
					cur = substr(line, 7)
					if (!(cur in want))
						cur = "-"
					continue
				}
				if (cur == "")
					die(f ": a row before any #sofa: line")
				q += gsub(/"/, "\"", line)
				if (cur != "-")
					print line > o[cur]
			}
			close(f)
			if (q % 2 != 0)
				die(f ": a quoted field is not closed at the end")
		}
		if (r < 0)
			die(idf ": cannot read")
		close(idf)
		for (j = 1; j <= nt; j++)
			close(o[tn[j]])
	}
	exit 0
}
