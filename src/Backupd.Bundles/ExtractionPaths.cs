namespace Backupd.Bundles;

/// <summary>
/// Where the entries of one extraction may go: never outside the destination, never through a
/// symbolic link, and no link that resolves outside it.
/// </summary>
/// <remarks>
/// The destination starts empty, so every link in it is one this extraction makes; the links are
/// kept here and created last, once all are known, because whether one escapes can depend on
/// another (a → ".", b → "a/..": each looks harmless alone).
/// </remarks>
internal sealed class ExtractionPaths(string destination)
{
    // The kernel gives up after 40 links too; a chain that long is a loop or an attack.
    private const int MaxLinkHops = 40;

    private readonly Dictionary<string, string> _links = new(StringComparer.Ordinal);

    public string Root { get; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));

    /// <summary>Links accepted so far, by relative path, in bundle order.</summary>
    public IReadOnlyDictionary<string, string> Links => _links;

    public string FullPath(string relative) => Path.Join(Root, relative);

    /// <summary>The entry's path relative to the destination ("" for the destination itself), or a refusal.</summary>
    public string Resolve(string entryName, bool allowRoot)
    {
        if (entryName.Contains('\0', StringComparison.Ordinal))
        {
            throw new HostileBundleEntryException(entryName, "its name contains a NUL character");
        }

        if (entryName.StartsWith('/'))
        {
            throw new HostileBundleEntryException(entryName, "its path is absolute");
        }

        var segments = entryName.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Contains(".."))
        {
            throw new HostileBundleEntryException(entryName, "its path climbs out with '..'");
        }

        if (segments.Length == 0 && !allowRoot)
        {
            throw new HostileBundleEntryException(entryName, "it has no name");
        }

        var relative = string.Join('/', segments);
        var full = Path.GetFullPath(FullPath(relative));
        if (full != Root && !full.StartsWith(Root + "/", StringComparison.Ordinal))
        {
            throw new HostileBundleEntryException(entryName, "its path resolves outside the destination");
        }

        RefuseWritingThroughLinks(entryName, relative);
        return relative;
    }

    /// <summary>Records a link to create at the end, refusing targets that leave the destination.</summary>
    public void AcceptLink(string entryName, string relative, string target)
    {
        if (target.Length == 0 || target.Contains('\0', StringComparison.Ordinal))
        {
            throw new HostileBundleEntryException(entryName, "its link target is empty or contains a NUL character");
        }

        if (target.StartsWith('/'))
        {
            throw new HostileBundleEntryException(entryName, $"its link target '{target}' is absolute, so it points outside the destination");
        }

        if (!StaysInside(relative, target))
        {
            throw new HostileBundleEntryException(entryName, $"its link target '{target}' points outside the destination");
        }

        _links.Add(relative, target);
    }

    /// <summary>Checks every link again now that all are known: one may escape through a link that came after it.</summary>
    public void CheckLinks()
    {
        foreach (var (relative, target) in _links)
        {
            if (!StaysInside(relative, target))
            {
                throw new HostileBundleEntryException(relative, $"its link target '{target}' resolves outside the destination through other links");
            }
        }
    }

    private void RefuseWritingThroughLinks(string entryName, string relative)
    {
        for (var slash = relative.IndexOf('/', StringComparison.Ordinal); ; slash = relative.IndexOf('/', slash + 1))
        {
            var prefix = slash < 0 ? relative : relative[..slash];
            if (_links.ContainsKey(prefix))
            {
                throw new HostileBundleEntryException(entryName, prefix == relative
                    ? "it appears twice in the bundle"
                    : $"it would be written through the symbolic link '{prefix}'");
            }

            if (slash < 0)
            {
                return;
            }
        }
    }

    // Resolves the target as the kernel would, following the links this extraction will create.
    private bool StaysInside(string linkPath, string target)
    {
        var resolved = linkPath.Split('/').SkipLast(1).ToList();
        var remaining = new Stack<string>(target.Split('/').Reverse());
        var hops = 0;
        while (remaining.TryPop(out var segment))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (resolved.Count == 0)
                {
                    return false;
                }

                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }

            resolved.Add(segment);
            if (_links.TryGetValue(string.Join('/', resolved), out var next))
            {
                if (++hops > MaxLinkHops || next.StartsWith('/'))
                {
                    return false;
                }

                resolved.RemoveAt(resolved.Count - 1);
                foreach (var part in next.Split('/').Reverse())
                {
                    remaining.Push(part);
                }
            }
        }

        return true;
    }
}
