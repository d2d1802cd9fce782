using Backupd.TestBed;

namespace Backupd.Tests.Secrets;

/// <summary>
/// Python's <c>cryptography.fernet</c>, the reference our tokens must interoperate with. A
/// missing package fails the test that needs it, with how to install it: skipping would hide
/// that interoperability went untested.
/// </summary>
internal static class PythonFernet
{
    private const string InstallHint = "apt-get install python3-cryptography";

    // Debian's python3 carries the pinned python3-cryptography (ops/install-test-deps.sh);
    // another python3 first on PATH (pyenv, a venv) has whatever cryptography it happens to have.
    private const string DebianPython = "/usr/bin/python3";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A key from <c>Fernet.generate_key()</c>.</summary>
    public static Task<string> GenerateKeyAsync() =>
        RunAsync("import sys; from cryptography.fernet import Fernet; sys.stdout.write(Fernet.generate_key().decode())");

    /// <summary>A token Python makes for <paramref name="plaintext"/>.</summary>
    public static Task<string> EncryptAsync(string key, byte[] plaintext) =>
        RunAsync(
            "import sys; from cryptography.fernet import Fernet; sys.stdout.write(Fernet(sys.argv[1]).encrypt(bytes.fromhex(sys.argv[2])).decode())",
            key,
            Convert.ToHexString(plaintext));

    /// <summary>What Python decrypts <paramref name="token"/> to, with no time-to-live.</summary>
    public static async Task<byte[]> DecryptAsync(string key, string token) =>
        Convert.FromHexString(await RunAsync(
            "import sys; from cryptography.fernet import Fernet; sys.stdout.write(Fernet(sys.argv[1]).decrypt(sys.argv[2]).hex())",
            key,
            token));

    private static async Task<string> RunAsync(string script, params string[] arguments)
    {
        var python = File.Exists(DebianPython)
            ? DebianPython
            : throw new MissingProgramException("python3", $"{DebianPython} is missing. Install it with `{InstallHint}`; {RequiredProgram.InstallEverything}.");
        var result = await ProcessRunner.RunAsync(python, ["-c", script, .. arguments], Timeout);
        if (result.ExitCode != 0 && result.StandardError.Contains("No module named 'cryptography", StringComparison.Ordinal))
        {
            Assert.Fail($"{DebianPython} cannot import cryptography, which the Fernet interoperability tests need. Install it with `{InstallHint}`; {RequiredProgram.InstallEverything}.");
        }

        return result.EnsureSuccess("running Python's cryptography.fernet").StandardOutput.Trim();
    }
}
