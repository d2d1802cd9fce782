using System.Security.Cryptography;

namespace Backupd.Grains.Secrets;

/// <summary>What every secret holder does to its stored tokens, written once.</summary>
public sealed class SecretTokens(ISecretCipher cipher)
{
    private int _reencrypted;
    private int _unreadable;

    /// <summary>How many tokens were re-encrypted so far.</summary>
    public int Reencrypted => _reencrypted;

    /// <summary>How many tokens no configured key opened so far.</summary>
    public int Unreadable => _unreadable;

    /// <summary>The token made with the current key (the same one when it already was); an unreadable one is kept as it is.</summary>
    public string? Reencrypt(string? token)
    {
        if (token is null || cipher.IsCurrent(token))
        {
            return token;
        }

        try
        {
            var renewed = cipher.Encrypt(cipher.Decrypt(token));
            _reencrypted++;
            return renewed;
        }
        catch (CryptographicException)
        {
            _unreadable++;
            return token;
        }
    }

    /// <summary>Counts <paramref name="token"/> as unreadable when no configured key opens it; returns it unchanged.</summary>
    public string? Check(string? token)
    {
        if (token is not null && !cipher.IsCurrent(token))
        {
            try
            {
                cipher.Decrypt(token);
            }
            catch (CryptographicException)
            {
                _unreadable++;
            }
        }

        return token;
    }
}
