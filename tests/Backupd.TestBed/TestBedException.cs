namespace Backupd.TestBed;

/// <summary>The machine cannot provide what a test needs: a program is missing or a server or tool failed.</summary>
public class TestBedException : Exception
{
    public TestBedException(string message)
        : base(message)
    {
    }

    public TestBedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
