using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Backupd.Master.Persistence;

/// <summary>One versioned SQL script from <c>silo-config/sql/&lt;engine&gt;/NNNN-name.sql</c>.</summary>
/// <param name="Version">The number the file name starts with.</param>
/// <param name="Name">The file name.</param>
/// <param name="Sql">The script.</param>
public sealed partial record SchemaMigration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the script, recorded when applied so that later edits are noticed.</summary>
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

    /// <summary>Loads the scripts embedded under <c>&lt;engine&gt;/</c>, ordered by version.</summary>
    public static IReadOnlyList<SchemaMigration> LoadEmbedded(string engine)
    {
        var assembly = typeof(SchemaMigration).Assembly;
        var prefix = engine + "/";
        var migrations = new List<SchemaMigration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var name = resource[prefix.Length..];
            var match = FileName().Match(name);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Schema script '{name}' must be named NNNN-description.sql.");
            }

            migrations.Add(new SchemaMigration(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), name, Read(assembly, resource)));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two schema scripts share version {duplicate.Key}: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        }

        return [.. migrations.OrderBy(m => m.Version)];
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(\d{4})-[a-z0-9-]+\.sql$")]
    private static partial Regex FileName();
}
