<?php
// oracle.php IN.json: WordPress's own wptexturize, wpautop and
// the_content of each string of IN.json (a JSON array), as JSON
// [{"in","texturize","autop","content"}] on stdout: golden pairs for
// internal/wpcontent. the_content is taken as the REST API and the feed
// give it once a block-editor post has been rendered in the request
// (do_blocks then moves wpautop after shortcode_unautop). Run as seed.php
// is.
$_SERVER['HTTP_HOST'] = getenv('HTTP_HOST');
$_SERVER['REQUEST_URI'] = '/';
require getenv('WP_ROOT') . '/wp-load.php';
apply_filters('the_content', "<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->");
$out = [];
foreach (json_decode(file_get_contents($argv[1]), true) as $in) {
	$out[] = ['in' => $in, 'texturize' => wptexturize($in, true), 'autop' => wpautop($in), 'content' => apply_filters('the_content', $in)];
}
echo json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
