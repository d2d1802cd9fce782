using System.Security.Cryptography;

namespace Backupd.Master.Security;

/// <summary>
/// A random value that only this silo process knows. Calls that start inside the silo carry it
/// in their request context; a call without it came from outside, whatever it claims.
/// </summary>
/// <remarks>
/// Orleans' gateway passes on the caller's <c>SendingGrain</c> and request context as the client
/// wrote them, so neither the source id nor any header can tell in-silo calls from gateway
/// calls. A secret the client has never seen can.
/// </remarks>
public sealed class InSiloCallProof
{
    /// <summary>The request-context key that carries the proof.</summary>
    public const string RequestContextKey = "backupd.in-silo";

    private readonly byte[] _token = RandomNumberGenerator.GetBytes(32);

    /// <summary>The value to attach to an in-silo call.</summary>
    public byte[] Token => _token;

    /// <summary>Whether a presented value is this process's proof (constant time).</summary>
    public bool Verify(object? presented) =>
        presented is byte[] { Length: 32 } bytes && CryptographicOperations.FixedTimeEquals(bytes, _token);
}
