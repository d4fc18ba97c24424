using System.Security.Cryptography;
using Engram.Local;
using Engram.Local.Retrieval;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// A large hashing bucket's coded table is saved beside the database and read back when the file is opened again
/// (what the engine does with it: <see cref="HashingIndexFileTests"/>). Users rely on the table read back answering
/// exactly as the one saved, on files written by earlier versions still loading, and on a damaged file being refused
/// (the engine then rebuilds it from the stored vectors) rather than answering wrongly.
/// </summary>
public class SavedCodedTableTests
{
    private const int Dimensions = HashingEmbedder.DefaultDimensions;

    /// <summary>
    /// Where a saved file's first row's seq starts: after the header (magic, dimensions, count); a chunk's seqs
    /// (8 bytes a row) come first, then its 8-bit codes (256 a row, in whole blocks of 8,192 rows), scales (4) and
    /// deleted flags (1).
    /// </summary>
    internal const int FirstSeqOffset = 16;

    private static readonly HashingEmbedder Embedder = new();

    private static (long Seq, float[] Vector) Row(int i) =>
        (5 + (i * 7), Embedder.Embed($"Note {i}: host-{i % 17} in rack {i % 5} runs service {(char)('a' + (i % 7))}."));

    private static CodedVectorTable Table(int rows, params int[] removed)
    {
        var table = new CodedVectorTable(Dimensions);
        for (var i = 0; i < rows; i++)
        {
            var (seq, vector) = Row(i);
            table.Append(seq, vector);
        }

        foreach (var i in removed)
        {
            Assert.True(table.Remove(Row(i).Seq));
        }

        return table;
    }

    [Fact]
    public void A_table_of_several_chunks_reads_back_answering_the_same_and_saves_the_same_bytes()
    {
        using var folder = new TempFolder();
        // Two chunks of 65,536 rows and part of a third, removals in each.
        var table = Table(140_000, 3, 70_000, 139_999);
        var path = folder.File("t.codes");
        table.Save(path);

        var loaded = CodedVectorTable.Load(path, Dimensions);
        Assert.Equal(table.Count, loaded.Count);
        Assert.Equal(3, loaded.Removed);
        Assert.Equal(table.LastSeq, loaded.LastSeq);
        foreach (var question in new[] { "host-5 rack 0", "service c in rack 3", "Note 70001", "host-16 runs service g" })
        {
            var query = Embedder.Embed(question);
            Assert.Equal(table.Search(query, 20), loaded.Search(query, 20));
        }

        // Rows are found by seq across chunks, and the copy saves byte for byte what was read.
        Assert.True(loaded.Remove(Row(100_000).Seq));
        Assert.False(loaded.Remove(Row(100_000).Seq + 1));
        var again = folder.File("again.codes");
        Table(140_000, 3, 70_000, 139_999).Save(again);
        CodedVectorTable.Load(again, Dimensions).Save(again);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
    }

    [Fact]
    public void The_saved_layout_is_pinned()
    {
        using var folder = new TempFolder();
        var path = folder.File("t.codes");
        Table(300, 3, 250).Save(path);

        // SHA-256 of this table as this format writes it: a change of layout must come with a new magic (and the
        // old one still read, as below).
        Assert.Equal("C94BB2498003F67E988EC1A60F940D892229515F821F98CF4C0165535E615543", Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
        var loaded = CodedVectorTable.Load(path, Dimensions);
        Assert.Equal(300, loaded.Count);
        Assert.Equal(2, loaded.Removed);
        Assert.False(loaded.ReadFromOlderFormat);
    }

    [Fact]
    public void A_table_the_previous_format_saved_loads_with_the_same_answers_and_saves_in_this_one()
    {
        using var folder = new TempFolder();
        var old = folder.File("old.codes");
        var rows = Enumerable.Range(0, 300).Select(Row).ToList();
        PreviousCodedTableFormat.Write(old, Dimensions, rows, new HashSet<long> { Row(3).Seq, Row(250).Seq });
        // SHA-256 of the same table as 3c12b37's CodedVectorTable.Save wrote it: the writer above is that format.
        Assert.Equal("F2D8AF3E18476FD65A887F50B2E35AF07574E40AC2A44DC42C445E960304FF8E", Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(old))));

        var loaded = CodedVectorTable.Load(old, Dimensions);
        Assert.True(loaded.ReadFromOlderFormat);
        Assert.Equal(300, loaded.Count);
        Assert.Equal(2, loaded.Removed);
        var fresh = Table(300, 3, 250);
        foreach (var question in new[] { "host-5 rack 0", "service c in rack 3", "Note 3", "Note 250" })
        {
            Assert.Equal(fresh.Search(Embedder.Embed(question), 20), loaded.Search(Embedder.Embed(question), 20));
        }

        var resaved = folder.File("new.codes");
        loaded.Save(resaved);
        var current = folder.File("current.codes");
        fresh.Save(current);
        Assert.Equal(File.ReadAllBytes(current), File.ReadAllBytes(resaved));

        // Several chunks, a partial last one: the row-major codes land where Append puts them.
        var many = Enumerable.Range(0, 140_000).Select(Row).ToList();
        PreviousCodedTableFormat.Write(old, Dimensions, many, new HashSet<long> { Row(70_000).Seq });
        Table(140_000, 70_000).Save(current);
        CodedVectorTable.Load(old, Dimensions).Save(resaved);
        Assert.Equal(File.ReadAllBytes(current), File.ReadAllBytes(resaved));
    }

    [Fact]
    public void An_empty_table_saves_and_reads_back()
    {
        using var folder = new TempFolder();
        var path = folder.File("t.codes");
        new CodedVectorTable(Dimensions).Save(path);
        var loaded = CodedVectorTable.Load(path, Dimensions);
        Assert.Equal(0, loaded.Count);
        Assert.Empty(loaded.Search(Embedder.Embed("anything"), 10));
    }

    [Fact]
    public void A_file_cut_short_with_rows_out_of_order_or_with_a_bad_deleted_flag_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder.File("t.codes");
        Table(300).Save(path);
        var good = File.ReadAllBytes(path);

        // The second row's seq equal to the first's: a binary search over such a table finds the wrong rows.
        var disordered = (byte[])good.Clone();
        Array.Copy(good, FirstSeqOffset, disordered, FirstSeqOffset + 8, 8);
        File.WriteAllBytes(path, disordered);
        Assert.Contains("seq order", Assert.Throws<InvalidDataException>(() => CodedVectorTable.Load(path, Dimensions)).Message);

        var badFlag = (byte[])good.Clone();
        badFlag[good.Length - 1] = 7;
        File.WriteAllBytes(path, badFlag);
        Assert.Throws<InvalidDataException>(() => CodedVectorTable.Load(path, Dimensions));

        // Shorter than its header.
        File.WriteAllBytes(path, good.Take(10).ToArray());
        Assert.Throws<InvalidDataException>(() => CodedVectorTable.Load(path, Dimensions));

        File.WriteAllBytes(path, good);
        Assert.Equal(300, CodedVectorTable.Load(path, Dimensions).Count);
    }

    [Fact]
    public void Reading_a_table_stops_when_cancelled()
    {
        using var folder = new TempFolder();
        var path = folder.File("t.codes");
        Table(10).Save(path);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => CodedVectorTable.Load(path, Dimensions, cancelled.Token));
    }
}
