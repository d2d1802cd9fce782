namespace Backupd.Bundles;

/// <summary>The rules for entry names a bundle stores: relative, forward slashes, no empty, "." or ".." segments.</summary>
internal static class BundleEntryNames
{
    /// <summary>Returns <paramref name="name"/> when it is a valid entry name, else throws naming the parameter.</summary>
    public static string Validate(string name, string parameterName, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);
        if (name.Length == 0 && allowEmpty)
        {
            return name;
        }

        if (Problem(name) is { } problem)
        {
            throw new ArgumentException($"'{name}' is not a valid bundle entry name: {problem}.", parameterName);
        }

        return name;
    }

    /// <summary>Joins a prefix (possibly empty) and a relative path with one slash.</summary>
    public static string Join(string prefix, string relative) => prefix.Length == 0 ? relative : $"{prefix}/{relative}";

    private static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (name.Contains('\0', StringComparison.Ordinal))
        {
            return "it contains a NUL character";
        }

        if (name[0] == '/')
        {
            return "it must be relative (no leading '/')";
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                return "it must not contain empty, '.' or '..' segments (or a trailing '/')";
            }
        }

        return null;
    }
}
