#!/usr/bin/env bash
# npm test runs this first (pretest): it makes sure what the tests use is there, and says in one line what is not.
#   - Debian's chromium (widget and end-to-end tests), nginx (the reverse-proxy test), python3-flask,
#     python3-flask-login and python3-jwt (the Flask kit's test), MariaDB and Redis, the fonts the PDF
#     export embeds (fonts-dejavu-core, fonts-symbola) and poppler-utils (pdftotext reads the exported
#     PDF in the export's tests): installed with apt when missing, if this runs as root on a machine with apt;
#   - MariaDB on 127.0.0.1:3306 and Redis on 127.0.0.1:6379: started when they do not answer.
# Quick when everything is there; otherwise it stops at once, naming what is missing and the command that installs it.
set -euo pipefail

say() { echo "ipp-chat tests: $*" >&2; }
answers() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
/usr/bin/python3 -c 'import flask, flask_login, jwt' 2>/dev/null || missing+=(python3-flask python3-flask-login python3-jwt)
answers 3306 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
answers 6379 || command -v redis-server >/dev/null || missing+=(redis-server)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ] || [ -f /usr/share/fonts/truetype/symbola/Symbola.ttf ] || missing+=(fonts-symbola)
command -v pdftotext >/dev/null || missing+=(poppler-utils)

if [ ${#missing[@]} -gt 0 ]; then
  if ! can_apt; then
    say "missing ${missing[*]}: install with \`sudo apt-get install -y ${missing[*]}\` (or run npm test as root), then npm test again"
    exit 1
  fi
  say "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

wait_for() { # name, port
  for _ in $(seq 1 60); do answers "$2" && return 0; sleep 0.5; done
  say "$1 did not come up on 127.0.0.1:$2"
  exit 1
}

if ! answers 3306; then
  if [ "$(id -u)" != 0 ]; then
    say "MariaDB does not answer on 127.0.0.1:3306: start it with \`sudo service mariadb start\`, then npm test again"
    exit 1
  fi
  say "starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_for MariaDB 3306
fi

if ! answers 6379; then
  if [ "$(id -u)" != 0 ]; then
    say "Redis does not answer on 127.0.0.1:6379: start it with \`sudo service redis-server start\`, then npm test again"
    exit 1
  fi
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null
  wait_for Redis 6379
fi
