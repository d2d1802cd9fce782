namespace Backupd.Contracts.Nodes;

/// <summary>How a registration, approval or key claim went.</summary>
[GenerateSerializer, Alias("backupd.nodes.RegistrationOutcome")]
public enum RegistrationOutcome
{
    /// <summary>It worked.</summary>
    Ok = 0,

    /// <summary>Not approved yet; ask again later.</summary>
    Pending = 1,

    /// <summary>No pending registration has this code.</summary>
    UnknownCode = 2,

    /// <summary>The code expired before it was approved.</summary>
    Expired = 3,

    /// <summary>The code was already approved, or the key already handed out.</summary>
    AlreadyUsed = 4,

    /// <summary>Another pending registration holds this code.</summary>
    CodeInUse = 5,

    /// <summary>The registration secret does not match.</summary>
    WrongSecret = 6,

    /// <summary>The address already has as many pending registrations as one address may.</summary>
    TooManyFromAddress = 7,

    /// <summary>The master already holds as many pending registrations as it takes.</summary>
    TooManyPending = 8,
}
