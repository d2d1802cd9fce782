namespace Backupd.Dashboard;

/// <summary>The dashboard's sign-in: a cookie of its own, apart from the API's bearer tokens.</summary>
public static class DashboardAuth
{
    /// <summary>The cookie authentication scheme.</summary>
    public const string Scheme = "DashboardCookie";

    /// <summary>The policy every page but the sign-in page requires: a signed-in admin.</summary>
    public const string Policy = "dashboard-admin";

    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "backupd-session";

    /// <summary>The claim naming the session, so signing out ends it in every open tab.</summary>
    public const string SessionClaim = "backupd:session";

    /// <summary>The claim holding when the session ends (Unix seconds).</summary>
    public const string ExpiresClaim = "backupd:session-expires";

    /// <summary>The sign-in page.</summary>
    public const string SignInPath = "/signin";

    /// <summary>Where the sign-in form posts.</summary>
    public const string SignInAction = "/auth/signin";

    /// <summary>Where the sign-out form posts.</summary>
    public const string SignOutAction = "/auth/signout";
}
