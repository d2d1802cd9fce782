namespace Backupd.TestBed;

/// <summary>A test server did not become ready; the message carries the tail of its output.</summary>
public sealed class ServerStartException : TestBedException
{
    public ServerStartException(string server, string reason, string output, Exception? innerException = null)
        : base($"{server} did not start: {reason}. Last output:\n{output}", innerException)
    {
        Server = server;
        Output = output;
    }

    /// <summary>The server's name, such as <c>mariadbd</c>.</summary>
    public string Server { get; }

    /// <summary>The last lines the server wrote to stdout and stderr.</summary>
    public string Output { get; }

    /// <summary>Whether the server gave up because its port was taken, so another port is worth a try.</summary>
    public bool AddressInUse
    {
        get
        {
            // mariadbd reports the C library's text, Node its error code.
            return Output.Contains("Address already in use", StringComparison.Ordinal)
                || Output.Contains("EADDRINUSE", StringComparison.Ordinal);
        }
    }
}
