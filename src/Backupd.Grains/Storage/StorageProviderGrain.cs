using Backupd.Contracts;
using Backupd.Contracts.Storage;
using Backupd.Grains.Secrets;

namespace Backupd.Grains.Storage;

/// <inheritdoc cref="IStorageProviderGrain"/>
public sealed class StorageProviderGrain(
    [PersistentState("provider", StorageNames.Master)] IPersistentState<StorageProviderState> provider,
    ISecretCipher cipher,
    IProviderIndex index,
    TimeProvider time) : Grain, IStorageProviderGrain
{
    private StorageProviderState State => provider.State;

    private StorageProviderDefinition? Definition => provider.RecordExists ? State.Definition : null;

    private string ProviderId => this.GetPrimaryKeyString();

    public async Task<StorageProviderSummary> CreateAsync(StorageProviderDefinition definition)
    {
        if (Definition is not null)
        {
            throw new InvalidOperationException($"Provider {ProviderId} already exists.");
        }

        State.CreatedAt = time.GetUtcNow();
        Store(definition, keepMissingCredentials: false);
        await SaveAsync();
        return Summary();
    }

    public async Task<StorageProviderSummary?> UpdateAsync(StorageProviderDefinition definition)
    {
        if (Definition is null)
        {
            return null;
        }

        Store(definition, keepMissingCredentials: definition.Type == Definition.Type);
        State.UpdatedAt = time.GetUtcNow();
        await SaveAsync();
        return Summary();
    }

    public async Task<bool> DeleteAsync()
    {
        if (Definition is null)
        {
            return false;
        }

        await provider.ClearStateAsync();
        await index.RemoveAsync(ProviderId);
        return true;
    }

    public Task<StorageProviderSummary?> GetAsync() => Task.FromResult(Definition is null ? null : Summary());

    public Task<StorageTargetSettings?> GetTargetSettingsAsync()
    {
        if (Definition is not { } d)
        {
            return Task.FromResult<StorageTargetSettings?>(null);
        }

        var s3 = d.S3 is { } location
            ? location with { AccessKeyId = Open(State.EncryptedAccessKeyId), SecretAccessKey = Open(State.EncryptedSecretAccessKey) }
            : null;
        return Task.FromResult<StorageTargetSettings?>(new StorageTargetSettings(ProviderId, d.Type, d.Path, d.Prefix, s3));
    }

    public async Task<SecretsReencryption> ReencryptSecretsAsync()
    {
        var tokens = new SecretTokens(cipher);
        State.EncryptedAccessKeyId = tokens.Reencrypt(State.EncryptedAccessKeyId);
        State.EncryptedSecretAccessKey = tokens.Reencrypt(State.EncryptedSecretAccessKey);
        if (tokens.Reencrypted > 0)
        {
            await SaveAsync();
        }

        return new SecretsReencryption(tokens.Reencrypted, tokens.Unreadable);
    }

    public Task<int> CountUnreadableSecretsAsync()
    {
        var tokens = new SecretTokens(cipher);
        tokens.Check(State.EncryptedAccessKeyId);
        tokens.Check(State.EncryptedSecretAccessKey);
        return Task.FromResult(tokens.Unreadable);
    }

    public Task ReindexAsync() => Definition is null ? index.RemoveAsync(ProviderId) : index.UpsertAsync(Summary(), StateVersion);

    // The state first, then its index row: a crash between the two leaves a row older than the
    // state, which the master re-indexes at its next start.
    private async Task SaveAsync()
    {
        await provider.WriteStateAsync();
        await index.UpsertAsync(Summary(), StateVersion);
    }

    private long StateVersion => Indexing.StateVersion.Of(provider);

    private void Store(StorageProviderDefinition definition, bool keepMissingCredentials)
    {
        if (definition.S3 is { } s3)
        {
            State.EncryptedAccessKeyId = s3.AccessKeyId is { } id ? cipher.Encrypt(id) : keepMissingCredentials ? State.EncryptedAccessKeyId : null;
            State.EncryptedSecretAccessKey = s3.SecretAccessKey is { } secret ? cipher.Encrypt(secret) : keepMissingCredentials ? State.EncryptedSecretAccessKey : null;
            definition = definition with { S3 = s3 with { AccessKeyId = null, SecretAccessKey = null } };
        }
        else
        {
            State.EncryptedAccessKeyId = null;
            State.EncryptedSecretAccessKey = null;
        }

        State.Definition = definition;
    }

    private string? Open(string? token) => token is null ? null : cipher.Decrypt(token);

    private StorageProviderSummary Summary()
    {
        var d = Definition!;
        return new StorageProviderSummary(ProviderId, d.Name, d.Type, d.Path, d.Prefix, State.CreatedAt,
            d.S3?.Endpoint, d.S3?.Region, d.S3?.Bucket, d.S3?.ForcePathStyle ?? false,
            State.EncryptedAccessKeyId is not null, State.EncryptedSecretAccessKey is not null, State.UpdatedAt);
    }
}
