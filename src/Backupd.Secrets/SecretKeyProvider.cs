using Microsoft.Extensions.Hosting;

namespace Backupd.Secrets;

/// <summary>Loads the master's keys as the host starts and hands out the ring afterwards.</summary>
/// <remarks>
/// It loads in <see cref="StartingAsync"/>, which the host runs before any service's
/// <c>StartAsync</c>, so the keys are there before the silo activates a grain that needs them,
/// whatever the order of registration, and a bad key stops the start before a port opens.
/// </remarks>
public sealed class SecretKeyProvider(SecretKeyLoader loader) : IHostedLifecycleService
{
    private FernetKeyRing? _keyRing;

    /// <summary>The loaded keys.</summary>
    /// <exception cref="InvalidOperationException">The host has not started yet.</exception>
    public FernetKeyRing KeyRing => _keyRing
        ?? throw new InvalidOperationException("The secret keys are loaded when the host starts; resolve the FernetKeyRing after that.");

    public async Task StartingAsync(CancellationToken cancellationToken) => _keyRing ??= await loader.LoadAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
