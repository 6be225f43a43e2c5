namespace PgRest.Errors;

/// <summary>An error the user sees as <c>ERROR: [NNN]: message</c>; the process exits with <see cref="Code"/>.</summary>
public sealed class PgRestException : Exception
{
    public PgRestException(ErrorCode code, string message, Exception? inner = null) : base(message, inner) => Code = code;

    public ErrorCode Code { get; }

    /// <summary>
    /// The error is about reaching a repository host (connection, version, access, its lock), not about a file in the
    /// repository: callers that explain a file they could not load pass it on unchanged.
    /// </summary>
    public bool Reaching { get; init; }

    public int ExitCode => (int)Code;

    /// <summary>pgBackRest's error type name, e.g. <c>ArchiveMismatchError</c>.</summary>
    public string TypeName => Code + "Error";
}
