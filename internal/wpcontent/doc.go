// Package wpcontent renders a WordPress post's stored content (post_content,
// as a WXR export holds it) the way WordPress 6.1's the_content filter does
// for its REST API and feeds: block delimiters dropped (do_blocks, static
// blocks), typography (wptexturize), paragraphs and line breaks (wpautop,
// for classic-editor content only) and the core shortcodes ([caption],
// [gallery], [audio], [video], [embed]) turned into HTML the admin API
// accepts; what cannot be rendered offline ([playlist], dynamic blocks) is
// dropped and counted, never left as raw text.
//
// Rules: pure functions of their input; the attachments a gallery or a
// block image needs are given by the caller (Media). Golden pairs taken
// from a real WordPress (testdata/, scripts/test-wordpress.sh) check it.
package wpcontent
