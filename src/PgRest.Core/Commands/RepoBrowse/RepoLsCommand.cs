using System.Text;
using System.Text.RegularExpressions;
using PgRest.Common;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Json;
using PgRest.Storage;
using PgRest.Config;

namespace PgRest.Commands.RepoBrowse;

/// <summary>
/// <c>repo-ls [path]</c>: lists a repository path (or describes one file as <c>.</c>) like pgBackRest 2.45: one name per
/// line, or with <c>--output=json</c> one object keyed by name with type, and size and time for files, destination
/// for links; the path itself appears as <c>"."</c>. <c>--recurse</c> lists the whole tree (a path before its content,
/// after it with <c>--sort=desc</c>); <c>--filter</c> is a regular expression matched against the listed
/// (relative) names, and for a single file against its absolute path.
/// </summary>
public static class RepoLsCommand
{
    public static async Task<int> RunAsync(CommandContext context)
    {
        var config = context.Config;
        if (config.Parameters.Count > 1)
            throw new PgRestException(ErrorCode.ParamInvalid, "only one path may be specified");

        var repo = context.TargetRepo;
        var path = config.Parameters.Count == 1 ? RepoPath.Resolve(repo, config.Parameters[0]) : "";
        var json = config.Find(Options.Output) == "json";
        var sort = config.Get(Options.Sort);
        var recurse = config.Get(Options.Recurse);
        var filter = CompileFilter(config.Find(Options.Filter));
        var cancellation = context.Cancellation;

        var output = new StringBuilder();
        var first = true;
        void Render(string name, StorageInfo info)
        {
            if (json)
            {
                if (!first)
                    output.Append(',');
                RenderJson(output, name, info);
            }
            else
            {
                output.Append(name).Append('\n');
            }

            first = false;
        }

        if (json)
            output.Append('{');

        var target = await repo.Storage.InfoAsync(path, cancellation).ConfigureAwait(false);
        if (target is { Type: StorageEntryType.File })
        {
            if (filter is null || filter.IsMatch(RepoPath.Absolute(repo, path)))
                Render(".", target);
        }
        else
        {
            // The path is reported even when missing, so storage without real paths would answer the same.
            if (json && (filter is null || filter.IsMatch(".")))
                Render(".", new StorageInfo(".", StorageEntryType.Path, 0, default));
            await foreach (var (name, info) in WalkAsync(repo.Storage, path, null, sort, recurse, filter, cancellation).ConfigureAwait(false))
                Render(name, info);
        }

        if (json)
            output.Append("}\n");

        await WriteAsync(output.ToString()).ConfigureAwait(false);
        return 0;
    }

    private static Regex? CompileFilter(string? expression)
    {
        if (expression is null)
            return null;
        try
        {
            return new Regex(expression, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new PgRestException(ErrorCode.Format, $"invalid filter expression '{expression}': {e.Message}");
        }
    }

    /// <summary>Entries below <paramref name="path"/>/<paramref name="sub"/>, named relative to <paramref name="path"/>.</summary>
    private static async IAsyncEnumerable<(string Name, StorageInfo Info)> WalkAsync(
        IStorage storage, string path, string? sub, string sort, bool recurse, Regex? filter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        var entries = await ListAsync(storage, Join(path, sub), sort, cancellation).ConfigureAwait(false);
        foreach (var entry in entries)
        {
            var name = sub is null ? entry.Name : sub + "/" + entry.Name;
            var matches = filter is null || filter.IsMatch(name);
            // Content of a path is listed even when the path itself does not match the filter.
            List<(string, StorageInfo)>? content = null;
            if (recurse && entry.Type == StorageEntryType.Path)
            {
                content = [];
                await foreach (var child in WalkAsync(storage, path, name, sort, recurse, filter, cancellation).ConfigureAwait(false))
                    content.Add(child);
            }

            if (sort == "desc" && content is not null)
            {
                foreach (var child in content)
                    yield return child;
                if (matches)
                    yield return (name, entry);
                continue;
            }

            if (matches)
                yield return (name, entry);
            if (content is not null)
            {
                foreach (var child in content)
                    yield return child;
            }
        }
    }

    private static async Task<List<StorageInfo>> ListAsync(IStorage storage, string path, string sort, CancellationToken cancellation)
    {
        var entries = new List<StorageInfo>();
        await foreach (var entry in storage.ListAsync(path, cancellation).ConfigureAwait(false))
            entries.Add(entry);
        if (sort != "none")
        {
            // Byte order of the names (strcmp), as pgBackRest sorts.
            entries.Sort((left, right) => Utf8Ordinal.Comparer.Compare(left.Name, right.Name));
            if (sort == "desc")
                entries.Reverse();
        }

        return entries;
    }

    private static string Join(string path, string? sub) => sub is null ? path : path.Length == 0 ? sub : path + "/" + sub;

    private static void RenderJson(StringBuilder output, string name, StorageInfo info)
    {
        JsonWriter.WriteString(output, name);
        output.Append(":{\"type\":\"").Append(info.Type switch
        {
            StorageEntryType.File => "file",
            StorageEntryType.Link => "link",
            _ => "path",
        }).Append('"');
        if (info.Type == StorageEntryType.File)
            output.Append(",\"size\":").Append(info.Size).Append(",\"time\":").Append(info.ModifiedTime.ToUnixTimeSeconds());
        if (info.Type == StorageEntryType.Link)
        {
            output.Append(",\"destination\":");
            JsonWriter.WriteString(output, info.LinkDestination ?? "");
        }

        output.Append('}');
    }

    private static async Task WriteAsync(string text)
    {
        try
        {
            var stdout = StandardStreams.OpenOutput();
            await using (stdout.ConfigureAwait(false))
            {
                await stdout.WriteAsync(Encoding.UTF8.GetBytes(text)).ConfigureAwait(false);
                await stdout.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The reader went away (e.g. piped into head): what it wanted it has, as with pgBackRest.
        }
    }
}
