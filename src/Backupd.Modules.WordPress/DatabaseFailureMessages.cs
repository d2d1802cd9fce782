namespace Backupd.Modules.WordPress;

/// <summary>What to tell the user for each way connecting to a site's database fails; never the password.</summary>
internal static class DatabaseFailureMessages
{
    private const string Fix = "in wp-config.php, or the job's `db` override";

    public static string For(DatabaseFailure failure, DatabaseConnectionSettings settings, string detail) => failure switch
    {
        DatabaseFailure.AccessDenied =>
            $"The database server at {settings.Endpoint} refused user '{settings.User}' with the password given (error 1045). Check DB_PASSWORD (and DB_USER) {Fix}.",
        DatabaseFailure.DatabaseAccessDenied =>
            $"User '{settings.User}' may not use database '{settings.Database}' on {settings.Endpoint}, or it does not exist (error 1044). Check DB_NAME {Fix}, and that the user holds privileges on that database.",
        DatabaseFailure.UnknownDatabase =>
            $"Database '{settings.Database}' does not exist on {settings.Endpoint} (error 1049). Check DB_NAME {Fix}.",
        DatabaseFailure.CannotConnect =>
            $"Could not connect to the database server at {settings.Endpoint}: {detail}. Check DB_HOST {Fix}, and that the server is running.",
        _ =>
            $"Reading database '{settings.Database}' on {settings.Endpoint} as user '{settings.User}' failed: {detail}",
    };

    /// <summary>Replaces the password with *** wherever a tool or server repeated it.</summary>
    public static string Scrub(string text, string password) =>
        password.Length >= 4 ? text.Replace(password, "***", StringComparison.Ordinal) : text;
}
