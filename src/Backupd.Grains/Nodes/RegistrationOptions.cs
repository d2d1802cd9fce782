namespace Backupd.Grains.Nodes;

/// <summary>How node registration behaves.</summary>
public sealed class RegistrationOptions
{
    /// <summary>How long a code waits for approval. Long enough to walk to the dashboard, short enough that a stray code dies.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
