using System.Diagnostics;
using System.Globalization;
using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Commands.Archive;

/// <summary>
/// What the asynchronous archive-push and archive-get share: starting the background worker and the spool status files
/// (<c>&lt;wal&gt;.ok</c>, <c>&lt;wal&gt;.error</c>, <c>global.error</c>: first line a code, then the message), in pgBackRest's format.
/// </summary>
internal static class SpoolStatus
{
    public const string GlobalError = "global.error";

    /// <summary>Starts this program again, detached, with <paramref name="variable"/> set: the worker role.</summary>
    public static void StartWorker(string variable, string value)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? PgRestVersion.Executable) { UseShellExecute = false };
        foreach (var argument in Environment.GetCommandLineArgs().Skip(1))
            start.ArgumentList.Add(argument);
        start.Environment[variable] = value;
        using var process = Process.Start(start);
    }

    public static (int Code, string Message) Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return (0, "");
        }

        if (text.Length == 0)
            return (0, "");
        var newline = text.IndexOf('\n');
        var codeText = newline < 0 ? text : text[..newline];
        var message = newline < 0 ? "" : text[(newline + 1)..].Trim();
        return int.TryParse(codeText.Trim(), CultureInfo.InvariantCulture, out var code)
            ? (code, message)
            : ((int)ErrorCode.Format, $"invalid status file '{path}': {text.Trim()}");
    }

    /// <summary>The error a status file records, as the exception the foreground reports to PostgreSQL.</summary>
    public static PgRestException ToException(string path)
    {
        var (code, message) = Read(path);
        return new PgRestException(Enum.IsDefined((ErrorCode)code) ? (ErrorCode)code : ErrorCode.Unknown, message);
    }

    /// <summary>Status files appear whole: written to a temp name, then renamed.</summary>
    public static void Write(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        var temp = path + ".pgbackrest.tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
