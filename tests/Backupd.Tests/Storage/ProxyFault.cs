namespace Backupd.Tests.Storage;

/// <summary>What <see cref="S3FaultProxy"/> does with a request.</summary>
public enum ProxyFault
{
    /// <summary>Forward it to s3rver.</summary>
    None,

    /// <summary>Answer 500 InternalError, as S3 does now and then.</summary>
    InternalError,

    /// <summary>Take part of the body, then reset the connection.</summary>
    ResetConnection,

    /// <summary>Take the body and never answer.</summary>
    Hang,

    /// <summary>Forward it with one byte of the body flipped, as a faulty network card might.</summary>
    CorruptBody,

    /// <summary>Answer 403 AccessDenied, as a store does to a key without the permission; aborts included.</summary>
    AccessDenied,
}
