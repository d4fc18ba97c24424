using Engram.Client;
using Engram.Local;
using Engram.Local.Retrieval;
using Engram.Local.Storage;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// Large buckets of hashing vectors are searched through a coded table (sign codes and 8-bit codes of every row,
/// scanned in full) instead of the HNSW graph, whose recall on those vectors is poor. Users rely on it finding the
/// same nearest memories as an exact scan, never returning a deleted one, and surviving a restart (saved beside the
/// index file, rebuilt from the stored vectors when that file is missing or damaged).
/// </summary>
public class CodedVectorTableTests
{
    private static readonly HashingEmbedder Embedder = new();

    private static List<(long Seq, float[] Vector)> Rows(int count) =>
        Enumerable.Range(0, count)
            .Select(i => ((long)(10 + (i * 3)), Embedder.Embed($"Server host-{i} in rack {i % 13} runs service {(char)('a' + (i % 7))}{i % 5}, owner team {(i % 11 == 0 ? "alpha" : "beta")}.")))
            .ToList();

    private static CodedVectorTable Table(List<(long Seq, float[] Vector)> rows)
    {
        var table = new CodedVectorTable(HashingEmbedder.DefaultDimensions);
        foreach (var (seq, vector) in rows)
        {
            table.Append(seq, vector);
        }

        return table;
    }

    private static List<long> ExactTop(List<(long Seq, float[] Vector)> rows, float[] query, int k) =>
        rows.OrderByDescending(r => Engram.Local.Embedding.VectorMath.Dot(query, r.Vector)).ThenBy(r => r.Seq).Take(k).Select(r => r.Seq).ToList();

    [Theory]
    [InlineData("host-17 rack 4")]
    [InlineData("service owner alpha")]
    [InlineData("team beta service c2")]
    public void The_table_finds_the_exact_nearest_rows_and_never_a_removed_one(string question)
    {
        var rows = Rows(3000);
        var table = Table(rows);
        var query = Embedder.Embed(question);

        // A shortlist of every row: the 8-bit order then decides, and the exact best ten are among its best 50.
        var found = table.Search(query, rows.Count, 50).Select(f => f.Seq).ToList();
        var exact = ExactTop(rows, query, 10);
        Assert.All(exact, seq => Assert.Contains(seq, found));

        Assert.True(table.Remove(exact[0]));
        Assert.False(table.Remove(11), "no row has seq 11");
        Assert.DoesNotContain(exact[0], table.Search(query, rows.Count, rows.Count).Select(f => f.Seq));
    }

    /// <summary>
    /// The Hamming pass runs in blocks, in parallel from one 65,536-row chunk up, keeping rows under a falling bound:
    /// whatever the split, the shortlist must be exactly the rows a plain scan ranks nearest (equal distances: lower
    /// seq first), minus deleted ones, and the answer the same every time.
    /// </summary>
    [Theory]
    [InlineData(65_535)]
    [InlineData(65_536)]
    [InlineData(65_537)]
    [InlineData(200_000)]
    public void The_shortlist_is_the_plain_scans_nearest_rows_at_any_table_size(int count)
    {
        const int dimensions = 8;
        var random = new Random(count);
        var rows = Enumerable.Range(0, count).Select(i => ((long)(5 + (2 * i)), Gaussian(random, dimensions))).ToList();
        var table = new CodedVectorTable(dimensions);
        foreach (var (seq, vector) in rows)
        {
            table.Append(seq, vector);
        }

        var queries = Enumerable.Range(0, 3).Select(_ => Gaussian(random, dimensions)).ToList();
        // Every 97th row, and the 20 a plain scan finds nearest to the first question.
        var first = table.PlainDistances(queries[0]);
        var removed = Enumerable.Range(0, count).Where(p => p % 97 == 0)
            .Concat(Enumerable.Range(0, count).OrderBy(p => first[p]).ThenBy(p => p).Take(20))
            .Select(p => rows[p].Item1).ToHashSet();
        foreach (var seq in removed)
        {
            Assert.True(table.Remove(seq));
        }

        foreach (var query in queries)
        {
            var distances = table.PlainDistances(query);
            const int shortlist = 700;
            var expected = Enumerable.Range(0, count).Where(p => !removed.Contains(rows[p].Item1))
                .OrderBy(p => distances[p]).ThenBy(p => p).Take(shortlist).Select(p => rows[p].Item1).OrderBy(s => s).ToList();

            var all = table.Search(query, shortlist, shortlist);
            Assert.Equal(expected, all.Select(f => f.Seq).OrderBy(s => s).ToList());
            for (var i = 1; i < all.Count; i++)
            {
                Assert.True(all[i - 1].Cosine > all[i].Cosine || (all[i - 1].Cosine == all[i].Cosine && all[i - 1].Seq < all[i].Seq), $"rank {i} is out of order");
            }

            var byseq = rows.ToDictionary(r => r.Item1, r => r.Item2);
            Assert.All(all, f => Assert.InRange(f.Cosine - Engram.Local.Embedding.VectorMath.Dot(query, byseq[f.Seq]), -0.03f, 0.03f));
            Assert.Equal(all.Take(10).ToList(), table.Search(query, shortlist, 10));
            Assert.Equal(all, table.Search(query, shortlist, shortlist));
        }

        // Back-to-back searches (pool threads still finishing the last one's work must change nothing).
        var first10 = queries.Select(q => table.Search(q, 700, 10)).ToList();
        for (var round = 0; round < 10; round++)
        {
            for (var q = 0; q < queries.Count; q++)
            {
                Assert.Equal(first10[q], table.Search(queries[q], 700, 10));
            }
        }

        // A shortlist past the table's size takes every live row.
        var everything = table.Search(queries[1], count + 10, count + 10).Select(f => f.Seq).ToHashSet();
        Assert.Equal(count - removed.Count, everything.Count);
        Assert.Empty(everything.Intersect(removed));
    }

    private static float[] Gaussian(Random random, int dimensions)
    {
        var vector = new float[dimensions];
        for (var d = 0; d < dimensions; d++)
        {
            vector[d] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        var norm = (float)Math.Sqrt(vector.Sum(x => x * x));
        return vector.Select(x => x / norm).ToArray();
    }

    [Fact]
    public void A_saved_table_loads_with_the_same_answers_and_a_damaged_file_is_refused()
    {
        using var folder = new TempFolder();
        var rows = Rows(1000);
        var table = Table(rows);
        table.Remove(rows[5].Seq);
        var path = folder.File("t.codes");
        table.Save(path);

        var loaded = CodedVectorTable.Load(path, HashingEmbedder.DefaultDimensions);
        Assert.Equal(table.Count, loaded.Count);
        Assert.Equal(table.LastSeq, loaded.LastSeq);
        foreach (var question in new[] { "host-5 rack", "alpha team", "service d3" })
        {
            Assert.Equal(table.Search(Embedder.Embed(question), 200, 20), loaded.Search(Embedder.Embed(question), 200, 20));
        }

        Assert.Throws<InvalidDataException>(() => CodedVectorTable.Load(path, 384));
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length - 7);
        }

        Assert.Throws<InvalidDataException>(() => CodedVectorTable.Load(path, HashingEmbedder.DefaultDimensions));
    }

    [Fact]
    public void Rows_must_come_in_ascending_seq_order()
    {
        var table = Table(Rows(3));
        Assert.Throws<InvalidOperationException>(() => table.Append(5, Embedder.Embed("late")));
    }

    [Fact]
    public async Task An_engine_saves_the_table_as_its_index_and_rebuilds_it_when_the_file_is_missing()
    {
        using var folder = new TempFolder();
        var path = folder.File("coded.db");
        var facts = Enumerable.Range(0, 150).Select(i => $"Server host-{i} in rack {i % 13} runs service {(char)('a' + (i % 7))}{i % 5} with backups at {(i % 24):00}:30 UTC.").ToList();
        List<(string, double?)> before;
        using (var engine = LocalEngine.Open(new LocalEngineOptions { Path = path, VectorIndexMinimum = 100 }))
        {
            await engine.ForTenant("t").StoreMemoriesAsync("b", facts, DedupPolicy.Off);
            await Ask(engine, "warm up");
            engine.WaitForVectorIndexes();
            Assert.True(Index(engine).HasCodes, "retrieval in a large hashing bucket should scan the coded table");
            before = await Ask(engine, "host-17 rack");
        }

        var codes = Directory.GetFiles(path + ".vectors", "*" + ApproximateIndex.CodesSuffix);
        Assert.Single(codes);
        File.Delete(codes[0]);

        using (var reopened = LocalEngine.Open(new LocalEngineOptions { Path = path, VectorIndexMinimum = 100 }))
        {
            Assert.Equal(before, await Ask(reopened, "host-17 rack")); // scanned exactly meanwhile
            reopened.WaitForVectorIndexes();
            Assert.True(Index(reopened).HasCodes, "the table should be rebuilt from the stored vectors");
            Assert.Equal(before, await Ask(reopened, "host-17 rack"));
        }

        Assert.Single(Directory.GetFiles(path + ".vectors", "*" + ApproximateIndex.CodesSuffix));
        using var again = LocalEngine.Open(new LocalEngineOptions { Path = path, VectorIndexMinimum = 100 });
        await Ask(again, "warm up");
        again.WaitForVectorIndexes();
        Assert.True(Index(again).HasCodes);
        Assert.Equal(before, await Ask(again, "host-17 rack"));
    }

    private static ApproximateIndex Index(LocalEngine engine)
    {
        using var connection = engine.Database.OpenConnection();
        return engine.Vectors.Get(connection, BucketRepository.Find(connection, "t", "b")!.Id).Approximate!;
    }

    private static async Task<List<(string Content, double? Score)>> Ask(LocalEngine engine, string question)
    {
        var result = await engine.ForTenant("t").QueryAsync(new QueryRequest(question, "b") { SkipSynthesis = true, TopK = 10 });
        return result.Explanation!.RetrievedMemories.Select(m => (m.Content, m.RawScore)).ToList();
    }
}
