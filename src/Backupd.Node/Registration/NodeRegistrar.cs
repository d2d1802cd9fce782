using Backupd.Node.Identity;
using Microsoft.Extensions.Logging;

namespace Backupd.Node.Registration;

/// <summary>
/// Registers a node that has no identity: makes its key, shows a code, waits for an admin to
/// approve it, and stores the API key and certificate it then receives (the private key never
/// leaves the node). A code that expires is replaced by a new one.
/// </summary>
public sealed partial class NodeRegistrar(
    MasterRegistrationClient master,
    NodeIdentityStore store,
    TimeProvider time,
    ILogger<NodeRegistrar> logger)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>Runs until the node is approved; returns its stored identity.</summary>
    public async Task<NodeIdentity> RegisterAsync(CancellationToken cancellationToken)
    {
        var hostname = Environment.MachineName;
        var key = NodeKey.Create();
        while (true)
        {
            var (code, secret) = await ReserveCodeAsync(hostname, key, cancellationToken);
            await Console.Out.WriteLineAsync($"Registration code: {code} — approve it on the master (Nodes → Approve, or POST /api/v1/nodes/approve).");
            LogWaiting(code);

            while (true)
            {
                await Task.Delay(PollInterval, time, cancellationToken);
                var poll = await DeferredAsync(() => master.PollAsync(code, secret, cancellationToken), cancellationToken);
                if (poll is { State: RegistrationPollState.Approved, Approval: { } approval })
                {
                    NodeIdentity identity;
                    try
                    {
                        identity = NodeIdentityStore.Checked(new NodeIdentity(poll.NodeId!, approval.ApiKey, approval.NodeApiUrl,
                            approval.Certificate.CertificatePem, key.PrivateKeyPem, approval.Certificate.AuthorityPem));
                    }
                    catch (Exception ex) when (ex is InvalidDataException or System.Security.Cryptography.CryptographicException)
                    {
                        throw new InvalidOperationException(
                            $"The master approved code {code}, but the certificate it sent is not one for this node's key ({ex.Message}). Delete the node on the master and restart this node.", ex);
                    }

                    await store.SaveAsync(identity, cancellationToken);
                    using var authority = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(identity.AuthorityPem);
                    LogApproved(identity.NodeId, store.FilePath, authority.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256));
                    return identity;
                }

                if (poll.State == RegistrationPollState.AlreadyClaimed)
                {
                    throw new InvalidOperationException(
                        $"The master already handed out the API key and certificate for code {code}, but this node did not store them. Delete the node on the master and restart this node.");
                }

                if (poll.State == RegistrationPollState.Expired)
                {
                    LogExpired(code);
                    break;
                }
            }
        }
    }

    private async Task<(string Code, string Secret)> ReserveCodeAsync(string hostname, NodeKey key, CancellationToken cancellationToken)
    {
        while (true)
        {
            var code = RegistrationCode.New();
            var secret = RegistrationCode.NewSecret();
            if (await DeferredAsync(() => master.RegisterAsync(hostname, code, secret, key.CertificateRequestPem, cancellationToken), cancellationToken))
            {
                return (code, secret);
            }
        }
    }

    // The master's brakes (too many registrations from this address, or pending in all) are not an
    // error for a node: it waits as long as asked and tries again, saying why.
    private async Task<T> DeferredAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RegistrationDeferredException deferred)
            {
                // At most two minutes: an admin who deletes stale registrations frees a place long
                // before the master's estimate, and 30 tries an hour stay inside the hourly limit.
                var wait = TimeSpan.FromTicks(Math.Clamp(deferred.RetryAfter.Ticks, TimeSpan.TicksPerSecond, 2 * TimeSpan.TicksPerMinute));
                LogDeferred(deferred.Detail, (int)wait.TotalSeconds);
                await Task.Delay(wait, time, cancellationToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "The master held the registration back: {Reason} Trying again in {Seconds} s")]
    private partial void LogDeferred(string reason, int seconds);

    [LoggerMessage(LogLevel.Information, "Waiting for an admin to approve registration code {Code}")]
    private partial void LogWaiting(string code);

    [LoggerMessage(LogLevel.Information, "Approved as node {NodeId}; identity stored in {IdentityFile}. The master's node CA is {CaFingerprint} (SHA-256; GET /api/v1/system on the master shows its own)")]
    private partial void LogApproved(string nodeId, string identityFile, string caFingerprint);

    [LoggerMessage(LogLevel.Warning, "Registration code {Code} expired before approval; registering a new one")]
    private partial void LogExpired(string code);
}
