# store.sh - a small raw store for the table builders' tests:
# "store N" writes matches 1..N under ./store (event, incidents, statistics
# and lineups, one goal, one statistic and two players each).  Sourced by
# t/t48xx bats files (load tables/store.sh).
# shellcheck shell=bash

store() {
	local i
	mkdir -p store/event
	seq -f 'store/event/%g' "$1" | xargs mkdir -p
	for ((i = 1; i <= $1; i++)); do
		printf '{"event":{"id":%d,"homeTeam":{"id":%d,"name":"H%d"},"awayTeam":{"id":%d,"name":"A%d"},"status":{"code":100,"type":"finished","description":"Ended"},"homeScore":{"display":1},"awayScore":{"display":0},"startTimestamp":1700000000}}' \
		    "$i" $((2 * i)) "$i" $((2 * i + 1)) "$i" >"store/event/$i.json"
		printf '{"incidents":[{"text":"FT","homeScore":1,"awayScore":0,"time":90,"addedTime":999,"incidentType":"period"},{"incidentType":"goal","incidentClass":"regular","time":10,"isHome":true,"player":{"id":%d,"name":"P%d"},"homeScore":1,"awayScore":0}]}' \
		    $((1000 + i)) "$i" >"store/event/$i/incidents.json"
		printf '{"statistics":[{"period":"ALL","groups":[{"groupName":"Possession","statisticsItems":[{"name":"Ball possession","home":"60%%","away":"40%%","homeValue":60,"awayValue":40}]}]}]}' \
		    >"store/event/$i/statistics.json"
		printf '{"confirmed":true,"home":{"players":[{"player":{"id":%d,"name":"P%d"},"substitute":false}]},"away":{"players":[{"player":{"id":%d,"name":"Q%d"},"substitute":false}]}}' \
		    $((1000 + i)) "$i" $((5000 + i)) "$i" >"store/event/$i/lineups.json"
	done
}

