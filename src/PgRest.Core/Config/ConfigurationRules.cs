using System.Globalization;
using PgRest.Errors;

namespace PgRest.Config;

/// <summary>
/// Rules that span several options, applied after parsing like pgBackRest 2.45's <c>cfgLoadUpdateOption()</c>: derived
/// defaults (WAL retention, compression level, upload chunk size, TLS ports), timeout consistency, conflicting settings and
/// retention warnings.
/// </summary>
internal static class ConfigurationRules
{
    private const long MiB = 1024 * 1024;
    private const int TlsPort = 8432;

    public static void Apply(
        CommandDefinition command, bool help, OptionValue[]?[] values, int[] repoKeys, int[] pgKeys, List<string> warnings)
    {
        var options = new Values(values);

        RequireRepoForStanzaDelete(command, help, options, repoKeys);
        CheckDistinctLocalRepoPaths(options, repoKeys);
        ReconcileTimeouts(options);
        CheckSingleRemote(options, repoKeys, pgKeys);

        if (!help)
            WarnMissingFullRetention(options, repoKeys, warnings);

        DefaultArchiveRetention(options, repoKeys, warnings);
        CheckS3BucketNames(options, repoKeys);
        DefaultUploadChunkSize(options, repoKeys);
        DefaultTlsHostPort(options, "repo-host-port", "repo-host-type", repoKeys.Length);
        DefaultTlsHostPort(options, "pg-host-port", "pg-host-type", pgKeys.Length);
        ApplyDeprecatedCompress(options, values, warnings);
        DefaultCompressLevel(options);
    }

    private static void RequireRepoForStanzaDelete(CommandDefinition command, bool help, Values options, int[] repoKeys)
    {
        if (!help && command.Name == "stanza-delete" && options.Valid("repo") && !options.IsSet("repo") &&
            (repoKeys.Length > 1 || repoKeys[0] != 1))
        {
            throw new PgRestException(
                ErrorCode.OptionRequired,
                "stanza-delete command requires option: repo\nHINT: this command requires a specific repository to operate on");
        }
    }

    private static void CheckDistinctLocalRepoPaths(Values options, int[] repoKeys)
    {
        if (repoKeys.Length < 2 || !options.Valid("repo-path"))
            return;

        for (var first = 0; first < repoKeys.Length; first++)
        {
            var type = options.Text("repo-type", first);

            if (options.IsSet("repo-host", first) || type is not ("posix" or "cifs"))
                continue;

            for (var second = 0; second < repoKeys.Length; second++)
            {
                if (first != second && !options.IsSet("repo-host", second) && options.Text("repo-type", second) == type &&
                    options.Text("repo-path", first) == options.Text("repo-path", second))
                {
                    throw new PgRestException(
                        ErrorCode.OptionInvalidValue,
                        $"local repo{repoKeys[first]} and repo{repoKeys[second]} paths are both " +
                        $"'{options.Display("repo-path", second)}' but must be different");
                }
            }
        }
    }

    private static void ReconcileTimeouts(Values options)
    {
        if (!options.IsSet("db-timeout") || !options.IsSet("protocol-timeout"))
            return;

        var db = options.Get("db-timeout");
        var protocol = options.Get("protocol-timeout");

        if (protocol.Number > db.Number)
            return;

        if (protocol.Source == OptionSource.Default)
            protocol.Number = db.Number + 30_000;
        else if (db.Source == OptionSource.Default)
            db.Number = protocol.Number - 30_000 >= 15_000 ? protocol.Number - 30_000 : protocol.Number / 2;
        else
        {
            var protocolText = options.Display("protocol-timeout");
            throw new PgRestException(
                ErrorCode.OptionInvalidValue,
                $"'{protocolText}' is not valid for 'protocol-timeout' option\nHINT 'protocol-timeout' option ({protocolText}) " +
                $"should be greater than 'db-timeout' option ({options.Display("db-timeout")}).");
        }
    }

    private static void CheckSingleRemote(Values options, int[] repoKeys, int[] pgKeys)
    {
        if (!options.Valid("pg-host") || !options.Valid("repo-host"))
            return;

        var pgRemote = false;
        var repoRemote = false;

        for (var position = 0; position < pgKeys.Length; position++)
            pgRemote |= options.IsSet("pg-host", position);

        for (var position = 0; position < repoKeys.Length; position++)
            repoRemote |= options.IsSet("repo-host", position);

        if (pgRemote && repoRemote)
            throw new PgRestException(ErrorCode.Config, "pg and repo hosts cannot both be configured as remote");
    }

    private static void WarnMissingFullRetention(Values options, int[] repoKeys, List<string> warnings)
    {
        if (!options.Valid("repo-retention-full-type"))
            return;

        for (var position = 0; position < repoKeys.Length; position++)
        {
            if (options.IsSet("repo-retention-full", position))
                continue;

            var full = $"repo{repoKeys[position]}-retention-full";
            warnings.Add(
                $"option '{full}' is not set for 'repo{repoKeys[position]}-retention-full-type=" +
                $"{options.Display("repo-retention-full-type", position)}', the repository may run out of space\n" +
                $"HINT: to retain full backups indefinitely (without warning), set option '{full}' to the maximum.");
        }
    }

    private static void DefaultArchiveRetention(Values options, int[] repoKeys, List<string> warnings)
    {
        if (!options.Valid("repo-retention-archive"))
            return;

        for (var position = 0; position < repoKeys.Length; position++)
        {
            var repo = "repo" + repoKeys[position].ToString(CultureInfo.InvariantCulture);
            var type = options.Text("repo-retention-archive-type", position);
            var archive = options.Get("repo-retention-archive", position);
            var off = $"WAL segments will not be expired: option '{repo}-retention-archive-type={type}' but";

            if (!archive.IsSet)
            {
                switch (type)
                {
                    case "full":
                        if (options.Text("repo-retention-full-type", position) == "count" &&
                            options.IsSet("repo-retention-full", position))
                        {
                            SetDefaultNumber(archive, options.Get("repo-retention-full", position).Number);
                        }

                        break;

                    case "diff":
                        if (options.IsSet("repo-retention-diff", position))
                            SetDefaultNumber(archive, options.Get("repo-retention-diff", position).Number);
                        else
                        {
                            warnings.Add(
                                $"{off} neither option '{repo}-retention-archive' nor option '{repo}-retention-diff' is set");
                        }

                        break;

                    case "incr":
                        warnings.Add($"{off} option '{repo}-retention-archive' is not set");
                        break;
                }
            }
            else if (type == "diff" && !options.IsSet("repo-retention-diff", position))
            {
                warnings.Add(
                    $"option '{repo}-retention-diff' is not set for '{repo}-retention-archive-type=diff'\n" +
                    $"HINT: to retain differential backups indefinitely (without warning), set option '{repo}-retention-diff' " +
                    "to the maximum.");
            }
        }
    }

    private static void CheckS3BucketNames(Values options, int[] repoKeys)
    {
        for (var position = 0; position < repoKeys.Length; position++)
        {
            if (options.IsSet("repo-s3-bucket", position) && options.IsSet("repo-storage-verify-tls", position) &&
                options.Get("repo-storage-verify-tls", position).Boolean &&
                options.Text("repo-s3-bucket", position)!.Contains('.', StringComparison.Ordinal))
            {
                throw new PgRestException(
                    ErrorCode.OptionInvalidValue,
                    $"'{options.Display("repo-s3-bucket", position)}' is not valid for option " +
                    $"'repo{repoKeys[position]}-s3-bucket'\n" +
                    "HINT: RFC-2818 forbids dots in wildcard matches.\n" +
                    "HINT: TLS/SSL verification cannot proceed with this bucket name.\n" +
                    "HINT: remove dots from the bucket name.");
            }
        }
    }

    private static void DefaultUploadChunkSize(Values options, int[] repoKeys)
    {
        if (!options.Valid("repo-storage-upload-chunk-size"))
            return;

        for (var position = 0; position < repoKeys.Length; position++)
        {
            var chunkSize = options.Get("repo-storage-upload-chunk-size", position);

            if (!chunkSize.IsSet)
                SetDefaultNumber(chunkSize, (options.Text("repo-type", position) == "s3" ? 5 : 4) * MiB);
        }
    }

    private static void DefaultTlsHostPort(Values options, string portOption, string typeOption, int count)
    {
        if (!options.Valid(portOption))
            return;

        for (var position = 0; position < count; position++)
        {
            var port = options.Get(portOption, position);

            if (options.Text(typeOption, position) == "tls" && port.Source == OptionSource.Default)
                SetDefaultNumber(port, TlsPort);
        }
    }

    // 'compress' is deprecated: n means compress-type=none. Afterwards it is no longer valid so nothing reads it.
    private static void ApplyDeprecatedCompress(Values options, OptionValue[]?[] values, List<string> warnings)
    {
        if (!options.Valid("compress"))
            return;

        var compress = options.Get("compress");
        var compressType = options.Get("compress-type");

        if (compress.Source != OptionSource.Default)
        {
            if (compressType.Source != OptionSource.Default)
            {
                warnings.Add(
                    "'compress' and 'compress-type' options should not both be set\n" +
                    "HINT: 'compress-type' is preferred and 'compress' is deprecated.");
            }

            if (!compress.Boolean && compressType.Source == OptionSource.Default)
            {
                compressType.Text = "none";
                compressType.Display = null;
                compressType.Source = compress.Source;
            }
        }

        values[OptionTable.FindOption("compress")!.Id] = null;
    }

    private static void DefaultCompressLevel(Values options)
    {
        if (!options.Valid("compress-level"))
            return;

        var type = options.Text("compress-type");
        var level = options.Get("compress-level");
        var (defaultLevel, minimum, maximum) = type switch
        {
            "bz2" => (9, 1, 9),
            "gz" => (6, -1, 9),
            "lz4" => (1, -5, 12),
            "zst" => (3, -7, 22),
            _ => (0, 0, 0),
        };

        if (level.Source == OptionSource.Default)
            SetDefaultNumber(level, defaultLevel);
        else if (type != "none" && (level.Number < minimum || level.Number > maximum))
        {
            throw new PgRestException(
                ErrorCode.OptionInvalidValue,
                $"'{level.Number}' is out of range for 'compress-level' option when 'compress-type' option = '{type}'");
        }
    }

    private static void SetDefaultNumber(OptionValue value, long number)
    {
        value.IsSet = true;
        value.Source = OptionSource.Default;
        value.Number = number;
        value.Display = null;
    }

    /// <summary>Access to resolved values by option name and group position.</summary>
    private readonly struct Values(OptionValue[]?[] values)
    {
        public bool Valid(string name) => values[OptionTable.FindOption(name)!.Id] != null;

        public OptionValue Get(string name, int position = 0) => values[OptionTable.FindOption(name)!.Id]![position];

        public bool IsSet(string name, int position = 0) =>
            values[OptionTable.FindOption(name)!.Id] is { } optionValues && optionValues[position].IsSet;

        public string? Text(string name, int position = 0) =>
            values[OptionTable.FindOption(name)!.Id] is { } optionValues && optionValues[position].IsSet
                ? optionValues[position].Text
                : null;

        /// <summary>The value as the user wrote it, or as pgBackRest formats a default.</summary>
        public string Display(string name, int position = 0)
        {
            var option = OptionTable.FindOption(name)!;
            var value = Get(name, position);

            if (value.Display != null)
                return value.Display;

            return option.Type switch
            {
                OptionType.Time => OptionValueParser.FormatTime(value.Number),
                OptionType.Integer or OptionType.Size => value.Number.ToString(CultureInfo.InvariantCulture),
                OptionType.Boolean => value.Boolean ? "true" : "false",
                _ => value.Text ?? "",
            };
        }
    }
}
