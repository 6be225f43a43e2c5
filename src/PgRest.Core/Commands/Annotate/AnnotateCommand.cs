using PgRest.Commands.Control;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Json;
using PgRest.Logging;
using PgRest.Repository;
using PgRest.Config;

namespace PgRest.Commands.Annotate;

/// <summary>
/// <c>annotate --set=&lt;label&gt; --annotation=key=value…</c>: adds or replaces annotations of a backup; an empty value
/// removes the key. Works on every repository holding the backup (or only <c>--repo</c>). As in pgBackRest 2.45 only
/// backup.info (+copy) is rewritten: the manifest keeps the annotations given at backup time, and info reads
/// backup.info.
/// </summary>
public static class AnnotateCommand
{
    public static async Task<int> RunAsync(CommandContext context)
    {
        var config = context.Config;
        var stanza = context.Stanza;
        var label = config.Find(Options.Set) ?? throw new PgRestException(ErrorCode.OptionRequired, "annotate command requires option: set");
        if (!BackupLabels.IsLabel(label))
            throw new PgRestException(ErrorCode.OptionInvalidValue, $"'{label}' is not a valid backup label format");
        var changes = config.Get(Options.Annotation);

        var processed = 0;
        var errors = 0;
        foreach (var repo in context.Repos)
        {
            try
            {
                var backupInfo = await BackupStore.LoadInfoAsync(repo, stanza, context.Cancellation).ConfigureAwait(false);
                if (!backupInfo.Current.TryGetValue(label, out var entry))
                    continue;

                processed++;
                Log.Info($"backup set '{label}' to annotate found in {repo.Name}");
                Apply(entry, changes);
                await BackupStore.SaveInfoAsync(repo, stanza, backupInfo, context.Cancellation).ConfigureAwait(false);
            }
            catch (PgRestException e)
            {
                // One unreadable repository must not keep the others from being annotated.
                Log.Error($"[{e.ExitCode:000}]: {repo.Name}: {e.Message}");
                errors++;
            }
        }

        if (errors > 0)
            throw new PgRestException(ErrorCode.Command, $"annotate command encountered {errors} error(s), check the log file for details");
        if (processed == 0)
            throw new PgRestException(ErrorCode.BackupSetInvalid, "no backup set to annotate found");
        return 0;
    }

    /// <summary>Merges <paramref name="changes"/> into the entry's annotations; the field goes away when none are left.</summary>
    internal static void Apply(BackupInfoEntry entry, IReadOnlyDictionary<string, string> changes)
    {
        var annotation = entry.Annotation is null
            ? new SortedDictionary<string, string>(Utf8Ordinal.Comparer)
            : new SortedDictionary<string, string>(entry.Annotation, Utf8Ordinal.Comparer);
        foreach (var (key, value) in changes)
        {
            if (value.Length == 0)
                annotation.Remove(key);
            else
                annotation[key] = value;
        }

        entry.Annotation = annotation.Count == 0 ? null : annotation;
    }
}
