namespace Backupd.Grains.Nodes;

/// <summary>How node registration behaves.</summary>
public sealed class RegistrationOptions
{
    /// <summary>How long a code waits for approval. Long enough to walk to the dashboard, short enough that a stray code dies.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Registrations waiting for approval from one address (an IPv6 /64): a fleet roll-out behind one NAT, not a flood.</summary>
    public int MaxPendingPerAddress { get; set; } = 10;

    /// <summary>Registrations waiting for approval in all.</summary>
    public int MaxPending { get; set; } = 200;
}
