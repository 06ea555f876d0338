"""transforms.py - sofa-lineups and sofa-appearances in Python (json, csv).

    /usr/bin/python3 transforms.py lineups|appearances RAW_BASE < IDS

The equivalent that t/bench/transforms.sh times against the C programs:
the same raw-store documents in, the same CSV columns out (no header), by
the same rules (docs/consumption.md).  Ids are plain or match-index lines;
a match whose documents are absent is skipped.
"""

import csv
import datetime
import json
import os
import sys

STATKEYS = """touches totalPass accuratePass possessionLostCtrl duelWon
duelLost expectedGoals totalLongBalls expectedAssists accurateLongBalls
totalTackle fouls totalContest totalClearance totalCross wasFouled
aerialLost aerialWon keyPass challengeLost dispossessed interceptionWon
wonContest shotOffTarget onTargetScoringAttempt accurateCross
blockedScoringAttempt outfielderBlock totalOffside goalAssist
bigChanceCreated goals bigChanceMissed saves goalsPrevented
savedShotsFromInsideTheBox hitWoodwork goodHighClaim punches
totalKeeperSweeper accurateKeeperSweeper errorLeadToAShot penaltyConceded
clearanceOffLine lastManTackle penaltyWon ownGoals penaltyMiss penaltySave
errorLeadToAGoal""".split()

SIDES = ("home", "away")


def fmt(v):
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def load(path):
    try:
        with open(path, "rb") as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def team(ev, lu, side):
    if ev is not None:
        t = ev["event"].get(side + "Team", {}).get("id")
        if t is not None:
            return t
    for p in lu[side]["players"]:
        if not p["substitute"] and p.get("teamId") is not None:
            return p["teamId"]
    return None


def stats_of(p):
    st = p.get("statistics")
    return st if isinstance(st, dict) else {}


def shirt(p):
    if p.get("shirtNumber") is not None:
        return p["shirtNumber"]
    for s in (p.get("jerseyNumber"), p["player"].get("jerseyNumber")):
        if s is not None and s.isdigit():
            return int(s)
    return None


def lineups_rows(eid, ev, lu, out):
    for side in SIDES:
        t = team(ev, lu, side)
        for p in lu[side]["players"]:
            st = stats_of(p)
            hm = st.get("minutesPlayed") is not None
            rv = st.get("ratingVersions") or {}
            row = [eid, side, t, p["player"]["id"], p["player"].get("name"),
                   p["player"].get("slug"), shirt(p),
                   p.get("position") or p["player"].get("position"),
                   p["substitute"], p.get("captain", False),
                   lu[side].get("formation"), lu.get("confirmed"),
                   st.get("minutesPlayed"), st.get("rating"),
                   rv.get("original"), rv.get("alternative")]
            for k in STATKEYS:
                v = st.get(k)
                row.append(v if v is not None else (0 if hm else None))
            out.writerow([fmt(v) for v in row])


def minute(t, a, end):
    if (a or 0) == 999:
        a = 0
    if (a or 0) <= 0 and t in (46, 91, 106):
        t -= 1
    return max(0, min(t, end))


def extra_time(e, inc):
    if e["status"].get("code") == 110:
        return True
    for s in (e.get("homeScore", {}), e.get("awayScore", {})):
        if "extra1" in s or "extra2" in s or "overtime" in s:
            return True
    for i in inc:
        t = i.get("incidentType")
        if t == "period" and i.get("text") == "ET":
            return True
        if t == "injuryTime" and i.get("time") in (105, 120):
            return True
        if t in ("substitution", "goal", "card") and 90 < i["time"] <= 120:
            return True
    return False


def goal_class(g):
    c = g.get("incidentClass")
    if c is not None:
        return c
    f = g.get("from")
    return {"owngoal": "ownGoal", "penalty": "penalty"}.get(f, "regular")


def pid(i, key):
    p = i.get(key)
    return p.get("id") if isinstance(p, dict) else None


def appearances_rows(eid, ev, lu, inc, out):
    e = ev["event"]
    if e["status"].get("type") != "finished":
        return
    end = 120 if extra_time(e, inc) else 90
    subs = [i for i in inc if i.get("incidentType") == "substitution"]
    goals = [i for i in inc if i.get("incidentType") == "goal"
             and i["time"] <= 120]
    cards = [i for i in inc if i.get("incidentType") == "card"
             and not i.get("rescinded") and i.get("incidentClass")
             and i["time"] >= 0 and "manager" not in i]
    teams = {s: team(ev, lu, s) for s in SIDES}
    score = {s: e.get(s + "Score", {}).get("display") for s in SIDES}
    start = e.get("startTimestamp")
    if start is not None:
        start = datetime.datetime.fromtimestamp(
            start, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    for side in SIDES:
        other = "away" if side == "home" else "home"
        for p in lu[side]["players"]:
            pl = p["player"]["id"]
            st = stats_of(p)
            if not p["substitute"]:
                on = 0
            else:
                ins = [minute(s["time"], s.get("addedTime"), end)
                       for s in subs if pid(s, "playerIn") == pl]
                on = min(ins) if ins else None
            if on is None and not (st.get("minutesPlayed") or 0) > 0:
                continue
            off = None
            if on is not None:
                offs = [minute(s["time"], s.get("addedTime"), end)
                        for s in subs if pid(s, "playerOut") == pl]
                offs += [minute(c["time"], c.get("addedTime"), end)
                         for c in cards if pid(c, "player") == pl
                         and c["incidentClass"] in ("red", "yellowRed")]
                off = min([m for m in offs if m >= on] + [end])
            mine = [g for g in goals if pid(g, "player") == pl]
            cls = [goal_class(g) for g in mine]
            mycards = [c["incidentClass"] for c in cards
                       if pid(c, "player") == pl]
            us, them = score[side], score[other]
            if us is None or them is None:
                result = None
            else:
                result = "W" if us > them else "L" if us < them else "D"
            row = [eid, start, e.get("tournament", {})
                   .get("uniqueTournament", {}).get("id"),
                   e.get("season", {}).get("id"), teams[side], teams[other],
                   side == "home", pl, p["player"].get("name"),
                   p.get("position") or p["player"].get("position"),
                   not p["substitute"], on, off,
                   None if on is None else off - on, st.get("minutesPlayed"),
                   sum(c != "ownGoal" for c in cls),
                   sum(c == "penalty" for c in cls),
                   sum(c == "ownGoal" for c in cls),
                   sum(1 for g in goals if pid(g, "assist1") == pl
                       and goal_class(g) != "ownGoal"),
                   mycards.count("yellow"), mycards.count("yellowRed"),
                   mycards.count("red"), st.get("rating"), us, them, result]
            out.writerow([fmt(v) for v in row])


def ids():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            yield json.loads(line)["event_id"]
        else:
            yield int(line)


def main():
    mode, raw = sys.argv[1], sys.argv[2]
    out = csv.writer(sys.stdout, lineterminator="\n")
    for eid in ids():
        base = os.path.join(raw, "event", str(eid))
        lu = load(base + "/lineups.json")
        if lu is None:
            continue
        ev = load(base + ".json")
        if mode == "lineups":
            lineups_rows(eid, ev, lu, out)
            continue
        inc = load(base + "/incidents.json")
        if ev is None or inc is None:
            continue
        appearances_rows(eid, ev, lu, inc["incidents"], out)


if __name__ == "__main__":
    main()
