using System.Text;
using PgRest.Common;
using PgRest.Info;
using PgRest.Json;
using PgRest.Repository;
using PgRest.Storage;
using PgRest.Config;

namespace PgRest.Commands.Report;

/// <summary><c>info</c>: stanzas, their WAL archive range and backups, as text or pgBackRest's JSON (pgbackrest-format.md, "8. info output, error & exit codes").</summary>
public static class InfoCommand
{
    public static async Task RunAsync(CommandContext context)
    {
        var config = context.Config;
        var stanzas = config.Stanza is { } stanza ? [stanza] : await ListStanzasAsync(context).ConfigureAwait(false);
        var reports = new List<StanzaReport>();
        foreach (var name in stanzas)
            reports.Add(await StanzaReport.LoadAsync(context, name).ConfigureAwait(false));

        var setFilter = config.Find(Options.Set);
        var typeFilter = config.Find(Options.Type);
        if (config.Find(Options.Output) == "prometheus")
        {
            var json = new JsonArray(reports.Select(r => (JsonValue)r.ToJson(setFilter, typeFilter)));
            var wal = await CollectWalUsageAsync(context, stanzas).ConfigureAwait(false);
            StandardStreams.Out.Write(PrometheusMetrics.Render(json, wal, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
            return;
        }

        var output = config.Find(Options.Output) == "json"
            ? JsonWriter.Write(new JsonArray(reports.Select(r => (JsonValue)r.ToJson(setFilter, typeFilter))))
            : RenderText(reports, setFilter, typeFilter);
        // As pgBackRest 2.45: the JSON ends without a newline; text names an empty repository.
        StandardStreams.Out.Write(reports.Count == 0 && config.Find(Options.Output) != "json" ? NoStanzas : output);
    }

    private const string NoStanzas = "No stanzas exist in the repository.\n";

    /// <summary>Size, count and newest modification of the stored WAL per stanza and repository; a repository that cannot be listed has none.</summary>
    private static async Task<Dictionary<(string Stanza, long RepoKey), WalUsage>> CollectWalUsageAsync(CommandContext context, IEnumerable<string> stanzas)
    {
        var usage = new Dictionary<(string Stanza, long RepoKey), WalUsage>();
        foreach (var stanza in stanzas)
        {
            foreach (var repo in context.Repos)
            {
                try
                {
                    long bytes = 0, files = 0;
                    long? newest = null;
                    var walker = new ArchiveWalker(repo, stanza, context.Cancellation);
                    foreach (var archiveId in await walker.ArchiveIdsAsync().ConfigureAwait(false))
                    {
                        List<string> paths = [RepositoryLayout.ArchiveIdPath(stanza, archiveId)];
                        paths.AddRange((await walker.SegmentDirectoriesAsync(archiveId).ConfigureAwait(false)).Select(d => walker.SegmentDirectoryPath(archiveId, d)));
                        foreach (var path in paths)
                        {
                            await foreach (var entry in repo.Storage.ListAsync(path, context.Cancellation).ConfigureAwait(false))
                            {
                                if (entry.Type != StorageEntryType.File || !(Postgres.Wal.HasSegmentPrefix(entry.Name) || Postgres.Wal.IsHistory(entry.Name)))
                                    continue;
                                (bytes, files) = (bytes + entry.Size, files + 1);
                                newest = Math.Max(newest ?? 0, entry.ModifiedTime.ToUnixTimeSeconds());
                            }
                        }
                    }

                    usage[(stanza, repo.Index)] = new WalUsage(bytes, files, newest);
                }
                catch (Errors.PgRestException)
                {
                    // info reports the repository's error in its status; the WAL figures are left out.
                }
            }
        }

        return usage;
    }

    private static async Task<List<string>> ListStanzasAsync(CommandContext context)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var repo in context.Repos)
        {
            await foreach (var entry in repo.Storage.ListAsync(RepositoryLayout.BackupRoot, context.Cancellation).ConfigureAwait(false))
            {
                if (entry.Type == StorageEntryType.Path)
                    names.Add(entry.Name);
            }
        }

        return [.. names];
    }

    private static string RenderText(IReadOnlyList<StanzaReport> reports, string? setFilter, string? typeFilter)
    {
        var text = new StringBuilder();
        foreach (var report in reports)
        {
            if (text.Length > 0)
                text.Append('\n');
            report.RenderText(text, setFilter, typeFilter);
        }

        return text.ToString();
    }
}

/// <summary>What info knows about one stanza across the repositories.</summary>
internal sealed class StanzaReport
{
    private readonly List<RepoReport> _repos = [];

    private StanzaReport(string name) => Name = name;

    public string Name { get; }

    public static async Task<StanzaReport> LoadAsync(CommandContext context, string stanza)
    {
        var report = new StanzaReport(stanza);
        var setLabel = context.Config.Find(Options.Set);
        foreach (var repo in context.Repos)
            report._repos.Add(await RepoReport.LoadAsync(context, repo, stanza, setLabel).ConfigureAwait(false));
        if (setLabel is not null && !report._repos.Any(r => r.Backups.Any(b => b.Label == setLabel)))
        {
            foreach (var repo in report._repos)
                repo.MarkBackupNotFound();
        }

        return report;
    }

    private const int DifferentAcrossRepos = 4;

    private Control.LockHolder? BackupLock => _repos.Select(r => r.BackupLock).FirstOrDefault(l => l is not null);

    /// <summary>As pgBackRest 2.48+: held, and while a backup runs its size and the part already copied.</summary>
    private JsonObject BackupLockJson()
    {
        var json = new JsonObject { { "held", BackupLock is not null } };
        if (BackupLock is { Size: { } size, SizeDone: { } done })
        {
            json.Add("size", size);
            json.Add("size-cplt", done);
        }

        return json;
    }

    private (int Code, string Message) Status()
    {
        if (_repos.Any(r => r.StatusCode == RepoReport.BackupNotFound))
            return (RepoReport.BackupNotFound, RepoReport.BackupNotFoundMessage);
        var errors = _repos.Where(r => r.StatusCode != 0).ToList();
        // A repository's own error (code 99) is "other" for the stanza; the repository keeps the cause.
        if (errors.Count == _repos.Count)
            return errors.Select(r => (r.StatusCode, r.StatusCode == RepoReport.Other ? "other" : r.StatusMessage)).First();
        if (errors.Count > 0)
            return (DifferentAcrossRepos, "different across repos");
        if (!_repos.Any(r => r.Backups.Count > 0))
            return (2, "no valid backups");
        return (0, "ok");
    }

    /// <summary>The cause of a repository's "other" error, each line under the text after its status label.</summary>
    private static void AppendCause(StringBuilder text, RepoReport repo, int indent)
    {
        if (repo.StatusCode != RepoReport.Other)
            return;
        foreach (var line in repo.StatusMessage.Split('\n'))
            text.Append(' ', indent).Append(line).Append('\n');
    }

    private string Cipher()
    {
        var ciphers = _repos.Select(r => r.Repo.EncryptedAsReported ? "aes-256-cbc" : "none").Distinct().ToList();
        return ciphers.Count == 1 ? ciphers[0] : "mixed";
    }

    private IEnumerable<(RepoReport Repo, BackupInfoEntry Backup)> Backups(string? setFilter, string? typeFilter) =>
        _repos.SelectMany(r => r.Backups.Select(b => (Repo: r, Backup: b)))
            .Where(x => setFilter is null || x.Backup.Label == setFilter)
            .Where(x => typeFilter is null || x.Backup.Type.ToText() == typeFilter)
            .OrderBy(x => x.Backup.TimestampStart).ThenBy(x => x.Backup.Label, StringComparer.Ordinal).ThenBy(x => x.Repo.Repo.Index);

    public void RenderText(StringBuilder text, string? setFilter, string? typeFilter)
    {
        var (code, message) = Status();
        text.Append("stanza: ").Append(Name).Append('\n');
        // As pgBackRest 2.45: a running backup is named inside an error's parentheses, after the status otherwise.
        var running = BackupLock switch
        {
            null => null,
            { PercentComplete: { } percent } => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"backup/expire running - {percent / 100.0:0.00}% complete"),
            _ => "backup/expire running",
        };
        text.Append("    status: ").Append(code switch
        {
            0 => running is null ? "ok" : $"ok ({running})",
            DifferentAcrossRepos => running is null ? "mixed" : $"mixed ({running})",
            _ => running is null ? $"error ({message})" : $"error ({message}, {running})",
        }).Append('\n');
        if (code == RepoReport.Other && _repos.Count == 1)
            AppendCause(text, _repos[0], "    status: ".Length);
        if (code == DifferentAcrossRepos)
        {
            foreach (var repo in _repos)
            {
                var prefix = "        " + repo.Repo.Name + ": ";
                text.Append(prefix).Append(repo.StatusCode switch { 0 => "ok", RepoReport.Other => "error (other)", _ => "error (" + repo.StatusMessage + ")" }).Append('\n');
                AppendCause(text, repo, prefix.Length);
            }
        }

        if (code is 1 && _repos.All(r => r.StatusCode != 0))
            return;

        text.Append("    cipher: ").Append(Cipher()).Append('\n');
        if (code == RepoReport.BackupNotFound)
            return;
        if (_repos.Count > 1 || Cipher() == "mixed")
        {
            foreach (var repo in _repos.Where(_ => Cipher() == "mixed"))
                text.Append("        ").Append(repo.Repo.Name).Append(": ").Append(repo.Repo.EncryptedAsReported ? "aes-256-cbc" : "none").Append('\n');
        }

        var current = _repos.FirstOrDefault(r => r.BackupInfo is not null)?.BackupInfo;
        if (current is null)
            return;
        foreach (var history in current.History.OrderByDescending(h => h.Id))
        {
            var isCurrent = history.Id == current.DbId;
            var archives = _repos.SelectMany(r => r.Archives.Where(a => a.DbId == history.Id)).ToList();
            var backups = Backups(setFilter, typeFilter).Where(x => x.Backup.DbId == history.Id).ToList();
            if (!isCurrent && archives.Count == 0 && backups.Count == 0)
                continue;
            text.Append('\n').Append("    db (").Append(isCurrent ? "current" : "prior").Append(")\n");
            // As pgBackRest: the range over every repository, the oldest segment any has to the newest any has.
            foreach (var range in archives.Where(a => a.Min is not null).GroupBy(a => a.Id))
            {
                var min = range.Select(a => a.Min!).Min(StringComparer.Ordinal);
                var max = range.Select(a => a.Max!).Max(StringComparer.Ordinal);
                text.Append("        wal archive min/max (").Append(range.Key[..range.Key.LastIndexOf('-')]).Append("): ").Append(min).Append('/').Append(max).Append('\n');
            }

            if (isCurrent && !archives.Any(a => a.Min is not null))
                text.Append("        wal archive min/max (").Append(history.Version).Append("): none present\n");
            foreach (var (repo, backup) in backups)
            {
                text.Append('\n').Append("        ").Append(backup.Type.ToText()).Append(" backup: ").Append(backup.Label).Append('\n');
                text.Append("            timestamp start/stop: ").Append(Format.LocalTime(backup.TimestampStart)).Append(" / ").Append(Format.LocalTime(backup.TimestampStop)).Append('\n');
                text.Append("            wal start/stop: ").Append(backup.ArchiveStart ?? "n/a").Append(" / ").Append(backup.ArchiveStop ?? "n/a").Append('\n');
                if (setFilter is not null)
                    text.Append("            lsn start/stop: ").Append(backup.LsnStart ?? "n/a").Append(" / ").Append(backup.LsnStop ?? "n/a").Append('\n');
                text.Append("            database size: ").Append(Format.Size((long)backup.Size)).Append(", database backup size: ").Append(Format.Size((long)backup.SizeDelta)).Append('\n');
                // A block-incremental backup's set size means little (its maps refer to parts of other backups): only its own size is shown.
                if (backup.RepoSizeMap is not null)
                    text.Append("            ").Append(repo.Repo.Name).Append(": backup size: ").Append(Format.Size((long)backup.RepoSizeDelta)).Append('\n');
                else
                    text.Append("            ").Append(repo.Repo.Name).Append(": backup set size: ").Append(Format.Size((long)backup.RepoSize))
                        .Append(", backup size: ").Append(Format.Size((long)backup.RepoSizeDelta)).Append('\n');
                if (backup.Reference is { Count: > 0 } references)
                    text.Append("            backup reference list: ").Append(string.Join(", ", references)).Append('\n');
                var detail = setFilter is null ? null : repo.SetDetail;
                if (detail is not null)
                {
                    text.Append("            database list:").Append(detail.Databases.Count == 0 ? " none" : " " + string.Join(", ", detail.Databases.Select(d => $"{d.Name} ({d.Oid})"))).Append('\n');
                    if (detail.Links.Count > 0)
                        text.Append("            symlinks:\n").AppendJoin('\n', detail.Links.Select(l => $"                {l.Name} => {l.Destination}")).Append('\n');
                    if (detail.Tablespaces.Count > 0)
                        text.Append("            tablespaces:\n").AppendJoin('\n', detail.Tablespaces.Select(t => $"                {t.Name} ({t.Oid}) => {t.Destination}")).Append('\n');
                }

                if (detail is { PageErrorFiles.Count: > 0 })
                    text.Append("            error list: ").AppendJoin(", ", detail.PageErrorFiles).Append('\n');
                else if (backup.Error == true)
                    text.Append("            error(s) detected during backup\n");
                if (setFilter is not null && backup.Annotation is { Count: > 0 } annotation)
                {
                    text.Append("            annotation(s)\n");
                    foreach (var (key, value) in annotation)
                        text.Append("                ").Append(key).Append(": ").Append(value).Append('\n');
                }
            }
        }
    }

    public JsonObject ToJson(string? setFilter, string? typeFilter)
    {
        var (code, message) = Status();
        var archive = new JsonArray();
        var db = new JsonArray();
        foreach (var repo in _repos.Where(_ => code != RepoReport.BackupNotFound))
        {
            foreach (var a in repo.Archives)
            {
                archive.Add(new JsonObject
                {
                    { "database", new JsonObject { { "id", (ulong)a.DbId }, { "repo-key", (ulong)repo.Repo.Index } } },
                    { "id", a.Id },
                    { "max", JsonValue.CreateOrNull(a.Max) },
                    { "min", JsonValue.CreateOrNull(a.Min) },
                });
            }

            if (repo.BackupInfo is { } info)
            {
                foreach (var history in info.History)
                {
                    db.Add(new JsonObject
                    {
                        { "id", (ulong)history.Id }, { "repo-key", (ulong)repo.Repo.Index },
                        { "system-id", history.SystemId }, { "version", history.Version },
                    });
                }
            }
        }

        var backups = new JsonArray();
        foreach (var (repo, backup) in Backups(setFilter, typeFilter))
            backups.Add(BackupJson(repo, backup, setFilter is null ? null : repo.SetDetail));

        var repos = new JsonArray();
        foreach (var repo in _repos)
        {
            repos.Add(new JsonObject
            {
                { "cipher", repo.Repo.EncryptedAsReported ? "aes-256-cbc" : "none" },
                { "key", (ulong)repo.Repo.Index },
                { "status", new JsonObject { { "code", (ulong)repo.StatusCode }, { "message", repo.StatusMessage } } },
            });
        }

        return new JsonObject
        {
            { "archive", archive },
            { "backup", backups },
            { "cipher", Cipher() },
            { "db", db },
            { "name", Name },
            { "repo", repos },
            {
                "status", new JsonObject
                {
                    { "code", (ulong)code },
                    { "lock", new JsonObject { { "backup", BackupLockJson() } } },
                    { "message", message },
                }
            },
        };
    }

    private static JsonObject BackupJson(RepoReport repo, BackupInfoEntry backup, SetDetail? detail)
    {
        var json = new JsonObject
        {
            { "archive", new JsonObject { { "start", JsonValue.CreateOrNull(backup.ArchiveStart) }, { "stop", JsonValue.CreateOrNull(backup.ArchiveStop) } } },
            { "backrest", new JsonObject { { "format", (ulong)backup.BackrestFormat }, { "version", backup.BackrestVersion } } },
            { "database", new JsonObject { { "id", (ulong)backup.DbId }, { "repo-key", (ulong)repo.Repo.Index } } },
            { "error", backup.Error ?? false },
            {
                "info", new JsonObject
                {
                    { "delta", backup.SizeDelta },
                    {
                        "repository", backup.RepoSizeMap is { } sizeMap
                            ? new JsonObject { { "delta", backup.RepoSizeDelta }, { "delta-map", backup.RepoSizeMapDelta ?? 0 }, { "size-map", sizeMap } }
                            : new JsonObject { { "delta", backup.RepoSizeDelta }, { "size", backup.RepoSize } }
                    },
                    { "size", backup.Size },
                }
            },
            { "label", backup.Label },
            { "lsn", new JsonObject { { "start", JsonValue.CreateOrNull(backup.LsnStart) }, { "stop", JsonValue.CreateOrNull(backup.LsnStop) } } },
            { "prior", JsonValue.CreateOrNull(backup.Prior) },
            { "reference", backup.Reference is { Count: > 0 } references ? new JsonArray(references.Select(r => JsonValue.Create(r))) : JsonValue.Null },
            { "timestamp", new JsonObject { { "start", backup.TimestampStart }, { "stop", backup.TimestampStop } } },
            { "type", backup.Type.ToText() },
        };
        if (backup.Annotation is { Count: > 0 } annotation)
        {
            var annotations = new JsonObject();
            foreach (var (key, value) in annotation)
                annotations.Add(key, value);
            json.Add("annotation", annotations);
        }

        if (detail is not null)
        {
            json.Add("database-ref", new JsonArray(detail.Databases.Select(d => (JsonValue)new JsonObject { { "name", d.Name }, { "oid", (ulong)d.Oid } })));
            json.Add("link", detail.Links.Count == 0 ? JsonValue.Null
                : new JsonArray(detail.Links.Select(l => (JsonValue)new JsonObject { { "destination", l.Destination }, { "name", l.Name } })));
            json.Add("tablespace", detail.Tablespaces.Count == 0 ? JsonValue.Null
                : new JsonArray(detail.Tablespaces.Select(t => (JsonValue)new JsonObject { { "destination", t.Destination }, { "name", t.Name }, { "oid", (ulong)t.Oid } })));
            if (detail.PageErrorFiles.Count > 0)
            {
                json.Add("error-list", new JsonArray(detail.PageErrorFiles.Select(f => JsonValue.Create(f))));
                json["error"] = JsonValue.Create(true);
            }
        }

        return json;
    }
}

/// <summary>One repository's view of a stanza.</summary>
internal sealed class RepoReport
{
    private RepoReport(Repo repo) => Repo = repo;

    public Repo Repo { get; }
    public int StatusCode { get; private set; }
    public string StatusMessage { get; private set; } = "ok";
    public BackupInfo? BackupInfo { get; private set; }
    public List<BackupInfoEntry> Backups { get; } = [];
    public List<(string Id, uint DbId, string? Min, string? Max)> Archives { get; } = [];
    /// <summary>The process holding the stanza's backup lock on this host, with the progress it recorded.</summary>
    public Control.LockHolder? BackupLock { get; private set; }

    /// <summary>pgBackRest's status when <c>--set</c> names a backup no repository holds; it replaces "no valid backups".</summary>
    public const int BackupNotFound = 6;

    /// <summary>Any other error reading the repository; the message carries it.</summary>
    public const int Other = 99;
    public const string BackupNotFoundMessage = "requested backup not found";

    /// <summary>A readable repository without the requested backup says so instead of "ok" or "no valid backups".</summary>
    public void MarkBackupNotFound()
    {
        if (StatusCode is 0 or 2)
            (StatusCode, StatusMessage) = (BackupNotFound, BackupNotFoundMessage);
    }

    /// <summary>With <c>--set</c>: what the backup's manifest adds (databases, links, tablespaces, page errors).</summary>
    public SetDetail? SetDetail { get; private set; }

    public static async Task<RepoReport> LoadAsync(CommandContext context, Repo repo, string stanza, string? setLabel)
    {
        var report = new RepoReport(repo);
        var cancellation = context.Cancellation;
        report.BackupLock = Control.LockProbe.Holder(context.Config, stanza, "backup");
        try
        {
            // As pgBackRest, a repository that cannot be reached (refused, untrusted certificate) is the stanza's
            // "error (other)" with its cause, and info goes on.
            if (await repo.Storage.InfoAsync(RepositoryLayout.BackupPath(stanza), cancellation).ConfigureAwait(false) is null
                && await repo.Storage.InfoAsync(RepositoryLayout.ArchivePath(stanza), cancellation).ConfigureAwait(false) is null)
            {
                (report.StatusCode, report.StatusMessage) = (1, "missing stanza path");
                return report;
            }

            BackupInfo? backupInfo;
            ArchiveInfo? archiveInfo;
            try
            {
                backupInfo = await InfoStore.LoadAsync(repo, RepositoryLayout.BackupInfoPath(stanza), repo.CipherPass, BackupInfo.Parse, ignoreMissing: true, cancellation).ConfigureAwait(false);
            }
            catch (Errors.PgRestException e)
            {
                throw BackupStore.InfoLoadError(e);
            }

            try
            {
                archiveInfo = await InfoStore.LoadAsync(repo, RepositoryLayout.ArchiveInfoPath(stanza), repo.CipherPass, ArchiveInfo.Parse, ignoreMissing: backupInfo is null, cancellation).ConfigureAwait(false);
            }
            catch (Errors.PgRestException e)
            {
                throw WalArchive.InfoLoadError(e);
            }

            if (backupInfo is null || archiveInfo is null)
            {
                (report.StatusCode, report.StatusMessage) = (3, "missing stanza data");
                return report;
            }

            report.BackupInfo = backupInfo;
            report.Backups.AddRange(backupInfo.Current.Values);
            var archive = new ArchiveWalker(repo, stanza, cancellation);
            foreach (var history in archiveInfo.History)
            {
                var (min, max) = await archive.SegmentRangeAsync(history.ArchiveId).ConfigureAwait(false);
                if (min is not null || history.Id == archiveInfo.DbId)
                    report.Archives.Add((history.ArchiveId, history.Id, min, max));
            }

            if (report.Backups.Count == 0)
                (report.StatusCode, report.StatusMessage) = (2, "no valid backups");
            else if (setLabel is not null && backupInfo.Current.ContainsKey(setLabel))
                report.SetDetail = SetDetail.From(await BackupStore.LoadManifestAsync(repo, stanza, setLabel, backupInfo, cancellation).ConfigureAwait(false));
        }
        catch (Errors.PgRestException e)
        {
            (report.StatusCode, report.StatusMessage) = (Other, $"[{e.TypeName}] {e.Message}");
        }

        return report;
    }
}

/// <summary>The parts of a manifest that <c>info --set</c> shows, as pgBackRest 2.45 shows them.</summary>
internal sealed class SetDetail
{
    public List<(string Name, uint Oid)> Databases { get; } = [];
    public List<(string Name, string Destination)> Links { get; } = [];
    public List<(string Name, uint Oid, string Destination)> Tablespaces { get; } = [];
    public List<string> PageErrorFiles { get; } = [];

    public static SetDetail From(Manifest manifest)
    {
        var detail = new SetDetail();
        // Template databases are not worth listing.
        foreach (var db in manifest.Databases.Where(d => d.Name is not ("template0" or "template1")))
            detail.Databases.Add((db.Name, db.Id));
        foreach (var target in manifest.Targets.Where(t => t.Type == ManifestTargetType.Link))
        {
            if (target.TablespaceName is not null)
                detail.Tablespaces.Add((target.TablespaceName, target.TablespaceId ?? 0, target.Path));
            else if (target.File is not null)
                detail.Links.Add((target.File, target.Path + "/" + target.File));
            else
                detail.Links.Add((PgRelative(target.Name), target.Path));
        }

        foreach (var file in manifest.Files.Where(f => f.ChecksumPage == false))
            detail.PageErrorFiles.Add(PgRelative(file.Name));
        return detail;
    }

    /// <summary><c>pg_data/x</c> → <c>x</c>, as pgBackRest names paths relative to PGDATA.</summary>
    private static string PgRelative(string name) => name.StartsWith("pg_data/", StringComparison.Ordinal) ? name[8..] : name;
}
