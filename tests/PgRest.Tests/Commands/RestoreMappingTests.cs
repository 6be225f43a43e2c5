using PgRest.Commands.Restore;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Tests.Config;

namespace PgRest.Tests.Commands;

/// <summary>Restore target mapping and selective restore, decided as pgBackRest 2.45 restoreManifestMap / restoreSelectiveExpression.</summary>
public sealed class RestoreMappingTests : IDisposable
{
    private const string TablespaceDirectory = "PG_15_202209061";
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Tablespaces_map_by_name_or_oid_and_the_link_follows()
    {
        var manifest = Build();
        RestoreMapping.Apply(manifest, Load("--tablespace-map=ts1=/new/ts1", "--tablespace-map=16401=/new/16401"), "/pg");
        Assert.Equal("/new/ts1", manifest.Targets.Single(t => t.Name == "pg_tblspc/16400").Path);
        Assert.Equal("/new/ts1", manifest.Links.Single(l => l.Name == "pg_data/pg_tblspc/16400").Destination);
        Assert.Equal("/new/16401", manifest.Targets.Single(t => t.Name == "pg_tblspc/16401").Path);
        Assert.Equal("/pg", manifest.Targets.Single(t => t.Name == "pg_data").Path);
    }

    [Fact]
    public void Tablespace_map_all_puts_each_tablespace_under_its_name_unless_mapped_on_its_own()
    {
        var manifest = Build();
        RestoreMapping.Apply(manifest, Load("--tablespace-map-all=/all", "--tablespace-map=ts2=/own"), "/pg");
        Assert.Equal("/all/ts1", manifest.Targets.Single(t => t.Name == "pg_tblspc/16400").Path);
        Assert.Equal("/own", manifest.Targets.Single(t => t.Name == "pg_tblspc/16401").Path);
    }

    [Fact]
    public void Bad_tablespace_mappings_fail_with_tablespace_map_error()
    {
        Assert.Equal(ErrorCode.TablespaceMap, Assert.Throws<PgRestException>(() => RestoreMapping.Apply(Build(), Load("--tablespace-map=nosuch=/x"), "/pg")).Code);
        var conflict = Assert.Throws<PgRestException>(() => RestoreMapping.Apply(Build(), Load("--tablespace-map=ts1=/a", "--tablespace-map=16400=/b"), "/pg"));
        Assert.Equal("tablespace remapped by name 'ts1' and id 16400 with different paths", conflict.Message);
    }

    [Fact]
    public void Without_link_all_an_unmapped_link_becomes_a_directory_and_link_map_keeps_or_creates_links()
    {
        var plain = Build();
        RestoreMapping.Apply(plain, Load(), "/pg");
        Assert.DoesNotContain(plain.Targets, t => t.Name == "pg_data/pg_wal");
        Assert.DoesNotContain(plain.Links, l => l.Name == "pg_data/pg_wal");
        Assert.Contains(plain.Links, l => l.Name == "pg_data/pg_tblspc/16400");

        var all = Build();
        RestoreMapping.Apply(all, Load("--link-all"), "/pg");
        Assert.Equal("/wal", all.Links.Single(l => l.Name == "pg_data/pg_wal").Destination);

        var mapped = Build();
        RestoreMapping.Apply(mapped, Load("--link-map=pg_wal=/moved", "--link-map=base=/newbase"), "/pg");
        Assert.Equal("/moved", mapped.Targets.Single(t => t.Name == "pg_data/pg_wal").Path);
        Assert.Equal("/moved", mapped.Links.Single(l => l.Name == "pg_data/pg_wal").Destination);
        Assert.Equal("/newbase", mapped.Links.Single(l => l.Name == "pg_data/base").Destination);
        Assert.Equal(ManifestTargetType.Link, mapped.Targets.Single(t => t.Name == "pg_data/base").Type);
    }

    [Fact]
    public void Bad_link_mappings_fail_with_link_map_error()
    {
        Assert.Equal(ErrorCode.LinkMap, Assert.Throws<PgRestException>(() => RestoreMapping.Apply(Build(), Load("--link-map=nosuch=/x"), "/pg")).Code);
        var tablespace = Assert.Throws<PgRestException>(() => RestoreMapping.Apply(Build(), Load("--link-map=pg_tblspc/16400=/x"), "/pg"));
        Assert.Equal(ErrorCode.LinkMap, tablespace.Code);
        // Tablespace targets are named pg_tblspc/<oid>, so a link map never reaches them (as in pgBackRest).
        Assert.StartsWith("unable to map link 'pg_tblspc/16400'", tablespace.Message);
    }

    [Fact]
    public void Db_include_zeroes_the_other_user_databases_but_never_system_ones()
    {
        var selective = SelectiveRestore.Create(Build(), Load("--db-include=one"))!;
        Assert.False(selective.IsZeroed("pg_data/base/16384/1234"));
        Assert.True(selective.IsZeroed("pg_data/base/16385/1234"));
        Assert.False(selective.IsZeroed("pg_data/base/16385/PG_VERSION"));
        Assert.True(selective.IsZeroed($"pg_tblspc/16400/{TablespaceDirectory}/16385/999"));
        Assert.False(selective.IsZeroed("pg_data/base/5/1234"));
        Assert.False(selective.IsZeroed("pg_data/base/1/1234"));
    }

    [Fact]
    public void Db_exclude_zeroes_only_the_excluded_database_and_names_or_oids_are_checked()
    {
        var selective = SelectiveRestore.Create(Build(), Load("--db-exclude=16384"))!;
        Assert.True(selective.IsZeroed("pg_data/base/16384/1234"));
        Assert.False(selective.IsZeroed("pg_data/base/16385/1234"));

        Assert.Null(SelectiveRestore.Create(Build(), Load("--db-include=one", "--db-include=two")));
        Assert.Equal(ErrorCode.DbMissing, Assert.Throws<PgRestException>(() => SelectiveRestore.Create(Build(), Load("--db-include=three"))).Code);
        Assert.Equal(ErrorCode.DbInvalid, Assert.Throws<PgRestException>(() => SelectiveRestore.Create(Build(), Load("--db-include=postgres"))).Code);
        var both = Assert.Throws<PgRestException>(() => SelectiveRestore.Create(Build(), Load("--db-include=one", "--db-exclude=one")));
        Assert.Equal("database to include '16384' is in the exclude list", both.Message);
    }

    private Configuration Load(params string[] args) =>
        _files.Load("[demo]\npg1-path=/pg\nrepo1-path=/repo\n", ["--stanza=demo", .. args, "restore"]);

    /// <summary>Two tablespaces, pg_wal and base linked, databases postgres (5), template1 (1), one (16384), two (16385).</summary>
    private static Manifest Build()
    {
        var manifest = new Manifest { Label = "20260101-000000F", DbVersion = "15", CatalogVersion = 202209061 };
        manifest.Targets.Add(new ManifestTarget { Name = "pg_data", Path = "/old", Type = ManifestTargetType.Path });
        manifest.Targets.Add(new ManifestTarget { Name = "pg_data/pg_wal", Path = "/wal", Type = ManifestTargetType.Link });
        manifest.Targets.Add(new ManifestTarget { Name = "pg_tblspc/16400", Path = "/ts1", Type = ManifestTargetType.Link, TablespaceId = 16400, TablespaceName = "ts1" });
        manifest.Targets.Add(new ManifestTarget { Name = "pg_tblspc/16401", Path = "/ts2", Type = ManifestTargetType.Link, TablespaceId = 16401, TablespaceName = "ts2" });
        manifest.Links.Add(new ManifestLink { Name = "pg_data/pg_wal", Destination = "/wal" });
        manifest.Links.Add(new ManifestLink { Name = "pg_data/pg_tblspc/16400", Destination = "/ts1" });
        manifest.Links.Add(new ManifestLink { Name = "pg_data/pg_tblspc/16401", Destination = "/ts2" });
        foreach (var path in new[] { "pg_data", "pg_data/base", "pg_data/pg_wal", "pg_data/pg_tblspc" })
            manifest.Paths.Add(new ManifestPath { Name = path });
        foreach (var (name, id) in new[] { ("postgres", 5u), ("template1", 1u), ("one", 16384u), ("two", 16385u) })
        {
            manifest.Databases.Add(new ManifestDb { Name = name, Id = id });
            manifest.Files.Add(new ManifestFile { Name = $"pg_data/base/{id}/PG_VERSION", Size = 3 });
        }

        manifest.Files.Add(new ManifestFile { Name = $"pg_tblspc/16400/{TablespaceDirectory}/16385/PG_VERSION", Size = 3 });
        return manifest;
    }
}
