namespace Backupd.Modules.WordPress;

/// <summary>Combines what wp-config.php says with the job's <c>db</c> override.</summary>
internal static class WordPressDatabaseSettings
{
    /// <summary>
    /// The connection the dump uses. An override socket replaces host and port; an override
    /// host or port replaces the socket.
    /// </summary>
    public static DatabaseConnectionSettings Resolve(WordPressConfig site, WordPressDatabaseOverride? db)
    {
        var settings = site.ToConnectionSettings();
        if (db is null)
        {
            return settings;
        }

        var endpoint = settings.Endpoint;
        if (db.Socket is { } socket)
        {
            endpoint = new DatabaseEndpoint(DatabaseEndpoint.Localhost, null, socket);
        }
        else if (db.Host is not null || db.Port is not null)
        {
            endpoint = new DatabaseEndpoint(db.Host ?? endpoint.Host, db.Port ?? endpoint.Port, null);
        }

        return settings with
        {
            Endpoint = endpoint,
            Database = db.Name ?? settings.Database,
            User = db.User ?? settings.User,
            Password = db.Password ?? settings.Password,
        };
    }
}
