using System.Net;
using Backupd.Grains.Auth;
using Backupd.Master.Brakes;

namespace Backupd.Master.Application.Auth;

/// <summary>
/// An admin's password checked under the brakes on guessing (<see cref="LoginThrottle"/>): the one
/// way in for both an API token and a dashboard session, so both refuse with the same words and
/// count against the same lockout.
/// </summary>
public sealed class AdminSignIn(IGrainFactory grains, LoginThrottle throttle)
{
    /// <summary>
    /// Runs <paramref name="check"/> (the account's password check) for <paramref name="user"/> from
    /// <paramref name="address"/> unless that address is locked out or the account is busy; a
    /// <c>null</c> from it is a wrong password and counts towards the lockout.
    /// </summary>
    public async Task<SignInOutcome<T>> SignInAsync<T>(string user, IPAddress address, Func<IAdminAccountGrain, Task<T?>> check, CancellationToken cancellationToken)
        where T : class
    {
        // Even the right password is refused while the address is locked out: otherwise the
        // lockout would only slow a guesser down, not stop it. Other addresses are not affected.
        if (throttle.LockedFor(address, user) is { } locked)
        {
            return SignInRefusal.LockedOut(locked);
        }

        using var turn = await throttle.TakeTurnAsync(user, cancellationToken);
        if (!turn.IsAcquired)
        {
            return SignInRefusal.Busy;
        }

        // Asked again: the address may have been locked out while this attempt waited its turn.
        if (throttle.LockedFor(address, user) is { } lockedWhileWaiting)
        {
            return SignInRefusal.LockedOut(lockedWhileWaiting);
        }

        if (await check(grains.GetGrain<IAdminAccountGrain>(user)) is not { } value)
        {
            throttle.Failed(address, user);
            return SignInRefusal.WrongCredentials;
        }

        throttle.Succeeded(address);
        return value;
    }
}

/// <summary>A sign-in's result: the value the check gave, or why it was refused.</summary>
public readonly struct SignInOutcome<T>
    where T : class
{
    private SignInOutcome(T? value, SignInRefusal? refusal)
    {
        Value = value;
        Refusal = refusal;
    }

    /// <summary>What the check gave (a token, a confirmation).</summary>
    public T? Value { get; }

    /// <summary>Why it was refused.</summary>
    public SignInRefusal? Refusal { get; }

    /// <summary>A success.</summary>
    public static implicit operator SignInOutcome<T>(T value) => new(value, null);

    /// <summary>A refusal.</summary>
    public static implicit operator SignInOutcome<T>(SignInRefusal refusal) => new(null, refusal);
}

/// <summary>Why a sign-in was refused, in the words both the API and the dashboard show.</summary>
/// <param name="Kind">What kind of refusal.</param>
/// <param name="Title">A short title.</param>
/// <param name="Detail">What happened and what to do.</param>
/// <param name="RetryAfter">When trying again can help, how long to wait first.</param>
public sealed record SignInRefusal(SignInRefusalKind Kind, string Title, string Detail, TimeSpan? RetryAfter)
{
    /// <summary>The password (or user name) is wrong.</summary>
    public static readonly SignInRefusal WrongCredentials = new(
        SignInRefusalKind.WrongCredentials,
        "Wrong user name or password",
        "The user name and password do not match an administrator. The first password is BACKUPD_ADMIN_PASSWORD or the one in <data dir>/initial-admin-password.",
        null);

    /// <summary>Too many sign-ins to the account are being checked at once.</summary>
    public static readonly SignInRefusal Busy = new(
        SignInRefusalKind.Busy,
        "Too many logins at once",
        $"More than {LoginThrottle.AccountChecksAtOnce + LoginThrottle.AccountQueue} logins to this account are being checked at once. Try again in a second.",
        TimeSpan.FromSeconds(1));

    /// <summary>The address sent too many wrong passwords in a row.</summary>
    public static SignInRefusal LockedOut(TimeSpan locked)
    {
        var seconds = (int)Math.Clamp(Math.Ceiling(locked.TotalSeconds), 1, int.MaxValue);
        return new(
            SignInRefusalKind.LockedOut,
            "Too many wrong passwords",
            $"This address sent too many wrong passwords in a row (BACKUPD_LOGIN_FAILURES_BEFORE_LOCKOUT) and is locked out. Try again in {seconds} s.",
            TimeSpan.FromSeconds(seconds));
    }
}

/// <summary>What kind of refusal a <see cref="SignInRefusal"/> is.</summary>
public enum SignInRefusalKind
{
    /// <summary>401.</summary>
    WrongCredentials,

    /// <summary>429, with a lockout.</summary>
    LockedOut,

    /// <summary>429, for a second.</summary>
    Busy,
}
