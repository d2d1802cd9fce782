namespace Backupd.TestBed;

/// <summary>
/// The PHP that installs WordPress from the command line, as its own <c>wp-admin/install.php</c>
/// would, and adds content. It reads its parameters from the JSON file named by its first
/// argument and writes what it created to the file the parameters name.
/// </summary>
internal static class WordPressInstaller
{
    public const string Script = """
        <?php
        // Installs a WordPress site without a web server; run by Backupd.TestBed.WordPressSite.
        $params = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
        if (!extension_loaded('mysqli')) {
            fwrite(STDERR, "PHP has no mysqli extension: install it with `apt-get install php-mysql`; ./ops/test.sh installs everything the tests need.\n");
            exit(4);
        }

        $url = parse_url($params['siteUrl']);
        $https = ($url['scheme'] ?? 'http') === 'https';
        $_SERVER['HTTP_HOST'] = $url['host'] . (isset($url['port']) ? ':' . $url['port'] : '');
        $_SERVER['SERVER_NAME'] = $url['host'];
        $_SERVER['SERVER_PORT'] = (string) ($url['port'] ?? ($https ? 443 : 80));
        $_SERVER['HTTPS'] = $https ? 'on' : 'off';
        $_SERVER['REQUEST_URI'] = '/wp-admin/install.php';
        $_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
        $_SERVER['REQUEST_METHOD'] = 'GET';

        define('WP_INSTALLING', true);
        require $params['root'] . '/wp-load.php';
        require_once ABSPATH . 'wp-admin/includes/upgrade.php';
        require_once ABSPATH . 'wp-admin/includes/image.php';

        // There is no network and no mail here: loopback checks for pretty permalinks, update
        // checks and the "new site" mail would otherwise each wait for a timeout.
        add_filter('pre_http_request', fn () => new WP_Error('http_request_failed', 'No network in tests.'), 1);
        add_filter('pre_wp_mail', '__return_true', 1);

        $admin = $params['admin'];
        $installed = wp_install($params['title'], $admin['login'], $admin['email'], true, '', wp_slash($admin['password']));
        update_option('siteurl', $params['siteUrl']);
        update_option('home', $params['siteUrl']);
        if (!wp_get_theme()->exists()) {
            switch_theme($params['theme']);
        }

        function created($id, string $what): int {
            if (is_wp_error($id) || !$id) {
                fwrite(STDERR, "Could not create $what: " . (is_wp_error($id) ? $id->get_error_message() : 'no id') . "\n");
                exit(3);
            }
            return (int) $id;
        }

        $posts = [];
        foreach ($params['posts'] as $post) {
            $posts[] = created(wp_insert_post(wp_slash([
                'post_title' => $post['title'],
                'post_content' => $post['content'],
                'post_status' => 'publish',
                'post_type' => 'post',
                'post_author' => $installed['user_id'],
            ]), true), 'post ' . $post['title']);
        }

        $page = created(wp_insert_post(wp_slash([
            'post_title' => $params['page']['title'],
            'post_content' => $params['page']['content'],
            'post_status' => 'publish',
            'post_type' => 'page',
            'post_author' => $installed['user_id'],
        ]), true), 'page');

        $editor = $params['editor'];
        $editorId = created(wp_insert_user(wp_slash([
            'user_login' => $editor['login'],
            'user_pass' => $editor['password'],
            'user_email' => $editor['email'],
            'display_name' => $editor['displayName'],
            'role' => 'editor',
        ])), 'user ' . $editor['login']);

        // Files go where the media library puts them (uploads/YYYY/MM) under their exact names:
        // wp_upload_bits() would sanitise the non-ASCII ones away.
        $uploads = wp_upload_dir();
        if (!empty($uploads['error'])) {
            fwrite(STDERR, "Uploads directory: {$uploads['error']}\n");
            exit(3);
        }
        $attachments = [];
        foreach ($params['uploads'] as $upload) {
            $target = $uploads['path'] . '/' . $upload['name'];
            if (!copy($upload['source'], $target)) {
                fwrite(STDERR, "Could not copy {$upload['source']} to $target\n");
                exit(3);
            }
            $id = created(wp_insert_attachment(wp_slash([
                'guid' => $uploads['url'] . '/' . rawurlencode($upload['name']),
                'post_title' => $upload['title'],
                'post_content' => '',
                'post_mime_type' => $upload['mimeType'],
                'post_status' => 'inherit',
            ]), $target, $posts[0], true), 'attachment ' . $upload['name']);
            wp_update_attachment_metadata($id, wp_generate_attachment_metadata($id, $target));
            $attachments[] = ['id' => $id, 'file' => get_post_meta($id, '_wp_attached_file', true), 'mimeType' => $upload['mimeType']];
        }

        file_put_contents($params['result'], json_encode([
            'adminId' => (int) $installed['user_id'],
            'postIds' => $posts,
            'pageId' => $page,
            'editorId' => $editorId,
            'attachments' => $attachments,
        ], JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES));
        """;
}
