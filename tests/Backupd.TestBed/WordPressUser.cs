namespace Backupd.TestBed;

/// <summary>A WordPress user account and the password it was given.</summary>
public sealed record WordPressUser(long Id, string Login, string Password, string Email, string Role);
