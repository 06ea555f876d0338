# pipeline.mk - the incremental build of the tables from the raw store.
#
#	eval "$(sofa-config --shell)"
#	make -f "$SOFASCORE_SHARE_DIR/pipeline.mk" [-j N] [TABLES='...']
#
# (sofa-pipeline's build step runs exactly this.)  It reads the match
# index and the raw store and writes, under derived_dir:
#
#   ids.mk, ids.txt, ids/BB.ids  the index's match ids: all of them, and per
#                          bucket BB (the id's last two digits, 00..99)
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
# (share/sofa/build.sh): each program runs once over the stale ids, its
# output is cut into the per-match frags, each stale bucket is re-cut from
# its matches' frags, and each table is its header plus its 100 bucket
# files.  After one new match only that match's frag and its bucket are
# rebuilt; the tables are re-assembled from the buckets.  The dimension
# tables (teams, players: one row per team or player over all matches)
# are built per bucket and merged (share/sofa/dimmerge.awk) in two levels:
# buckets into groups of ten, only the groups that changed, then groups.
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
FACT_PROGS := $(sort $(foreach t,$(FACTS),$(call which,$(firstword $(prog_$(t))))))
DIM_PROGS  := $(sort $(foreach t,$(DIMS),$(call which,$(firstword $(prog_$(t))))))

# The table set is part of what a frag holds: when it changes, every frag
# (facts) or bucket (dimensions) is stale.  Written only when it changes.
TLIST := $(D)/tables.list
ifneq ($(file <$(TLIST)),$(FACTS) | $(DIMS))
$(shell mkdir -p '$(D)')
$(file >$(TLIST),$(FACTS) | $(DIMS))
endif

JOBS ?= $(or $(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS))),1)
BUILDENV = SOFA_D='$(D)' SOFA_R='$(R)' SOFA_T='$(T)' SOFA_JOBS='$(JOBS)' \
	SOFA_FACTS='$(FACTS)' SOFA_DIMS='$(DIMS)' SOFA_BUCKETS='$(BUCKETS)' \
	$(foreach t,$(TABLES),SOFA_PROG_$(t)='$(prog_$(t))')
BUILD = $(BUILDENV) sh $(SHARE)/build.sh

# --- the match ids ------------------------------------------------------------

# ids.mk: IDS (index order), BUCKETS (the non-empty ones), IDS_BB.
# Brought up to date with the index before it is read (one small process,
# where a rule for it would make make read everything twice).
IDS_OK := $(shell $(BUILD) ids '$(INDEX)' && echo ok)
$(if $(filter ok,$(IDS_OK)),,$(error $(INDEX): cannot list the match ids))
include $(D)/ids.mk

# A match has a frag once something of it is in the store: its event,
# its directory of resources, or both.  (One listing of event/, read by
# make itself, instead of a stat of two paths per match: 20,000 fewer
# system calls for 10,000 matches.)
EVENT_DIR := $(notdir $(wildcard $(R)/event/*))
HASJSON := $(filter $(IDS),$(patsubst %.json,%,$(filter %.json,$(EVENT_DIR))))
HASDIR  := $(filter $(IDS),$(EVENT_DIR))
BOTH    := $(filter $(HASDIR),$(HASJSON))
ONLYJSON := $(filter-out $(HASDIR),$(HASJSON))
ONLYDIR := $(filter-out $(HASJSON),$(HASDIR))
UNFETCHED := $(filter-out $(HASJSON) $(HASDIR),$(IDS))

# --- rules --------------------------------------------------------------------

all: facts dims
facts: $(FACTS:%=$(T)/%.csv)
dims: $(DIMS:%=$(T)/%.csv)

# Per match: only note that it is stale (Q); the batch below rebuilds.
$(BOTH:%=$(D)/frag/%.csv): $(D)/frag/%.csv: $(R)/event/%.json $(R)/event/% \
		$(D)/facts.stamp
	$(eval Q += $*)
$(ONLYJSON:%=$(D)/frag/%.csv): $(D)/frag/%.csv: $(R)/event/%.json \
		$(D)/facts.stamp
	$(eval Q += $*)
$(ONLYDIR:%=$(D)/frag/%.csv): $(D)/frag/%.csv: $(R)/event/% \
		$(D)/facts.stamp
	$(eval Q += $*)

# What every frag depends on besides its match: the fact-table programs
# and the table set (one prerequisite instead of several per frag).
$(D)/facts.stamp: $(FACT_PROGS) $(TLIST)
	@touch $@

# Per bucket: stale when a frag is newer, or its member list changed.
$(BUCKETS:%=$(D)/bucket/%.ok): $(D)/bucket/%.ok: \
		$$(addprefix $(D)/frag/,$$(addsuffix .csv,\
		    $$(filter-out $(UNFETCHED),$$(IDS_$$*)))) \
		$(D)/ids/%.ids $(DIM_PROGS) $(TLIST)
	$(eval QB += $*)

# The batch: runs when anything above was stale or a table is missing.
# (By exec: make passes SIGTERM on to its child, which must be build.sh
# itself, not a shell around it, for the batch to stop and clean up.)
TABLE_FILES := $(FACTS:%=$(T)/%.csv) $(DIMS:%=$(T)/%.csv)
# ($? names a prerequisite newer than the tables: ids.txt when the index
# order changed, which the merged dimension tables follow.)
$(TABLE_FILES) &: $(BUCKETS:%=$(D)/bucket/%.ok) $(D)/ids.txt FORCE
	$(if $(strip $(Q) $(QB) $(filter-out FORCE,$?) \
	    $(filter-out $(wildcard $(TABLE_FILES)),$(TABLE_FILES))),\
	@$(file >$(D)/stale.ids,$(Q))$(file >$(D)/stale.buckets,$(QB))\
	$(BUILDENV) exec sh $(SHARE)/build.sh batch)

# The tables are only ever replaced by rename, so a table there is whole:
# when the batch fails (a program, a full disk) after it renamed some of
# them, .DELETE_ON_ERROR must not delete those (nor an old one).
.PRECIOUS: $(TABLE_FILES)

FORCE:

clean-derived:
	rm -rf $(D)/frag $(D)/bucket $(D)/group $(D)/hdr $(D)/tables $(D)/stage \
	    $(D)/stage.ids $(D)/ids $(D)/ids.mk $(D)/ids.txt $(D)/stale.ids \
	    $(D)/stale.buckets $(D)/tables.list
