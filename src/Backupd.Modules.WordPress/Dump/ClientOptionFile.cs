using System.Security.Cryptography;
using System.Text;

namespace Backupd.Modules.WordPress.Dump;

/// <summary>
/// A MySQL client option file holding only the password, so it never appears in a command line
/// or environment that other users can read from /proc. It lives alone in a fresh 0700 directory,
/// which also serves the dump program as HOME; both go when disposed.
/// </summary>
internal sealed class ClientOptionFile : IAsyncDisposable
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private ClientOptionFile(string directory)
    {
        DirectoryPath = directory;
        Path = System.IO.Path.Combine(directory, "client.cnf");
    }

    /// <summary>The option file.</summary>
    public string Path { get; }

    /// <summary>The directory holding it and nothing else.</summary>
    public string DirectoryPath { get; }

    public static async Task<ClientOptionFile> CreateAsync(string workDirectory, string password, CancellationToken cancellationToken)
    {
        if (password.Contains('\0', StringComparison.Ordinal))
        {
            throw new DatabaseDumpException(DatabaseFailure.Other, "The database password contains a NUL character, which MySQL clients cannot be given. Change the password.");
        }

        var directory = System.IO.Path.Combine(workDirectory, $"mysqldump-{RandomNumberGenerator.GetHexString(16, lowercase: true)}");
        Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        var file = new ClientOptionFile(directory);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile };
            await using var stream = new FileStream(file.Path, options);
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"[client]\npassword=\"{Escape(password)}\"\n"), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return file;
    }

    /// <summary>Deletes the file as soon as it has been read; harmless when it is already gone.</summary>
    public void Delete() => File.Delete(Path);

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(DirectoryPath))
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    // Inside double quotes the option file reader keeps # and ' as they are and undoes these
    // escapes; the quotes also keep leading and trailing spaces.
    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            escaped.Append(c switch
            {
                '\\' => @"\\",
                '"' => "\\\"",
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                '\b' => @"\b",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
