# pipeline.mk - the incremental build of the tables from the raw store.
#
#	eval "$(sofa-config --shell)"
#	make -C "$SOFASCORE_DERIVED_DIR" -f "$SOFASCORE_SHARE_DIR/pipeline.mk" \
#	    [-j N] [TABLES='...']
#
# (sofa-pipeline's build step runs exactly this; make may run anywhere,
# in derived_dir it names its files relative to it, shorter names that it
# hashes and looks up 10,000 times over.)  It reads the match index and
# the raw store and writes, under derived_dir:
#
#   ids.mk, ids.txt, ids/BB.ids  the index's match ids: all of them, and per
#                          bucket BB (the id's last two digits, 00..99);
#                          ids.mk also says which have raw files
#   frag/ID.csv            the per-match file: every fact-table row of match
#                          ID, in sections "#sofa:TABLE" (headerless CSV)
#   bucket/TABLE.BB.csv    one table's rows for the matches of bucket BB
#   bucket/BB.ok           bucket BB was last rebuilt from these frags
#   group/TABLE.G.csv      a dimension table merged over buckets G0..G9
#   tables/TABLE.csv       the candidate tables, with their header: what
#                          sofa-dq checks and sofa-pipeline publishes
#
# Make decides what is stale.  frag/ID.csv depends on that match's raw
# files: event/ID.json and the directory event/ID/, whose modification
# time changes whenever a resource of the match is written there (the
# raw store is only ever written by rename, DESIGN.md), and on the
# programs that make the rows.  bucket/BB.ok depends on the frags of its
# matches and on its member list.  The tables depend on the buckets.
#
# What it costs decides the shape.  One process per match per table would
# be 70,000 processes for 10,000 matches, and assembling a table from
# 10,000 small files means opening them all.  So the recipes of the frag
# and bucket rules only note the stale ids and buckets (make functions: no
# process), and one recipe, run after them, rebuilds them in batches
# (sofa-build batch): each program runs once over the stale ids, its
# output is cut into the per-match frags, each stale bucket is re-cut from
# its matches' frags, and each table is its header plus its 100 bucket
# files.  After one new match only that match's frag and its bucket are
# rebuilt; the tables are re-assembled from the buckets.  The dimension
# tables (teams, players: one row per team or player over all matches)
# are built per bucket and merged as their program would over all matches,
# in two levels: buckets into groups of ten, only the groups that changed,
# then groups.
# The id lists, and which matches have raw files, come from one small
# process (sofa-build ids) before make reads its rules.
#
# Every file is written to a temporary name and renamed; .DELETE_ON_ERROR
# removes a target whose recipe failed; the batches keep their work in
# derived_dir/stage, emptied first, so make -j, an interrupt or kill -9
# at any moment leave no half file under a real name, and the next make
# redoes what is still stale.  A second make with nothing new does
# nothing.  Paths may not contain blanks (make cannot name such files).

MAKEFLAGS += -rR
.SUFFIXES:
.DELETE_ON_ERROR:
.SECONDEXPANSION:
.PHONY: all facts dims clean-derived FORCE
all:

# --- configuration ----------------------------------------------------------

ifndef SOFASCORE_DERIVED_DIR
$(error run through sofa-pipeline, or eval "$$(sofa-config --shell)" first)
endif
R     := $(SOFASCORE_RAW_BASE)
D     := $(SOFASCORE_DERIVED_DIR)
INDEX := $(SOFASCORE_INDEX_PATH)
SHARE := $(SOFASCORE_SHARE_DIR)
T     := $(D)/tables
$(foreach v,R D INDEX SHARE,$(if $(filter 1,$(words $($(v)))),,\
  $(error $(v) '$($(v))': a path with blanks cannot be a make target)))

# The files under derived_dir as make names them: relative when make runs
# in derived_dir (sofa-pipeline runs it there: make -C), else absolute.
# Shorter names are quicker to hash and to look up, 10,000 times over.
M := $(if $(filter $(CURDIR),$(realpath $(D))),,$(D)/)

# The tables: fact tables have rows per match (event_id first); the
# dimension tables have a row per team or player, merged over matches.
# Override TABLES to build fewer.
FACT_TABLES := matches lineups lineups_stats missing_players appearances \
	incidents team_stats
DIM_TABLES  := teams players
TABLES      ?= $(FACT_TABLES) $(DIM_TABLES)

prog_matches         := sofa-matches
prog_lineups         := sofa-lineups
prog_lineups_stats   := sofa-lineups --stats
prog_missing_players := sofa-lineups --missing
prog_appearances     := sofa-appearances
prog_incidents       := sofa-incidents
prog_team_stats      := sofa-teamstats
prog_teams           := sofa-teams
prog_players         := sofa-players

FACTS := $(filter $(FACT_TABLES),$(TABLES))
DIMS  := $(filter $(DIM_TABLES),$(TABLES))
$(if $(filter-out $(FACT_TABLES) $(DIM_TABLES),$(TABLES)),\
  $(error unknown table: $(filter-out $(FACT_TABLES) $(DIM_TABLES),$(TABLES))))

# Where a program is on PATH (no process: make looks itself); a new
# program makes every frag stale.
which = $(firstword $(wildcard $(addsuffix /$(1),$(subst :, ,$(PATH)))))
PROG_NAMES := $(sort $(foreach t,$(TABLES),$(firstword $(prog_$(t)))))
PROGS := $(foreach p,$(PROG_NAMES),$(or $(call which,$(p)),\
  $(error $(p): not found on PATH)))
SOFA_BUILD := $(or $(call which,sofa-build),\
  $(error sofa-build: not found on PATH))
FACT_PROGS := $(sort $(SOFA_BUILD) \
	$(foreach t,$(FACTS),$(call which,$(firstword $(prog_$(t))))))
DIM_PROGS  := $(sort \
	$(foreach t,$(DIMS),$(call which,$(firstword $(prog_$(t))))))

# The table set is part of what a frag holds: when it changes, every frag
# (facts) or bucket (dimensions) is stale.  Written only when it changes.
TLIST := $(M)tables.list
ifneq ($(file <$(TLIST)),$(FACTS) | $(DIMS))
$(shell mkdir -p '$(D)')
$(file >$(TLIST),$(FACTS) | $(DIMS))
endif

JOBS ?= $(or $(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS))),1)
BUILDENV = SOFA_D='$(D)' SOFA_R='$(R)' SOFA_T='$(T)' SOFA_JOBS='$(JOBS)' \
	SOFA_SHARE='$(SHARE)' \
	SOFA_FACTS='$(FACTS)' SOFA_DIMS='$(DIMS)' SOFA_BUCKETS='$(BUCKETS)' \
	$(foreach t,$(TABLES),SOFA_PROG_$(t)='$(prog_$(t))')

# --- the match ids ------------------------------------------------------------

# ids.mk: IDS (index order), BUCKETS (the non-empty ones), IDS_BB, and
# which ids have raw files: BOTH (event/ID.json and the directory
# event/ID), ONLYJSON, ONLYDIR, UNFETCHED (neither yet); EV, raw_base/event
# as make names it (relative to where make runs when that is shorter).
# Brought up to date with the index and the raw store before it is read
# (one small process, where a rule for it would make make read everything
# twice; each file is rewritten only when its content changes).
IDS_OK := $(shell $(BUILDENV) $(SOFA_BUILD) ids '$(INDEX)' && echo ok)
$(if $(filter ok,$(IDS_OK)),,$(error $(INDEX): cannot list the match ids))
include $(D)/ids.mk

# --- rules --------------------------------------------------------------------

all: facts dims
facts: $(FACTS:%=$(M)tables/%.csv)
dims: $(DIMS:%=$(M)tables/%.csv)

# Per match: only note that it is stale (Q); the batch below rebuilds.
$(BOTH:%=$(M)frag/%.csv): $(M)frag/%.csv: $(EV)/%.json $(EV)/% \
		$(M)facts.stamp
	$(eval Q += $*)
$(ONLYJSON:%=$(M)frag/%.csv): $(M)frag/%.csv: $(EV)/%.json \
		$(M)facts.stamp
	$(eval Q += $*)
$(ONLYDIR:%=$(M)frag/%.csv): $(M)frag/%.csv: $(EV)/% \
		$(M)facts.stamp
	$(eval Q += $*)

# What every frag depends on besides its match: the fact-table programs,
# sofa-build, which cuts their output, and the table set (one prerequisite
# instead of several per frag).
$(M)facts.stamp: $(FACT_PROGS) $(TLIST)
	@touch $@

# Per bucket: stale when a frag is newer, or its member list changed.
$(BUCKETS:%=$(M)bucket/%.ok): $(M)bucket/%.ok: \
		$$(addprefix $(M)frag/,$$(addsuffix .csv,\
		    $$(filter-out $(UNFETCHED),$$(IDS_$$*)))) \
		$(M)ids/%.ids $(DIM_PROGS) $(TLIST)
	$(eval QB += $*)

# The batch: runs when anything above was stale or a table is missing.
# (By exec: make passes SIGTERM on to its child, which must be sofa-build
# itself, not a shell around it, for the batch to stop and clean up.)
TABLE_FILES := $(FACTS:%=$(M)tables/%.csv) $(DIMS:%=$(M)tables/%.csv)
# ($? names a prerequisite newer than the tables: ids.txt when the index
# order changed, which the merged dimension tables follow.)
$(TABLE_FILES) &: $(BUCKETS:%=$(M)bucket/%.ok) $(M)ids.txt FORCE
	$(if $(strip $(Q) $(QB) $(filter-out FORCE,$?) \
	    $(filter-out $(wildcard $(TABLE_FILES)),$(TABLE_FILES))),\
	@$(file >$(D)/stale.ids,$(Q))$(file >$(D)/stale.buckets,$(QB))\
	$(BUILDENV) exec $(SOFA_BUILD) batch)

# The tables are only ever replaced by rename, so a table there is whole:
# when the batch fails (a program, a full disk) after it renamed some of
# them, .DELETE_ON_ERROR must not delete those (nor an old one).
.PRECIOUS: $(TABLE_FILES)

FORCE:

clean-derived:
	rm -rf $(D)/frag $(D)/bucket $(D)/group $(D)/hdr $(D)/tables $(D)/stage \
	    $(D)/stage.ids $(D)/ids $(D)/ids.mk $(D)/ids.txt $(D)/stale.ids \
	    $(D)/stale.buckets $(D)/tables.list
