using Engram.Client;
using Engram.Local;
using Engram.Local.Embedding;
using Engram.Local.Retrieval;
using Engram.Local.Storage;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// Large buckets of hashing vectors are searched through a coded table (the 8-bit codes of every row, scanned in
/// full over the query's non-zero components) instead of the HNSW graph, whose recall on those vectors is poor. Users rely on it finding the
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

        // The 8-bit order decides, and the exact best ten are among its best 50.
        var found = table.Search(query, 50).Select(f => f.Seq).ToList();
        var exact = ExactTop(rows, query, 10);
        Assert.All(exact, seq => Assert.Contains(seq, found));

        Assert.True(table.Remove(exact[0]));
        Assert.False(table.Remove(11), "no row has seq 11");
        Assert.DoesNotContain(exact[0], table.Search(query, rows.Count).Select(f => f.Seq));
    }

    /// <summary>
    /// The pass runs in blocks of 8,192 rows, in parallel from one 65,536-row chunk up, over the query's non-zero
    /// components only, keeping rows at or above a rising floor: whatever the split, the answer must be exactly the
    /// best k live rows by 8-bit cosine as a plain row-by-row computation ranks them (equal cosines: lower seq
    /// first), with the same cosines, and the same every time.
    /// </summary>
    [Theory]
    [InlineData(8_191, 8)]
    [InlineData(8_193, 9)]
    [InlineData(65_535, 8)]
    [InlineData(65_536, 9)]
    [InlineData(65_537, 8)]
    [InlineData(200_000, 9)]
    public void The_best_rows_are_the_plain_8bit_scans_at_any_table_size(int count, int dimensions)
    {
        var random = new Random(count);
        var rows = Enumerable.Range(0, count).Select(i => ((long)(5 + (2 * i)), Sparse(random, dimensions))).ToList();
        var table = new CodedVectorTable(dimensions);
        foreach (var (seq, vector) in rows)
        {
            table.Append(seq, vector);
        }

        var queries = Enumerable.Range(0, 3).Select(_ => Sparse(random, dimensions)).ToList();
        // Every 97th row, and the 20 a plain scan finds best for the first question.
        var removed = Enumerable.Range(0, count).Where(p => p % 97 == 0).Select(p => rows[p].Item1)
            .Concat(PlainBest(rows, queries[0], new HashSet<long>(), 20).Select(f => f.Seq))
            .ToHashSet();
        foreach (var seq in removed)
        {
            Assert.True(table.Remove(seq));
        }

        foreach (var query in queries)
        {
            const int k = 700;
            var expected = PlainBest(rows, query, removed, k);
            var found = table.Search(query, k);
            Assert.Equal(expected, found);
            Assert.Equal(expected.Take(10).ToList(), table.Search(query, 10));

            var byseq = rows.ToDictionary(r => r.Item1, r => r.Item2);
            Assert.All(found, f => Assert.InRange(f.Cosine - Engram.Local.Embedding.VectorMath.Dot(query, byseq[f.Seq]), -0.03f, 0.03f));
        }

        // Back-to-back searches (pool threads still finishing the last one's work must change nothing).
        var first10 = queries.Select(q => table.Search(q, 10)).ToList();
        for (var round = 0; round < 10; round++)
        {
            for (var q = 0; q < queries.Count; q++)
            {
                Assert.Equal(first10[q], table.Search(queries[q], 10));
            }
        }

        // Asking for more than the table holds gives every live row.
        var everything = table.Search(queries[1], count + 10).Select(f => f.Seq).ToHashSet();
        Assert.Equal(count - removed.Count, everything.Count);
        Assert.Empty(everything.Intersect(removed));
    }

    /// <summary>The best <paramref name="k"/> live rows by 8-bit cosine, computed row by row: (query scale × row scale) × code dot product.</summary>
    private static List<(long Seq, float Cosine)> PlainBest(List<(long Seq, float[] Vector)> rows, float[] query, ISet<long> removed, int k)
    {
        var dimensions = query.Length;
        var codedQuery = new sbyte[dimensions];
        var queryScale = Int8Codes.Encode(query, 0, dimensions, codedQuery, 0);
        var wide = codedQuery.Select(c => (short)c).ToArray();
        var code = new sbyte[dimensions];
        var scored = new List<(long Seq, float Cosine)>();
        foreach (var (seq, vector) in rows)
        {
            if (!removed.Contains(seq))
            {
                var scale = Int8Codes.Encode(vector, 0, dimensions, code, 0);
                scored.Add((seq, queryScale * scale * (float)Int8Codes.Dot(wide, code, 0, dimensions)));
            }
        }

        return scored.OrderByDescending(s => s.Cosine).ThenBy(s => s.Seq).Take(k).ToList();
    }

    /// <summary>A unit vector with about a third of its components zero (hashing vectors are sparse, and the pass skips a query's zeros).</summary>
    private static float[] Sparse(Random random, int dimensions)
    {
        var vector = Gaussian(random, dimensions);
        for (var d = 0; d < dimensions; d++)
        {
            if (random.Next(3) == 0)
            {
                vector[d] = 0f;
            }
        }

        var norm = (float)Math.Sqrt(vector.Sum(x => x * x));
        return norm == 0 ? Gaussian(random, dimensions) : vector.Select(x => x / norm).ToArray();
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
            Assert.Equal(table.Search(Embedder.Embed(question), 20), loaded.Search(Embedder.Embed(question), 20));
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
