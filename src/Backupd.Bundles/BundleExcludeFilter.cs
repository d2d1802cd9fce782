namespace Backupd.Bundles;

/// <summary>
/// Glob patterns, relative to a tree's root, for what <see cref="BundleWriter.AddTreeAsync"/> leaves out.
/// <c>*</c> and <c>?</c> match within one name, a <c>**</c> segment matches any number of names (zero
/// included, so <c>uploads/big/**</c> leaves out <c>uploads/big</c> itself). A pattern without a slash
/// matches a name at any depth (<c>cache</c>, <c>*.log</c>); one with a slash is anchored at the root
/// (a leading <c>/</c> only anchors); a trailing <c>/</c> matches directories only.
/// </summary>
public sealed class BundleExcludeFilter
{
    private readonly IReadOnlyList<Pattern> _patterns;

    private BundleExcludeFilter(IReadOnlyList<Pattern> patterns) => _patterns = patterns;

    /// <summary>Parses the patterns; an empty one is refused because it would silently match nothing.</summary>
    public static BundleExcludeFilter Parse(IReadOnlyList<string> patterns, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(patterns, parameterName);
        var parsed = new List<Pattern>(patterns.Count);
        foreach (var text in patterns)
        {
            var trimmed = text?.Trim() ?? "";
            var segments = trimmed.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
            if (segments.Length == 0)
            {
                throw new ArgumentException($"Exclude pattern '{text}' is empty.", parameterName);
            }

            var anchored = trimmed.TrimEnd('/').Contains('/', StringComparison.Ordinal);
            parsed.Add(new Pattern(segments, anchored, DirectoryOnly: trimmed.EndsWith('/')));
        }

        return new BundleExcludeFilter(parsed);
    }

    /// <summary>Whether the entry at <paramref name="relativePath"/> (slash-separated) is left out.</summary>
    public bool Excludes(string relativePath, bool isDirectory)
    {
        if (_patterns.Count == 0)
        {
            return false;
        }

        var names = relativePath.Split('/');
        foreach (var pattern in _patterns)
        {
            if (pattern.DirectoryOnly && !isDirectory)
            {
                continue;
            }

            // Unanchored patterns only need the last name: the walk asks again at every depth.
            var matched = pattern.Anchored
                ? MatchSegments(pattern.Segments, names)
                : MatchName(pattern.Segments[0], names[^1]);
            if (matched)
            {
                return true;
            }
        }

        return false;
    }

    private static bool MatchSegments(ReadOnlySpan<string> pattern, ReadOnlySpan<string> names)
    {
        if (pattern.IsEmpty)
        {
            return names.IsEmpty;
        }

        if (pattern[0] == "**")
        {
            for (var skipped = 0; skipped <= names.Length; skipped++)
            {
                if (MatchSegments(pattern[1..], names[skipped..]))
                {
                    return true;
                }
            }

            return false;
        }

        return !names.IsEmpty && MatchName(pattern[0], names[0]) && MatchSegments(pattern[1..], names[1..]);
    }

    // Classic wildcard match with one backtrack point for the last '*': linear for the patterns people write.
    private static bool MatchName(string pattern, string name)
    {
        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]) && pattern[p] != '*')
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starN = n;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                n = ++starN;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private sealed record Pattern(string[] Segments, bool Anchored, bool DirectoryOnly);
}
