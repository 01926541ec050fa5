#!/bin/sh
# A bake check for rolld (bake: {check: './example/error-rate-ok.sh'}): exits 1 when more than
# MAX_PERCENT of the new set's recent responses in nginx's access log were 5xx, so the rollout
# switches back to the old set. The log needs the status and the upstream address first:
#
#   log_format rolld '$status $upstream_addr';
#   access_log logs/access.log rolld;
#
# rolld sets ROLLD_PORTS (the new set's ports, comma-separated); only lines of those ports count.
# ACCESS_LOG (default example/logs/access.log), RECENT (lines read, 2000) and MAX_PERCENT (1)
# override the defaults.
log=${ACCESS_LOG:-example/logs/access.log}
recent=${RECENT:-2000}
max=${MAX_PERCENT:-1}
if [ ! -r "$log" ]; then
    echo "cannot read the access log $log"
    exit 2
fi
tail -n "$recent" "$log" | awk -v ports=",$ROLLD_PORTS," -v max="$max" '
    {
        # $upstream_addr is "127.0.0.1:8501", or a list when nginx retried: the first one answered first.
        n = split($2, parts, ":"); port = parts[n]; gsub(/[^0-9]/, "", port)
        if (index(ports, "," port ",") == 0) next
        total++
        if ($1 ~ /^5/) failed++
    }
    END {
        if (total == 0) { print "no request reached the new set yet"; exit 0 }
        percent = 100 * failed / total
        printf "%d of the new set%ss last %d responses were 5xx (%.1f%%, limit %s%%)\n", failed, "'"'"'", total, percent, max
        exit (percent > max) ? 1 : 0
    }'
