namespace Backupd.Master.Brakes;

/// <summary>The rate-limiting policies of the routes anyone can call, each counted per address.</summary>
public static class BrakePolicies
{
    /// <summary>Token requests (the admin login): <c>BACKUPD_LOGIN_ATTEMPTS_PER_MINUTE</c>.</summary>
    public const string Login = "login";

    /// <summary>Node registrations: <c>BACKUPD_REGISTRATIONS_PER_HOUR</c>.</summary>
    public const string Registration = "registration";

    /// <summary>A registering node asking whether it was approved (every 2 s while it waits).</summary>
    public const string RegistrationStatus = "registration-status";

    /// <summary>Registration status checks one address may make per minute: a dozen nodes registering at once behind one NAT.</summary>
    public const int RegistrationStatusPerMinute = 600;
}
