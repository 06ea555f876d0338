#!/usr/bin/env bats
# sofa-build, the batches behind share/sofa/pipeline.mk, run directly: the
# id lists (a bad index line named, files rewritten only when they change,
# which matches have raw files) and the merge of the dimension tables
# (the rule of the programs across buckets, quoted fields kept, a bad row
# refused with the old table kept).  t6040 runs it through make.

setup() {
	load test-lib.sh
	common_setup
	D=$PWD/derived R=$PWD/raw
	mkdir -p "$R/event" "$D"
	export SOFA_D=$D SOFA_R=$R SOFA_T=$D/tables
}

# index ID...: the match index, one line per id, in that order.
index() {
	for i; do
		printf '{"event_id":%s,"start_utc":"2026-01-01T00:00:00Z"}\n' "$i"
	done > index.ndjson
}

@test "ids: a line without a usable event_id is named, nothing is written" {
	index 101 102
	printf '{"id":5}\n{"event_id":0123}\n' >> index.ndjson
	run sofa-build ids index.ndjson
	assert_failure 1
	assert_line "index.ndjson:3: no event_id"
	assert_line "index.ndjson:4: bad event_id 0123"
	[ ! -e "$D/ids.mk" ]
	# blank lines are skipped, a CRLF end is an end, a repeat counts once
	index 101 102
	printf ' \t\n\n{"event_id":103}\r\n{"event_id":101}\n \t' >> index.ndjson
	run sofa-build ids index.ndjson
	assert_success
	grep -qx 'IDS := 101 102 103' "$D/ids.mk"
}

@test "ids: the lists, the buckets, and which matches have raw files" {
	index 101 202 303 404 1101
	: > "$R/event/101.json"
	mkdir "$R/event/101" "$R/event/202"
	: > "$R/event/303.json"
	run sofa-build ids index.ndjson
	assert_success
	grep -qx 'IDS := 101 202 303 404 1101' "$D/ids.mk"
	grep -qx 'BUCKETS := 01 02 03 04' "$D/ids.mk"
	grep -qx 'IDS_01 := 101 1101' "$D/ids.mk"
	grep -qx 'BOTH := 101' "$D/ids.mk"
	grep -qx 'ONLYJSON := 303' "$D/ids.mk"
	grep -qx 'ONLYDIR := 202' "$D/ids.mk"
	grep -qx 'UNFETCHED := 404 1101' "$D/ids.mk"
	printf '101\n1101\n' | cmp - "$D/ids/01.ids"
	# a group's ids in index order, for the merge's ranking
	printf '101\n202\n303\n404\n1101\n' | cmp - "$D/ids/g0.ids"
	[ ! -s "$D/ids/55.ids" ]
	# raw_base as make, run in derived_dir, names it: the shorter way
	(cd "$D" && sofa-build ids ../index.ndjson)
	grep -qx 'EV := ../raw/event' "$D/ids.mk"
}

@test "ids: only the files whose content changes are rewritten" {
	index 101 202
	sofa-build ids index.ndjson
	touch -d '2001-01-01' "$D"/ids/*.ids "$D/ids.txt"
	find "$D" -newer "$D/ids.txt" -name '*.ids' > before
	[ ! -s before ]
	index 101 202 707
	sofa-build ids index.ndjson
	find "$D" -newer "$D/ids/01.ids" -type f ! -name .lock | sed "s|^$D/||" | sort > changed
	printf '%s\n' ids.mk ids.txt ids/07.ids ids/g0.ids | diff - changed
}

# A dimension table over two buckets through a stand-in program: each
# match's rows come from rows/ID.csv; the schema is the test's own.
dims_setup() {
	mkdir -p share/schema rows "$D/bucket"
	printf '%s\n' '# test: team_id is the key' \
	    "team_id	id	pk	-	-" "name	str	-	-	-" \
	    "event_id	id	nn	-	-" "source	enum:lineups|incidents	nn	-	-" \
	    > share/schema/teams.tsv
	printf '7,Old Name,101,lineups\n8,"Comma, FC",101,incidents\n' > rows/101.csv
	printf '7,Mid Name,102,incidents\n9,"Multi\nLine ""q""",102,lineups\n' > rows/102.csv
	printf '7,New Name,201,lineups\n8,Eight New,201,incidents\n' > rows/201.csv
	cat > fakedim <<-'EOF2'
	#!/bin/sh
	# the rows of each match given, in the order given
	echo team_id,name,event_id,source
	while read -r id; do cat "rows/$id.csv"; done
	EOF2
	chmod +x fakedim
	index 101 102 201
	sofa-build ids index.ndjson
	export SOFA_SHARE=$PWD/share SOFA_FACTS='' SOFA_DIMS=teams \
	    SOFA_BUCKETS='01 02' SOFA_PROG_teams=$PWD/fakedim SOFA_JOBS=2
}

@test "batch: the dimension table merged over buckets as one run over all matches" {
	dims_setup
	echo '01 02' > "$D/stale.buckets"
	run sofa-build batch
	assert_success
	assert_line "  buckets  2 (01 02)"
	# newest first over all matches: what the program itself would give
	printf '201\n102\n101\n' | ./fakedim > all.csv
	cat > want.csv <<-'EOF2'
	team_id,name,event_id,source
	7,New Name,201,lineups
	9,"Multi
	Line ""q""",102,lineups
	8,Eight New,201,incidents
	EOF2
	diff want.csv "$D/tables/teams.csv"
	[ ! -e "$D/stage" ]
	[ -f "$D/bucket/01.ok" ] && [ -f "$D/bucket/02.ok" ]
}

@test "batch: a row of an unknown source fails, naming it; the old table stays" {
	dims_setup
	echo '01 02' > "$D/stale.buckets"
	sofa-build batch
	cp "$D/tables/teams.csv" before.csv
	printf '7,Bad,102,rumour\n' >> rows/102.csv
	echo 02 > "$D/stale.buckets"
	run sofa-build batch
	assert_failure 1
	assert_output --partial "source 'rumour' is not in the schema"
	assert_output --partial "cannot write the tables: teams"
	cmp before.csv "$D/tables/teams.csv"
	run find "$D" -name '*.tmp'
	assert_output ""
}

@test "batch: a failing program is named; without make's settings, usage" {
	dims_setup
	printf '#!/bin/sh\necho broken >&2\nexit 1\n' > fakedim
	echo 01 > "$D/stale.buckets"
	run sofa-build batch
	assert_failure 1
	# (bucket 02 too: it has no files yet)
	assert_output --regexp "sofa-build: failed: (teams.01 teams.02|teams.02 teams.01)"
	[ ! -e "$D/tables/teams.csv" ]
	run env -u SOFA_D sofa-build batch
	assert_failure 2
	assert_output --partial "SOFA_D is not set"
}
