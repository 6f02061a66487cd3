#!/usr/bin/env bash
# --prometheus and --metrics on the replay of every trace in tests/data:
# promtool check metrics passes, the values equal the JSON report, and a real
# Prometheus scraping `pinscope replay --metrics` (OpenMetrics) stores them.
# Usage: tests/metrics.sh PINSCOPE   (as root; needs promtool and prometheus)
. "$(dirname "$0")/lib.sh"
BAD_SHOW=10
bin=$(realpath "${1:?usage: $0 PINSCOPE}")
cd "$(dirname "$0")/.." || exit 1
for tool in promtool prometheus; do
	command -v $tool > /dev/null || { echo "FAIL no $tool: install Debian's prometheus package (make deps)"; exit 1; }
done

expect "--metrics bad port" 2 "invalid --metrics '99999': port '99999' is not a number" -- "$bin" --metrics 99999
expect "--metrics bad address" 2 "address 'localhost' is not a numeric" -- "$bin" --metrics localhost:9464
expect "-R without -i" 2 "\-R needs \-i" -- "$bin" -R
expect "-j with --prometheus" 2 "exclude each other" -- "$bin" -j --prometheus
expect "--prometheus with -i" 2 "use --metrics" -- "$bin" --prometheus -i 5
# the revision is git's in a checkout, "unknown" in a source tree without .git
rev='[0-9a-f]{7,}(-dirty)?'; git rev-parse --git-dir > /dev/null 2>&1 || rev=unknown
expect "--version" 0 "^pinscope [0-9.]+ \(git $rev\)$" -- "$bin" --version
sync_trace=tests/data/synthetic/patched-pin-clean.trace
python3 -c 'import socket,time,sys; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen();
print(s.getsockname()[1], flush=True); time.sleep(30)' > "$tmp/port" &
holder=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$tmp/port" ] && break; sleep 0.2; done
expect "replay --metrics on a port in use" 1 "Failed to start the metrics server" -- \
	"$bin" replay "$sync_trace" --metrics "127.0.0.1:$(cat "$tmp/port")"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

# issue 25.8: slow clients (one header line every 4 s, never the end of the headers) cannot
# keep a scrape out: 16 from one address meet the per-address limit, 24 from 24 addresses the
# 5 s header deadline, 48 from 48 that connect again the eviction of the longest waiting;
# a scrape from 127.0.0.1 answers within 2 s all along. 405 says Allow.
port=$(python3 tests/prom_check.py free-port)
"$bin" replay "$sync_trace" --metrics "127.0.0.1:$port" > /dev/null 2> "$tmp/server.err" & server=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do curl -s -o /dev/null "http://127.0.0.1:$port/metrics" && break; sleep 0.3; done
if timeout 40 python3 tests/slow_clients.py "$port" 16 127.0.0.2 14 > "$tmp/out" 2>&1; then
	ok "16 slow clients from one address: every scrape answered within 2 s"
else
	bad "16 slow clients from one address"; sed 's/^/     | /' "$tmp/out"
fi
if timeout 40 python3 tests/slow_clients.py "$port" 24 many 12 --deadline 6.5 > "$tmp/out" 2>&1; then
	ok "24 slow clients from 24 addresses: each cut at the header deadline, scrapes answered"
else
	bad "24 slow clients from 24 addresses"; sed 's/^/     | /' "$tmp/out"
fi
# clients from 48 addresses (127.0.1.1-48) hold every connection and connect again as soon
# as one is closed: a new connection shuts the one waiting longest for its headers down
if timeout 40 python3 tests/slow_clients.py "$port" 48 many 12 --reconnect > "$tmp/out" 2>&1; then
	ok "48 slow clients from 48 addresses, reconnecting: every scrape answered within 2 s"
else
	bad "48 slow clients from 48 addresses, reconnecting"; sed 's/^/     | /' "$tmp/out"
fi
curl -s -D "$tmp/head" -o /dev/null -X POST "http://127.0.0.1:$port/metrics"
grep -q '^HTTP/1.1 405' "$tmp/head" && grep -qi '^Allow: GET, HEAD' "$tmp/head" &&
	ok "POST /metrics: 405 with 'Allow: GET, HEAD'" || { bad "405 without Allow"; sed 's/^/     | /' "$tmp/head"; }
kill -INT $server; wait $server
# about 40 s of thousands of connections closed: at most one line in 10 s
[ "$(grep -c 'metrics server' "$tmp/server.err")" -le 6 ] && ok "the server's messages: rate-limited" ||
	{ bad "the server's messages: $(grep -c 'metrics server' "$tmp/server.err") lines"; head -3 "$tmp/server.err"; }

for t in tests/data/*.trace tests/data/*.trace.xz tests/data/synthetic/*.trace; do
	[ -e "$t" ] || continue
	n=$(basename "$t")
	case "$t" in *.xz) xz -dc "$t" > "$tmp/trace" ;; *) cp "$t" "$tmp/trace" ;; esac
	"$bin" replay --prometheus "$tmp/trace" > "$tmp/prom" 2> "$tmp/err"; prc=$?
	"$bin" replay -j "$tmp/trace" > "$tmp/json" 2> "$tmp/err"; jrc=$?
	if [ "$prc" != "$jrc" ] || [ "$prc" = 1 ]; then
		cp "$tmp/err" "$tmp/out"; bad "$n: --prometheus exit $prc, -j exit $jrc"; continue
	fi
	if promtool check metrics < "$tmp/prom" > "$tmp/out" 2>&1; then
		ok "promtool check metrics: $n"
	else
		bad "promtool check metrics: $n"
	fi
	if python3 tests/prom_check.py text "$tmp/json" "$tmp/prom" > "$tmp/out" 2>&1; then
		ok "--prometheus equals -j: $n"
	else
		bad "--prometheus vs -j: $n"
	fi
done

# a real Prometheus scrapes replay --metrics (OpenMetrics) for a few seconds
trace=tests/data/patched-6.1-early_unlock.trace
port=$(python3 tests/prom_check.py free-port)
if python3 tests/prom_check.py scrape --target "127.0.0.1:$port" "$tmp/scraped.json" -- \
	sh -c "'$bin' replay -j --metrics 127.0.0.1:$port $trace > $tmp/scraped.json & p=\$!
	       sleep 10; kill -TERM \$p; wait \$p; rc=\$?; [ \$rc = 3 ]" > "$tmp/out" 2>&1; then
	ok "Prometheus scrape of replay --metrics equals -j ($(grep -c '^ok' "$tmp/out") quantiles ok)"
else
	bad "Prometheus scrape of replay --metrics"
fi
# the alerting rules of README.md "Install from the .deb, run as a service, scrape": valid, and they fire on a violation
awk '/^Alert on violations/ { on = 1 } on && /^```yaml/ { inside = 1; next }
     inside && /^```/ { exit } inside' README.md > "$tmp/rules.yml"
cp tests/alerts.test.yml "$tmp/"
if [ -s "$tmp/rules.yml" ] && promtool check rules "$tmp/rules.yml" > "$tmp/out" 2>&1; then
	ok "promtool check rules: README.md alerting rules"
else
	bad "promtool check rules: README.md alerting rules"
fi
if (cd "$tmp" && promtool test rules alerts.test.yml) > "$tmp/out" 2>&1; then
	ok "promtool test rules: PinscopeInvariantViolated fires on a violation, only then"
else
	bad "promtool test rules"
fi
totals metrics
