namespace Backupd.TestBed;

/// <summary>
/// The PHP that turns an installed WordPress site into a network (multisite) of subdirectories, as
/// the Network Setup screen would, and the PHP that then adds a second site with content of its
/// own. Each reads its parameters from the JSON file named by its first argument.
/// </summary>
internal static class WordPressNetworkInstaller
{
    // Sets up the request WordPress expects, for the network's URL (a network finds its site by host and path).
    private const string Request = """
        <?php
        $params = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
        $url = parse_url($params['siteUrl']);
        $_SERVER['HTTP_HOST'] = $url['host'] . (isset($url['port']) ? ':' . $url['port'] : '');
        $_SERVER['SERVER_NAME'] = $url['host'];
        $_SERVER['REQUEST_URI'] = rtrim($url['path'] ?? '', '/') . '/';
        $_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
        $_SERVER['REQUEST_METHOD'] = 'GET';

        """;

    /// <summary>Run before wp-config.php says MULTISITE: makes the network's tables and rows.</summary>
    public const string Network = Request + """
        define('WP_INSTALLING_NETWORK', true);
        require $params['root'] . '/wp-load.php';
        require_once ABSPATH . 'wp-admin/includes/upgrade.php';
        add_filter('pre_http_request', fn () => new WP_Error('http_request_failed', 'No network in tests.'), 1);
        add_filter('pre_wp_mail', '__return_true', 1);
        // As wp-admin/network.php does: a single site's $wpdb has no names for the network's tables yet.
        foreach ($wpdb->tables('ms_global') as $table => $prefixed) {
            $wpdb->$table = $prefixed;
        }
        install_network();
        $result = populate_network(1, $_SERVER['HTTP_HOST'], $params['email'], 'backupd test network', $_SERVER['REQUEST_URI'], false);
        if (is_wp_error($result)) {
            fwrite(STDERR, 'Could not make the network: ' . $result->get_error_message() . "\n");
            exit(3);
        }
        file_put_contents($params['result'], '{}');
        """;

    /// <summary>Run once wp-config.php says MULTISITE: adds the second site, a post and an upload in it, and an option holding its URL.</summary>
    public const string SecondSite = Request + """
        define('DISABLE_WP_CRON', true);
        require $params['root'] . '/wp-load.php';
        add_filter('pre_http_request', fn () => new WP_Error('http_request_failed', 'No network in tests.'), 1);
        add_filter('pre_wp_mail', '__return_true', 1);
        $id = wpmu_create_blog($_SERVER['HTTP_HOST'], $_SERVER['REQUEST_URI'] . $params['slug'] . '/', 'Second site', $params['adminId']);
        if (is_wp_error($id)) {
            fwrite(STDERR, 'Could not add the second site: ' . $id->get_error_message() . "\n");
            exit(3);
        }
        switch_to_blog($id);
        $post = wp_insert_post(['post_title' => 'A post of the second site', 'post_content' => '<p>Second.</p>', 'post_status' => 'publish', 'post_author' => $params['adminId']], true);
        if (is_wp_error($post)) {
            fwrite(STDERR, 'Could not add a post: ' . $post->get_error_message() . "\n");
            exit(3);
        }
        $url = get_option('siteurl');
        update_option('backupd_serialized', ['home' => $url . '/shop', 'nested' => ['logo' => $url . '/logo.png']]);
        $uploads = wp_upload_dir();
        file_put_contents($uploads['path'] . '/second.txt', "A file of the second site\n");
        file_put_contents($params['result'], json_encode(['id' => $id, 'url' => $url, 'postId' => $post, 'uploadPath' => $uploads['path'] . '/second.txt'], JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES));
        """;
}
