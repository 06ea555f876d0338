# appearances.jq - sofa-appearances, in jq, for t/bench/transforms.sh.
#
# Input: for each match, its event, lineups and incidents documents,
# concatenated (jq -n -r -f appearances.jq).  Output: the CSV rows of
# share/sofa/schema/appearances.tsv (no header), by the rules of
# docs/consumption.md ("Minutes", "Goals, assists and cards").

def minute($t; $a; $fin):
  (if ($a // 0) <= 0 and ($t == 46 or $t == 91 or $t == 106)
   then $t - 1 else $t end)
  | if . < 0 then 0 elif . > $fin then $fin else . end;

def added: if .addedTime == 999 then 0 else (.addedTime // 0) end;

def extratime($ev; $inc):
  $ev.event.status.code == 110
  or any($ev.event.homeScore, $ev.event.awayScore;
      has("extra1") or has("extra2") or has("overtime"))
  or any($inc[];
      (.incidentType == "period" and .text == "ET")
      or (.incidentType == "injuryTime" and (.time == 105 or .time == 120))
      or ((.incidentType == "substitution" or .incidentType == "goal"
           or .incidentType == "card") and .time > 90 and .time <= 120));

def team($ev; $lu; $side):
  ($ev.event[if $side == "home" then "homeTeam" else "awayTeam" end].id)
  // ([$lu[$side].players[] | select(.substitute | not) | .teamId
      | select(. != null)] | first);

def class: .incidentClass // (if .from == "owngoal" then "ownGoal"
  elif .from == "penalty" then "penalty" else "regular" end);

def count(f): [.[] | select(f)] | length;

def rows($ev; $lu; $inc):
  (if extratime($ev; $inc) then 120 else 90 end) as $fin
  | [$inc[] | select(.incidentType == "substitution")] as $subs
  | [$inc[] | select(.incidentType == "goal" and .time <= 120)] as $goals
  | [$inc[] | select(.incidentType == "card" and (.rescinded | not)
      and .incidentClass != null and .time >= 0 and .manager == null)]
    as $cards
  | $ev.event as $e
  | {home: team($ev; $lu; "home"), away: team($ev; $lu; "away")} as $teams
  | ("home", "away") as $side
  | (if $side == "home" then "away" else "home" end) as $other
  | $lu[$side].players[]
  | .player.id as $id
  | (if (.statistics | type) == "object" then .statistics else {} end) as $st
  | [$subs[] | select(.playerIn.id == $id) | minute(.time; added; $fin)]
    as $ins
  | (if .substitute | not then 0
     elif ($ins | length) > 0 then ($ins | min) else null end) as $on
  | select($on != null or (.substitute | not)
      or (($st.minutesPlayed // 0) > 0))
  | (if $on == null then null else
      ([$subs[] | select(.playerOut.id == $id) | minute(.time; added; $fin)]
       + [$cards[] | select(.player.id == $id and (.incidentClass == "red"
           or .incidentClass == "yellowRed")) | minute(.time; added; $fin)]
       | map(select(. >= $on)) + [$fin] | min) end) as $off
  | [$goals[] | select(.player.id == $id)] as $mine
  | [$e.id,
     ($e.startTimestamp | if . == null then null else todate end),
     $e.tournament.uniqueTournament.id, $e.season.id,
     $teams[$side], $teams[$other], ($side == "home"), $id, .player.name,
     (.position // .player.position), (.substitute | not), $on, $off,
     (if $on == null then null else $off - $on end), $st.minutesPlayed,
     ($mine | count(class != "ownGoal")),
     ($mine | count(class == "penalty")),
     ($mine | count(class == "ownGoal")),
     ($goals | count(.assist1.id == $id and class != "ownGoal")),
     ($cards | count(.player.id == $id and .incidentClass == "yellow")),
     ($cards | count(.player.id == $id and .incidentClass == "yellowRed")),
     ($cards | count(.player.id == $id and .incidentClass == "red")),
     $st.rating,
     $e[$side + "Score"].display, $e[$other + "Score"].display,
     (if $e.homeScore.display == null or $e.awayScore.display == null then null
      elif $e[$side + "Score"].display > $e[$other + "Score"].display then "W"
      elif $e[$side + "Score"].display < $e[$other + "Score"].display then "L"
      else "D" end)]
  | @csv;

foreach inputs as $d ({n: 0};
  if .n == 3 then {n: 1, e: $d} else .n += 1 | .[["e", "l", "i"][.n - 1]] = $d
  end;
  if .n == 3 then rows(.e; .l; .i.incidents) else empty end)
