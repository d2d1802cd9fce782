using System.Text.RegularExpressions;

namespace Backupd.Master.Application.Nodes;

/// <summary>The 5-character code a node shows while it waits for approval.</summary>
public static partial class RegistrationCode
{
    /// <summary>The characters a code is made of: no 0/O, 1/I/L look-alikes.</summary>
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    /// <summary>Whether <paramref name="code"/> is a code, in either case.</summary>
    public static bool IsValid(string? code) => code is not null && Pattern().IsMatch(code.ToUpperInvariant());

    [GeneratedRegex("^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}$")]
    private static partial Regex Pattern();
}
