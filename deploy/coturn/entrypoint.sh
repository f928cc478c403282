#!/bin/sh
# Writes coturn's configuration from the environment (.env through
# docker-compose.yml) and runs it as the unprivileged `turnserver` user.
# TURN over TLS uses Caddy's certificate for PARLEY_DOMAIN, copied from
# Caddy's volume and copied again (then SIGUSR2: coturn reloads it) when
# Caddy renews it.
set -eu
: "${PARLEY_TURN_SECRET:?PARLEY_TURN_SECRET must be set (the secret shared with Parley)}"
: "${PARLEY_DOMAIN:?PARLEY_DOMAIN must be set}"
: "${PARLEY_PUBLIC_IP:?PARLEY_PUBLIC_IP must be set (the address browsers reach)}"
min_port=${PARLEY_TURN_MIN_PORT:-49160}
max_port=${PARLEY_TURN_MAX_PORT:-49259}
run=/run/parley-coturn
mkdir -p "$run"
chown turnserver:turnserver "$run"
chmod 0700 "$run"

conf=$run/turnserver.conf
{
  echo "listening-port=3478"
  echo "tls-listening-port=5349"
  if [ -n "${PARLEY_BIND_IP:-}" ] && [ "${PARLEY_BIND_IP}" != "0.0.0.0" ]; then
    echo "listening-ip=$PARLEY_BIND_IP"
    echo "relay-ip=$PARLEY_BIND_IP"
    # Behind 1:1 NAT (a cloud server) the public address is not the bound one.
    [ "$PARLEY_BIND_IP" = "$PARLEY_PUBLIC_IP" ] || echo "external-ip=$PARLEY_PUBLIC_IP/$PARLEY_BIND_IP"
  else
    echo "external-ip=$PARLEY_PUBLIC_IP"
  fi
  echo "min-port=$min_port"
  echo "max-port=$max_port"
  echo "realm=$PARLEY_DOMAIN"
  echo "use-auth-secret"
  echo "static-auth-secret=$PARLEY_TURN_SECRET"
  echo "fingerprint"
  echo "no-cli"
  echo "no-multicast-peers"
  echo "no-tcp-relay"
  echo "no-software-attribute"
  echo "pidfile=$run/turnserver.pid"
  # Relay to the SFU only: never into private, loopback or reserved ranges
  # (the compose network with PostgreSQL, the host's other services).
  echo "allowed-peer-ip=$PARLEY_PUBLIC_IP"
  for range in 0.0.0.0-0.255.255.255 10.0.0.0-10.255.255.255 100.64.0.0-100.127.255.255 \
    127.0.0.0-127.255.255.255 169.254.0.0-169.254.255.255 172.16.0.0-172.31.255.255 \
    192.0.0.0-192.0.0.255 192.0.2.0-192.0.2.255 192.88.99.0-192.88.99.255 \
    192.168.0.0-192.168.255.255 198.18.0.0-198.19.255.255 198.51.100.0-198.51.100.255 \
    203.0.113.0-203.0.113.255 224.0.0.0-255.255.255.255 \
    ::-::ffff:ffff:ffff:ffff 64:ff9b::-64:ff9b::ffff:ffff 100::-100::ffff:ffff:ffff:ffff \
    2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff \
    fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff ff00::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff; do
    echo "denied-peer-ip=$range"
  done
  # coturn's log names every client's address: off unless asked for.
  if [ "${PARLEY_TURN_LOG:-off}" = "on" ]; then
    echo "log-file=stdout"
    echo "simple-log"
  else
    echo "no-stdout-log"
    echo "simple-log"
    echo "log-file=/dev/null"
  fi
} >"$conf"

# Caddy's certificate for the domain (internal CA or ACME), when there is one.
certificate() { find /caddy-data/caddy/certificates -path "*/$PARLEY_DOMAIN/$PARLEY_DOMAIN.$1" 2>/dev/null | head -n 1; }
copy_certificate() {
  crt=$(certificate crt)
  key=$(certificate key)
  [ -n "$crt" ] && [ -n "$key" ] || return 1
  install -m 0600 -o turnserver -g turnserver "$crt" "$run/cert.pem"
  install -m 0600 -o turnserver -g turnserver "$key" "$run/key.pem"
  stat -c %Y "$crt"
}
waited=0
until stamp=$(copy_certificate); do
  if [ $waited -ge 60 ]; then
    echo "no certificate for $PARLEY_DOMAIN in Caddy's volume after 60 s: TURN over TLS (5349) is off" >&2
    echo "no-tls" >>"$conf"
    stamp=none
    break
  fi
  sleep 2
  waited=$((waited + 2))
done
[ "$stamp" = none ] || printf 'cert=%s\npkey=%s\n' "$run/cert.pem" "$run/key.pem" >>"$conf"
echo "no-dtls" >>"$conf"

setpriv --reuid=turnserver --regid=turnserver --init-groups turnserver -c "$conf" &
turn=$!
trap 'kill -TERM $turn 2>/dev/null; wait $turn; exit 0' TERM INT
# Caddy renews its certificates (the internal CA's every few hours): follow.
while kill -0 $turn 2>/dev/null; do
  sleep 300 &
  wait $! || true
  if [ "$stamp" != none ] && now=$(copy_certificate) && [ "$now" != "$stamp" ]; then
    stamp=$now
    kill -USR2 $turn
  fi
done
wait $turn
