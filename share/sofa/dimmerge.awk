# dimmerge.awk - merge per-bucket dimension tables into one.
#
#	awk -v schema=TABLE.tsv -v ids=ids.txt -f dimmerge.awk BUCKET.csv ...
#
# A dimension table (teams, players) has one row per key (the schema's pk
# columns); its program writes, for the matches it is given newest first,
# each key once: the observation of the first kind of the `source` enum
# wins over the later kinds, and between two of a kind the first (the
# newest) wins; rows of the first kind come as they are met, rows of the
# later kinds at the end (share/sofa/schema/teams.tsv, players.tsv).  Each
# BUCKET.csv is that program's output (header first) over one bucket's
# matches.  This merge applies the same rule across buckets, ranking
# matches by their place in ids.txt (the index: oldest first) and writing
# the rows in the order the program would give over all matches at once,
# so that an incremental build equals a full one.  The header of the first
# file is written first.  Records may span lines (quoted newlines).

function die(msg) {
	printf "dimmerge.awk: %s\n", msg > "/dev/stderr"
	died = 1
	exit 1
}

# splitcsv(rec, f): the fields of a CSV record into f[1..n], unquoted.
function splitcsv(rec, f,    n, parts, i, k, cur, q, c) {
	n = split(rec, parts, ",")
	if (index(rec, "\"") == 0) {
		for (i = 1; i <= n; i++)
			f[i] = parts[i]
		return n
	}
	k = 0
	q = 0
	for (i = 1; i <= n; i++) {
		cur = q % 2 ? cur "," parts[i] : parts[i]
		c = parts[i]
		q += gsub(/"/, "\"", c)
		if (q % 2 == 0) {
			if (cur ~ /^".*"$/) {
				cur = substr(cur, 2, length(cur) - 2)
				gsub(/""/, "\"", cur)
			}
			f[++k] = cur
		}
	}
	return k
}

function record(rec,    f, n, key, i, s, p, e) {
	n = splitcsv(rec, f)
	if (n != ncol)
		die(FILENAME ": " n " fields, the header has " ncol ": " rec)
	key = f[kcol[1]]
	for (i = 2; i <= nk; i++)
		key = key SUBSEP f[kcol[i]]
	if (!((f[scol]) in srank))
		die(FILENAME ": source '" f[scol] "' is not in the schema")
	s = srank[f[scol]]
	e = f[ecol]
	p = (e in pos) ? pos[e] : nids
	if ((key in bs) && (bs[key] < s || (bs[key] == s && bp[key] <= p)))
		return
	best[key] = rec
	bs[key] = s
	bp[key] = p
	cnt[s, p]++
	lk[s, p, cnt[s, p]] = key
}

BEGIN {
	nc = 0
	while ((getline line < schema) > 0) {
		if (line ~ /^#/ || line ~ /^[ \t]*$/)
			continue
		split(line, c, "\t")
		col[++nc] = c[1]
		if (c[3] == "pk")
			kcol[++nk] = nc
		if (c[1] == "event_id")
			ecol = nc
		if (c[1] == "source") {
			scol = nc
			e = c[2]
			sub(/^enum:/, "", e)
			ns = split(e, sv, "|")
			for (i = 1; i <= ns; i++)
				srank[sv[i]] = i - 1
		}
	}
	close(schema)
	if (nk == 0 || !ecol || !scol)
		die(schema ": needs pk columns, event_id and an enum source")
	nids = 0
	while ((getline id < ids) > 0)
		all[++nids] = id
	close(ids)
	for (i = 1; i <= nids; i++)
		pos[all[i]] = nids - i	# 0: the newest
}

FNR == 1 {
	if (q % 2 != 0)
		die(prev ": a quoted field is not closed at the end")
	prev = FILENAME
	if (header == "") {
		header = $0
		ncol = split(header, hc, ",")
		if (ncol != nc)
			die(FILENAME ": the header has " ncol " columns, " \
			    schema " " nc)
	} else if ($0 != header)
		die(FILENAME ": another header: " $0)
	q = 0
	next
}

{
	line = $0
	n = gsub(/"/, "\"", line)
	rec = q % 2 ? rec "\n" $0 : $0
	q += n
	if (q % 2 == 0)
		record(rec)
}

END {
	if (died)
		exit 1
	if (q % 2 != 0)
		die(prev ": a quoted field is not closed at the end")
	if (header == "")
		die("no input")
	print header
	for (s = 0; s < ns; s++)
		for (p = 0; p <= nids; p++)
			for (i = 1; i <= cnt[s, p]; i++) {
				key = lk[s, p, i]
				if (bs[key] == s && bp[key] == p && !(key in done)) {
					print best[key]
					done[key] = 1
				}
			}
}
