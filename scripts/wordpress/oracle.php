<?php
// oracle.php IN.json: WordPress's own wptexturize and wpautop of each
// string of IN.json (a JSON array), as JSON [{"in","texturize","autop"}]
// on stdout: golden pairs for internal/wpcontent. Run as seed.php is.
$_SERVER['HTTP_HOST'] = getenv('HTTP_HOST');
$_SERVER['WORDPRESS_CONFIG'] = getenv('WORDPRESS_CONFIG');
$_SERVER['REQUEST_URI'] = '/';
require '/usr/share/wordpress/wp-load.php';
$out = [];
foreach (json_decode(file_get_contents($argv[1]), true) as $in) {
	$out[] = ['in' => $in, 'texturize' => wptexturize($in, true), 'autop' => wpautop($in)];
}
echo json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
