# lineups.jq - sofa-lineups' default table, in jq, for t/bench/transforms.sh.
#
# Input: for each match, its event document then its lineups document,
# concatenated (jq -n -r -f lineups.jq).  Output: the CSV rows of
# share/sofa/schema/lineups.tsv (no header), by the same rules: the side's
# team is the event's, else its starters' teamId; position falls back to
# player.position; captain absent is false; the shirt is shirtNumber, else
# jerseyNumber; an absent statistic is 0 for a player with minutesPlayed.

def statkeys: ["touches", "totalPass", "accuratePass", "possessionLostCtrl",
  "duelWon", "duelLost", "expectedGoals", "totalLongBalls", "expectedAssists",
  "accurateLongBalls", "totalTackle", "fouls", "totalContest",
  "totalClearance", "totalCross", "wasFouled", "aerialLost", "aerialWon",
  "keyPass", "challengeLost", "dispossessed", "interceptionWon", "wonContest",
  "shotOffTarget", "onTargetScoringAttempt", "accurateCross",
  "blockedScoringAttempt", "outfielderBlock", "totalOffside", "goalAssist",
  "bigChanceCreated", "goals", "bigChanceMissed", "saves", "goalsPrevented",
  "savedShotsFromInsideTheBox", "hitWoodwork", "goodHighClaim", "punches",
  "totalKeeperSweeper", "accurateKeeperSweeper", "errorLeadToAShot",
  "penaltyConceded", "clearanceOffLine", "lastManTackle", "penaltyWon",
  "ownGoals", "penaltyMiss", "penaltySave", "errorLeadToAGoal"];

def team($ev; $lu; $side):
  ($ev.event[if $side == "home" then "homeTeam" else "awayTeam" end].id)
  // ([$lu[$side].players[] | select(.substitute | not) | .teamId
      | select(. != null)] | first);

def rows($ev; $lu):
  $ev.event.id as $eid
  | ("home", "away") as $side
  | team($ev; $lu; $side) as $team
  | $lu[$side].players[]
  | (if (.statistics | type) == "object" then .statistics else {} end) as $st
  | ($st.minutesPlayed != null) as $hm
  | [$eid, $side, $team, .player.id, .player.name, .player.slug,
     (.shirtNumber // (.jerseyNumber | tonumber?)
      // (.player.jerseyNumber | tonumber?)),
     (.position // .player.position), .substitute, (.captain // false),
     $lu[$side].formation, $lu.confirmed, $st.minutesPlayed, $st.rating,
     $st.ratingVersions.original, $st.ratingVersions.alternative]
    + [statkeys[] as $k
       | if $st[$k] != null then $st[$k] elif $hm then 0 else null end]
  | @csv;

foreach inputs as $d ({};
  if .e == null or .l != null then {e: $d} else .l = $d end;
  if .l != null then rows(.e; .l) else empty end)
