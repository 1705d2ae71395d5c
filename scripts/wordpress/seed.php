<?php
// seed.php SITE: installs WordPress into the empty database of
// scripts/test-wordpress.sh and writes the site the importer's
// `wordpress` tests read: posts in the classic editor (paragraphs, line
// breaks, a [caption], a [gallery], an [embed], [audio] and [video]) and
// in the block editor, a featured image, two authors, categories and
// tags, a password-protected, a private and a draft post. Run with
// WP_ROOT (the copy of WordPress) and HTTP_HOST set.
if ($argc < 2) {
	fwrite(STDERR, "usage: seed.php SITE\n");
	exit(2);
}
$site = $argv[1];
$_SERVER['HTTP_HOST'] = getenv('HTTP_HOST');
$_SERVER['REQUEST_URI'] = '/';
define('WP_INSTALLING', true);
require getenv('WP_ROOT') . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';

$pass = wp_generate_password(24);
$r = wp_install('Новини Тест', 'admin', 'admin@example.invalid', true, '', $pass);
if (is_wp_error($r)) {
	fwrite(STDERR, $r->get_error_message() . "\n");
	exit(1);
}
update_option('permalink_structure', '/%year%/%monthnum%/%postname%/');
update_option('timezone_string', 'Europe/Sofia');
update_option('posts_per_rss', 50);
update_option('rss_use_excerpt', 0);
update_option('blogdescription', 'Сайт за тестовете на вноса');
flush_rewrite_rules(false);
wp_set_current_user(1);
wp_update_user(['ID' => 1, 'display_name' => 'Редакция']);
$ivan = wp_insert_user(['user_login' => 'ipetrov', 'user_pass' => wp_generate_password(24), 'display_name' => 'Иван Петров',
	'user_email' => 'ipetrov@example.invalid', 'role' => 'author']);
$maria = wp_insert_user(['user_login' => 'mgeorgieva', 'user_pass' => wp_generate_password(24), 'display_name' => 'Мария Георгиева',
	'user_email' => 'mgeorgieva@example.invalid', 'role' => 'editor']);

$city = wp_insert_term('Градът', 'category')['term_id'];
$culture = wp_insert_term('Култура', 'category')['term_id'];

// An image in uploads, with the metadata WordPress keeps for it.
$upload = wp_upload_dir('2025/12');
$file = $upload['path'] . '/bus.jpg';
file_put_contents($file, "not really a jpeg");
function attachment($file, $upload, $title, $alt, $caption) {
	$id = wp_insert_attachment(['post_title' => $title, 'post_mime_type' => 'image/jpeg', 'post_status' => 'inherit',
		'post_excerpt' => $caption, 'guid' => $upload['url'] . '/' . basename($file)], $file, 0, true);
	update_post_meta($id, '_wp_attachment_image_alt', $alt);
	wp_update_attachment_metadata($id, ['width' => 1200, 'height' => 800, 'file' => '2025/12/' . basename($file), 'sizes' => []]);
	return $id;
}
$bus = attachment($file, $upload, 'Автобус', 'Нов автобус на спирка', 'Снимка: Община');
$file2 = $upload['path'] . '/square.jpg';
file_put_contents($file2, "not really a jpeg either");
$square = attachment($file2, $upload, 'Площад', 'Площадът', 'Снимка: БТА');
$busURL = wp_get_attachment_url($bus);
$squareURL = wp_get_attachment_url($square);

// The posts: name => [fields]. Dates are the site's (Europe/Sofia).
$posts = [
	'classic-paragraphs' => ['post_title' => 'Нови автобуси по линия 1', 'post_author' => $ivan, 'post_category' => [$city],
		'tags_input' => ['транспорт', 'автобуси'], 'post_date' => '2025-12-18 10:30:00', 'thumbnail' => $bus,
		'post_excerpt' => 'Общината подменя парка на линия 1.',
		'post_content' => "От понеделник <strong>20 нови автобуса</strong> ще обслужват линия 1.\n\nРазписанието е на <a href=\"/razpisanie/\">сайта на общината</a>.\nВтори ред в същия абзац.\n\n<ul>\n<li>първа спирка</li>\n<li>втора спирка</li>\n</ul>\nСлед списъка.\n\n<blockquote>Цитат от кмета.</blockquote>\n\n<h2>Подзаглавие</h2>\nПоследен абзац.\n"],
	'classic-caption' => ['post_title' => 'Площадът с нова настилка', 'post_author' => $maria, 'post_category' => [$city, $culture],
		'post_date' => '2025-12-17 09:00:00',
		'post_content' => "[caption id=\"attachment_$square\" align=\"aligncenter\" width=\"1200\"]<img class=\"size-full wp-image-$square\" src=\"$squareURL\" alt=\"Площадът\" width=\"1200\" height=\"800\" /> Площадът след ремонта. Снимка: БТА[/caption]\n\nРемонтът завърши в срок.\n\n[caption id=\"\" align=\"alignleft\" width=\"300\"]<a href=\"$busURL\"><img src=\"$busURL\" alt=\"Автобус\" width=\"300\" height=\"200\" /></a> Автобус на линия 1[/caption]\nТекст след снимката."],
	'classic-media' => ['post_title' => 'Галерия, видео и звук', 'post_author' => 1, 'post_category' => [$culture],
		'post_date' => '2025-12-16 18:00:00',
		'post_content' => "Снимки от концерта:\n\n[gallery ids=\"$bus,$square\" columns=\"2\"]\n\nЗапис:\n\n[audio src=\"$site/wp-content/uploads/2025/12/koncert.mp3\"]\n\n[video src=\"$site/wp-content/uploads/2025/12/koncert.mp4\" width=\"640\" height=\"360\"]\n\n[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]\n\nhttps://vimeo.com/76979871\n\nКрай."],
	'classic-typography' => ['post_title' => 'Кавички "така" и тире -- и многоточие...', 'post_author' => $ivan, 'post_category' => [],
		'post_date' => '2025-12-15 12:00:00',
		'post_content' => "Той каза: \"Ще стане\" -- и стана... В 10:00 часа 5--6 души.\n\nIt's the 'best' one."],
	'block-editor' => ['post_title' => 'Статия от блоковия редактор', 'post_author' => $maria, 'post_category' => [$city],
		'post_date' => '2025-12-14 08:15:00', 'thumbnail' => $square,
		'post_content' => "<!-- wp:paragraph -->\n<p>Първи абзац от <em>блоковия</em> редактор.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:image {\"id\":$bus,\"sizeSlug\":\"full\"} -->\n<figure class=\"wp-block-image size-full\"><img src=\"$busURL\" alt=\"Автобус\" class=\"wp-image-$bus\"/><figcaption class=\"wp-element-caption\">Снимка: Община</figcaption></figure>\n<!-- /wp:image -->\n\n<!-- wp:paragraph -->\n<p>Втори абзац.</p>\n<!-- /wp:paragraph -->"],
	// A long classic post (a real article's text): WordPress's own
	// excerpt of 55 words, typography in Bulgarian text.
	'classic-long' => ['post_title' => 'Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия', 'post_author' => $maria,
		'post_category' => [$city], 'tags_input' => ['НАТО'], 'post_date' => '2025-12-11 09:30:00',
		'post_content' => "Ще продължат напредналото си сътрудничество по веригата за доставки и тясното сътрудничество в областта на разработването, производството и снабдяването в областта на отбраната\n\nЮжна Корея и НАТО се споразумяха да създадат консултантска група за отбранителната индустрия, която да проучи как Северноатлантическият пакт и Сеул могат да подобрят сътрудничеството си в областта на отбраната, съобщи БТА с позоваване на агенция Йонхап, която цитира съобщение на президентската канцелария.\n\nСпоразумението е постигнато вчера на среща между генералния секретар на НАТО Марк Рюте и южнокорейския съветник по националната сигурност Ви Сунг-лак в рамките на срещата на върха на НАТО в Хага, предаде ДПА.\n\n\"Двете страни се споразумяха да създадат нов консултативен орган на ниво генерален директор за отбранителната индустрия между Южна Корея и НАТО, който да обсъди конкретни мерки за засилване на сътрудничеството в отбранителния сектор.“ - се казва в изявлението.\n\nНАТО и Южна Корея се споразумяха също така да насърчават сътрудничеството в областта на отбранителната промишленост, като Сеул участва в бъдещи проекти на НАТО, насочени към укрепване на отбранителните способности на трансатлантическия съюз. Не се уточнява какви биха могли да бъдат те."],
	'protected' => ['post_title' => 'Само за абонати', 'post_author' => $ivan, 'post_category' => [$city],
		'post_date' => '2025-12-13 10:00:00', 'post_password' => 'tajna',
		'post_content' => "Тайният текст, който не бива да излиза."],
	'private' => ['post_title' => 'Вътрешна бележка', 'post_author' => 1, 'post_status' => 'private',
		'post_date' => '2025-12-12 10:00:00', 'post_content' => "Само за редакцията."],
	'draft' => ['post_title' => 'Чернова', 'post_author' => 1, 'post_status' => 'draft',
		'post_content' => "Недовършено."],
];
foreach ($posts as $name => $p) {
	$thumb = $p['thumbnail'] ?? 0;
	unset($p['thumbnail']);
	$p += ['post_status' => 'publish', 'post_type' => 'post', 'post_name' => $name];
	// Kept as written: the admin has unfiltered_html, as an editor would.
	$id = wp_insert_post(wp_slash($p), true);
	if (is_wp_error($id)) {
		fwrite(STDERR, "$name: " . $id->get_error_message() . "\n");
		exit(1);
	}
	if ($thumb) {
		set_post_thumbnail($id, $thumb);
	}
	echo "$name $id\n";
}
