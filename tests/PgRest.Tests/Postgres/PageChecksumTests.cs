using System.Buffers.Binary;
using System.IO.Compression;
using PgRest.Errors;
using PgRest.Postgres;

namespace PgRest.Tests.Postgres;

public class PageChecksumTests
{
    /// <summary>
    /// Block 0 of a one-row heap table ("hello pgrest") written by PostgreSQL 15.18 with data checksums, gzip + base64.
    /// PostgreSQL stored pd_checksum 14346 for it.
    /// </summary>
    private const string Pg15HeapPageGzipBase64 =
        "H4sIAAAAAAACA+3JwQmAMABD0bQoiBMICnYLncOTC4geCoqK67hSDw5kwe7g5b9LSCJJY3eZspcahVYuc3FSuAcBAAAAAAAAAAAAAIB/PPbLPHUjK1tUMaV6mbxf3Tbv03Gm/wXxhLQqACAAAA==";

    private static byte[] RealPage()
    {
        using GZipStream gzip = new(new MemoryStream(Convert.FromBase64String(Pg15HeapPageGzipBase64)), CompressionMode.Decompress);
        using MemoryStream page = new();
        gzip.CopyTo(page);
        return page.ToArray();
    }

    [Fact]
    public void Matches_the_checksum_postgresql_wrote()
    {
        byte[] page = RealPage();

        Assert.Equal(8192, page.Length);
        Assert.Equal(14346, PageChecksum.Stored(page));
        Assert.Equal(14346, PageChecksum.Compute(page, 0));
        Assert.Equal(14346, PageChecksum.ComputeScalar(page, 0));
        Assert.True(PageChecksum.IsValid(page, 0));
        Assert.False(PageChecksum.IsNewPage(page));
    }

    [Fact]
    public void The_block_number_is_part_of_the_checksum()
    {
        byte[] page = RealPage();

        Assert.False(PageChecksum.IsValid(page, 1));
        Assert.False(PageChecksum.IsValid(page, 131072));
    }

    [Fact]
    public void Any_changed_byte_is_detected_and_the_page_is_left_untouched()
    {
        byte[] page = RealPage();
        byte[] original = (byte[])page.Clone();

        for (int offset = 0; offset < page.Length; offset += 97)
        {
            if (offset is 8 or 9)
                continue;

            page[offset] ^= 0x20;
            Assert.False(PageChecksum.IsValid(page, 0), $"flip at {offset} not detected");
            page[offset] ^= 0x20;
        }

        Assert.Equal(original, page);
    }

    [Fact]
    public void The_stored_checksum_field_does_not_influence_the_result()
    {
        byte[] page = RealPage();
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(8), 0xBEEF);

        Assert.Equal(14346, PageChecksum.Compute(page, 0));
        Assert.False(PageChecksum.IsValid(page, 0));
    }

    [Fact]
    public void Vector_and_scalar_paths_agree_on_random_pages()
    {
        Random random = new(20261121);
        byte[] page = new byte[PageChecksum.DefaultPageSize];

        for (int round = 0; round < 200; round++)
        {
            random.NextBytes(page);
            uint block = (uint)random.Next();
            ushort checksum = PageChecksum.Compute(page, block);

            Assert.Equal(PageChecksum.ComputeScalar(page, block), checksum);
            Assert.InRange(checksum, (ushort)1, (ushort)65535);
        }
    }

    [Fact]
    public void Only_an_all_zero_page_is_new()
    {
        byte[] page = new byte[PageChecksum.DefaultPageSize];
        Assert.True(PageChecksum.IsNewPage(page));

        page[8000] = 1;
        Assert.False(PageChecksum.IsNewPage(page));

        byte[] initialised = RealPage();
        Assert.False(PageChecksum.IsNewPage(initialised));
    }

    [Fact]
    public void Page_size_must_be_a_whole_number_of_rows() =>
        Assert.Equal(ErrorCode.Assert, Assert.Throws<PgRestException>(() => PageChecksum.Compute(new byte[8000], 0)).Code);
}
