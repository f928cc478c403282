#!/bin/sh
# Writes the deployment's .env on first run: the operator's choices (domain,
# public address, TLS) and random secrets (the PostgreSQL password, the TURN
# secret Parley shares with coturn). An existing file is kept as it is: the
# database password is fixed when PostgreSQL first starts.
# Plain sh, so that a fresh server needs nothing but Docker to run it.
#
#   scripts/deploy/init-env.sh --domain calls.example.org --public-ip 203.0.113.7
#       [--tls internal | --tls you@example.org] [--bind-ip ADDRESS]
#       [--docker-net 172.30.213] [--out PATH]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
domain='' public_ip='' tls=internal bind_ip=0.0.0.0 docker_net=172.30.213
out=$here/../../.env

while [ $# -gt 0 ]; do
  case "$1" in
    --domain=*) domain=${1#*=} ;;
    --public-ip=*) public_ip=${1#*=} ;;
    --tls=*) tls=${1#*=} ;;
    --bind-ip=*) bind_ip=${1#*=} ;;
    --docker-net=*) docker_net=${1#*=} ;;
    --out=*) out=${1#*=} ;;
    --domain | --public-ip | --tls | --bind-ip | --docker-net | --out)
      [ $# -ge 2 ] || { echo "init-env: $1 needs a value" >&2; exit 2; }
      option=$1 value=$2
      shift 2
      set -- "$option=$value" "$@"
      continue ;;
    *) echo "init-env: unknown argument $1 (see the top of $0)" >&2; exit 2 ;;
  esac
  shift
done

if [ -e "$out" ]; then
  echo "init-env: $out exists and is kept as it is (delete it only before the first start)."
  exit 0
fi

problems=''
complain() { problems="$problems
  $1"; }

# An IPv4 address: four numbers of 0-255.
ipv4() {
  echo "$1" | grep -Eq '^([0-9]{1,3}\.){3}[0-9]{1,3}$' || return 1
  for octet in $(echo "$1" | tr . ' '); do [ "$octet" -le 255 ] || return 1; done
}
label='[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?'
echo "$domain" | grep -Eq "^$label(\.$label)+$" && [ ${#domain} -le 253 ] ||
  complain '--domain must be the name people will type, like calls.example.org'
if ! ipv4 "$public_ip"; then
  complain '--public-ip must be the IPv4 address browsers reach this server at'
else
  first=${public_ip%%.*}
  second=$(echo "$public_ip" | cut -d. -f2)
  if [ "$first" -eq 0 ] || [ "$first" -eq 127 ] || [ "$first" -ge 224 ] || { [ "$first" -eq 169 ] && [ "$second" -eq 254 ]; }; then
    complain "--public-ip $public_ip is a loopback, link-local, multicast or unspecified address: browsers on other machines cannot reach it"
  fi
fi
[ "$tls" = internal ] || echo "$tls" | grep -Eq '^[^[:space:]@]+@[^[:space:]@]+\.[^[:space:]@]+$' ||
  complain "--tls must be \"internal\" (Caddy's own CA, for a LAN name) or an e-mail address for Let's Encrypt"
ipv4 "$bind_ip" || complain '--bind-ip must be an IPv4 address (0.0.0.0: all)'
ipv4 "$docker_net.0" || complain '--docker-net must be the first three numbers of a /24, like 172.30.213'
if [ -n "$problems" ]; then
  echo "init-env: nothing written:$problems" >&2
  exit 2
fi

# URL- and shell-safe random text from the kernel's CSPRNG.
secret() { head -c "$1" /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_'; }

umask 077
tmp=$out.tmp.$$
cat >"$tmp" <<ENV
# Parley deployment settings (docs/deploy.md). Made by scripts/deploy/init-env.sh.
# Keep this file private: it holds the database password and the TURN secret.
COMPOSE_PROJECT_NAME=parley

# The name people type, and the TLS certificate: "internal" (Caddy's own CA, for a
# LAN name; devices must trust its root) or an e-mail address for Let's Encrypt.
PARLEY_DOMAIN=$domain
PARLEY_TLS=$tls

# The address browsers send media and TURN traffic to (this server's public IPv4),
# and the host address the ports are published on (0.0.0.0: all of them).
PARLEY_PUBLIC_IP=$public_ip
PARLEY_BIND_IP=$bind_ip

# UDP port ranges to open in the firewall: media (two ports per person in a call)
# and TURN relays.
PARLEY_RTC_MIN_PORT=40000
PARLEY_RTC_MAX_PORT=40099
PARLEY_TURN_MIN_PORT=49160
PARLEY_TURN_MAX_PORT=49259

# The containers' private network (a /24, written as its first three numbers).
PARLEY_DOCKER_NET=$docker_net

# Secrets, made at random on first run.
POSTGRES_PASSWORD=$(secret 24)
PARLEY_TURN_SECRET=$(secret 32)

# Optional: remove the # to change a default (README.md, "Configuration").
# PARLEY_SESSION_IDLE_HOURS=168
# PARLEY_SESSION_MAX_DAYS=30
# PARLEY_LINK_MAX_DAYS=365
# PARLEY_SENSITIVE_NO_HOST_SECONDS=60
# PARLEY_TURN_CREDENTIAL_HOURS=12
# PARLEY_MEDIA_WORKERS=2
# PARLEY_MAX_CALL_SIZE=50
# PARLEY_CONSUMERS_PER_WORKER=500
# The largest file people may send each other in a call (MB; relayed encrypted, never stored):
# PARLEY_MAX_FILE_MB=100
# PARLEY_METRICS_PORT=9464
# PARLEY_METRICS_HOST=127.0.0.1
# PARLEY_LOG_LEVEL=info
ENV
mv "$tmp" "$out"
echo "init-env: wrote $out (readable by you only) with new random secrets."
