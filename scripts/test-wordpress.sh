#!/usr/bin/env bash
# test-wordpress.sh [CMD...]: a real WordPress (Debian's wordpress package,
# MariaDB, Apache with mod_php) on loopback for the importer's tests
# tagged `wordpress` (issue 23 item 5). It
#   1. installs the packages with apt when they are missing and this runs
#      as root (otherwise one line naming the command, exit 1);
#   2. copies the package's /usr/share/wordpress into a temporary
#      directory with a wp-config.php of its own (Debian's reads
#      /etc/wordpress, which a test should not write), starts a private
#      MariaDB (a temporary data directory, a Unix socket, no TCP) and a
#      private Apache (its own configuration, 127.0.0.1 on a free port);
#   3. seeds a site with scripts/wordpress/seed.php (posts classic and
#      block-editor, a caption, a gallery, an embed, audio and video, a
#      featured image, a password-protected, a private and an undated post)
#      and exports its WXR with scripts/wordpress/export.php;
#   4. runs CMD (default: the importer's tests tagged `wordpress`; with
#      UPDATE=1 they also rewrite the golden pairs taken from this
#      WordPress: internal/importer/testdata/wordpress-6.1 and
#      internal/wpcontent/testdata/oracle.golden.json) with WORDPRESS_URL
#      and WORDPRESS_WXR set;
#   5. stops both servers and removes everything it made, on any exit.
# Nothing outside the temporary directory is written: it runs as any user
# once the packages are there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(wordpress mariadb-server apache2 libapache2-mod-php php-mysql php-cli)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-wordpress: installing ${missing[*]} with apt-get" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/dev/null ||
      { echo "test-wordpress: apt-get install ${missing[*]} failed: the real-WordPress tests cannot run" >&2; exit 1; }
  else
    echo "test-wordpress: missing ${missing[*]}: run apt-get install -y ${missing[*]} as root (Debian 12), then make test-wordpress" >&2
    exit 1
  fi
fi

tmp=$(mktemp -d -t syndicate-wp.XXXXXX)
chmod 755 "$tmp"
db_pid= web_pid=
cleanup() {
  local rc=$?
  [ -n "$web_pid" ] && { kill -TERM "$web_pid" 2>/dev/null || true; wait "$web_pid" 2>/dev/null || true; }
  [ -n "$db_pid" ] && { kill -TERM "$db_pid" 2>/dev/null || true; wait "$db_pid" 2>/dev/null || true; }
  if [ $rc -ne 0 ] && [ -n "${KEEP_WORDPRESS_LOGS:-}" ]; then
    echo "test-wordpress: logs kept in $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  exit $rc
}
trap cleanup EXIT INT TERM

# wait_for DESCRIPTION CMD...: up to 60 s for CMD to succeed.
wait_for() {
  local what=$1; shift
  for _ in $(seq 1 120); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "test-wordpress: $what did not start in 60 s" >&2
  cat "$tmp"/*.log >&2 2>/dev/null || true
  exit 1
}

# MariaDB: a private data directory, socket only.
user=$(id -un)
sock="$tmp/mysqld.sock"
mariadb-install-db --no-defaults --datadir="$tmp/db" --user="$user" --auth-root-authentication-method=normal \
  --skip-test-db >"$tmp/install-db.log" 2>&1 ||
  { echo "test-wordpress: mariadb-install-db failed:" >&2; tail -5 "$tmp/install-db.log" >&2; exit 1; }
setsid mariadbd --no-defaults --datadir="$tmp/db" --socket="$sock" --skip-networking --pid-file="$tmp/mysqld.pid" \
  --user="$user" --log-error="$tmp/mysqld.log" >"$tmp/mysqld.out" 2>&1 &
db_pid=$!
wait_for MariaDB mariadb --no-defaults --socket="$sock" -uroot -e 'select 1'
password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
mariadb --no-defaults --socket="$sock" -uroot -e "CREATE DATABASE wordpress; CREATE USER 'wordpress'@'localhost' IDENTIFIED BY '$password'; GRANT ALL ON wordpress.* TO 'wordpress'@'localhost';"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
site="http://127.0.0.1:$port"
mkdir -p "$tmp/wp-content/uploads" "$tmp/wp-content/mu-plugins"
# Debian's wordpress ships no theme; every default theme since Twenty
# Fourteen declares HTML5 captions and galleries (<figure>, <figcaption>),
# which is how sites render them: so does this one.
cat >"$tmp/wp-content/mu-plugins/html5.php" <<'PHP'
<?php
add_action('after_setup_theme', function () {
	add_theme_support('html5', ['caption', 'gallery', 'style', 'script']);
});
PHP
# A copy of the package's WordPress (its few symbolic links, to Debian's
# PHP libraries, stay links), configured by a wp-config.php of its own.
root="$tmp/wordpress"
cp -a /usr/share/wordpress "$root"
rm -f "$root/wp-config.php" "$root/.htaccess"
config="$root/wp-config.php"
cat >"$config" <<PHP
<?php
// Written by scripts/test-wordpress.sh for one run.
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', '$password');
define('DB_HOST', 'localhost:$sock');
define('WP_CONTENT_DIR', '$tmp/wp-content');
define('WP_HOME', '$site');
define('WP_SITEURL', '$site');
define('WP_ENVIRONMENT_TYPE', 'local');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
\$table_prefix = 'wp_';
if (!defined('ABSPATH')) {
	define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
PHP
chmod 644 "$config"

web_user=$user web_group=$(id -gn)
if [ "$(id -u)" = 0 ]; then
  web_user=www-data web_group=www-data
  chown -R www-data:www-data "$tmp/wp-content"
fi
mods=/usr/lib/apache2/modules
cat >"$tmp/apache.conf" <<CONF
ServerRoot $tmp
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile $tmp/apache.pid
ErrorLog $tmp/apache-error.log
LogLevel warn
User $web_user
Group $web_group
LoadModule mpm_prefork_module $mods/mod_mpm_prefork.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule dir_module $mods/mod_dir.so
LoadModule mime_module $mods/mod_mime.so
LoadModule rewrite_module $mods/mod_rewrite.so
LoadModule env_module $mods/mod_env.so
LoadModule alias_module $mods/mod_alias.so
LoadModule php_module $mods/libphp8.2.so
StartServers 2
MaxRequestWorkers 8
TypesConfig /etc/mime.types
DocumentRoot $root
DirectoryIndex index.php
<FilesMatch "\.php\$">
  SetHandler application/x-httpd-php
</FilesMatch>
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory $root>
  Require all granted
  RewriteEngine On
  RewriteBase /
  RewriteRule ^index\.php\$ - [L]
  RewriteCond %{REQUEST_FILENAME} !-f
  RewriteCond %{REQUEST_FILENAME} !-d
  RewriteRule . /index.php [L]
</Directory>
<Directory $tmp/wp-content>
  Require all granted
</Directory>
Alias /wp-content $tmp/wp-content
CONF

export WP_ROOT="$root" HTTP_HOST="127.0.0.1:$port"
php scripts/wordpress/seed.php "$site" >"$tmp/seed.log" 2>&1 ||
  { echo "test-wordpress: seeding failed:" >&2; tail -20 "$tmp/seed.log" >&2; exit 1; }
php scripts/wordpress/export.php >"$tmp/export.xml" 2>"$tmp/export.log" ||
  { echo "test-wordpress: the WXR export failed:" >&2; tail -20 "$tmp/export.log" >&2; exit 1; }

# In a session of its own: prefork's shutdown sends SIGTERM to its whole
# process group, which would otherwise be this script's, make's and CI's.
setsid apache2 -f "$tmp/apache.conf" -DFOREGROUND >"$tmp/apache.log" 2>&1 &
web_pid=$!
wait_for Apache curl -fsS "$site/wp-json/wp/v2/posts?per_page=1"

export WORDPRESS_URL="$site" WORDPRESS_WXR="$tmp/export.xml"
if [ $# -eq 0 ]; then
  update=()
  if [ -n "${UPDATE:-}" ]; then
    # New golden pairs: WordPress's own wptexturize and wpautop of
    # internal/wpcontent's inputs, and the site as captured testdata.
    php scripts/wordpress/oracle.php internal/wpcontent/testdata/oracle-inputs.json \
      >internal/wpcontent/testdata/oracle.golden.json
    update=(-args -update-wordpress)
  fi
  set -- go test -race -count=1 -tags wordpress -run 'WordPress' ./internal/importer/ "${update[@]}"
fi
"$@"
