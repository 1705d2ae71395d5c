<?php
// export.php: the site's WXR export on stdout, as Tools → Export gives it
// (all content). Run as seed.php is.
$_SERVER['HTTP_HOST'] = getenv('HTTP_HOST');
$_SERVER['REQUEST_URI'] = '/';
require getenv('WP_ROOT') . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/export.php';
wp_set_current_user(1);
export_wp(['content' => 'all']);
