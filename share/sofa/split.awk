# split.awk - cut the outputs of the fact-table programs into per-match files.
#
#	awk -v frag=DIR -v hdr=DIR -f split.awk IDS OUT/TABLE.csv ...
#
# IDS lists the match ids one per line, in the order the programs were
# given them; each OUT/TABLE.csv is one program's CSV (header first,
# event_id the first column), whose rows come match by match in that
# order (the transforms read, write and forget one match at a time).
# Reads all the outputs in step and writes, for every id, frag/ID.csv:
# for each table that has rows for the match a line "#sofa:TABLE" and the
# rows, headerless.  A match without rows gets an empty file, so that it
# is not stale again.  Each table's header goes to hdr/TABLE.csv.  A CSV
# record may span lines (a quoted field holding a newline): a record ends
# at a newline outside quotes, i.e. when it holds an even number of '"'.

function die(msg) {
	printf "split.awk: %s\n", msg > "/dev/stderr"
	exit 1
}

# advance(j): the next record of output j into rec[j] and its id into
# rid[j]; have[j] is 0 at the end.
function advance(j,    line, r, q, got) {
	q = 0
	got = 0
	while ((getline line < file[j]) > 0) {
		q += gsub(/"/, "\"", line)
		r = got ? r "\n" line : line
		got = 1
		if (q % 2 == 0) {
			if (!match(r, /^[0-9]+/) || (substr(r, RLENGTH + 1, 1) != "," &&
			    RLENGTH < length(r)))
				die(file[j] ": a row without an event_id first: " r)
			rec[j] = r
			rid[j] = substr(r, 1, RLENGTH)
			have[j] = 1
			return
		}
	}
	if (got)
		die(file[j] ": a quoted field is not closed at the end")
	have[j] = 0
}

BEGIN {
	n = 0
	while ((getline line < ARGV[1]) > 0)
		if (line != "" && !(line in pos)) {
			ids[++n] = line
			pos[line] = n
		}
	close(ARGV[1])
	nt = 0
	for (i = 2; i < ARGC; i++) {
		f = ARGV[i]
		t = f
		sub(/^.*\//, "", t)
		sub(/\.csv$/, "", t)
		nt++
		file[nt] = f
		name[nt] = t
		if ((getline h < f) <= 0)
			die(f ": empty, not even a header")
		if (h !~ /^event_id(,|$)/)
			die(f ": the first column is not event_id: " h)
		print h > (hdr "/" t ".csv")
		close(hdr "/" t ".csv")
		advance(nt)
	}
	for (k = 1; k <= n; k++) {
		id = ids[k]
		out = frag "/" id ".csv"
		printf "" > out
		for (j = 1; j <= nt; j++) {
			first = 1
			while (have[j] && rid[j] == id) {
				if (first)
					print "#sofa:" name[j] > out
				first = 0
				print rec[j] > out
				advance(j)
			}
			if (have[j] && !(rid[j] in pos))
				die(file[j] ": a row of match " rid[j] \
				    ", which was not asked for")
			if (have[j] && pos[rid[j]] < k)
				die(file[j] ": the rows of match " rid[j] \
				    " are not together, in input order")
		}
		close(out)
	}
	exit 0
}
