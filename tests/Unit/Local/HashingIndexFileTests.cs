using Engram.Client;
using Engram.Local;
using Engram.Local.Retrieval;
using Engram.Local.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// A large bucket of the hashing embedder is indexed by its coded table alone: no HNSW graph is built, saved, loaded
/// or held. Users rely on that index answering exactly like a full scan, after a restart too, never returning a
/// deleted memory, seeing what another engine on the file wrote, and reading the files the previous version left
/// (a graph with its coded table beside it) without leaving files behind. The saved table is read in the background
/// from the engine's opening on, so the first query rarely waits for it, and without missing what others wrote since.
/// </summary>
public class HashingIndexFileTests
{
    private const int Threshold = 100;
    private const int Memories = 150;

    private static readonly string[] Questions = { "host-17 rack", "backup schedule for host-42", "service owner alpha", "rack 5 power", "latency of host-3" };

    private static LocalEngine Open(TempFolder folder, string name = "indexed.db", bool indexed = true) =>
        LocalEngine.Open(new LocalEngineOptions { Path = folder.File(name), VectorIndexMinimum = indexed ? Threshold : int.MaxValue });

    private static List<string> Facts(int from, int count) =>
        Enumerable.Range(from, count).Select(i => $"Server host-{i} in rack {i % 13} runs service {(char)('a' + (i % 7))}{i % 5} with backups at {(i % 24):00}:30 UTC, owner team {(i % 11 == 0 ? "alpha" : "beta")}.").ToList();

    private static Task Fill(LocalEngine engine, IEnumerable<string> facts) =>
        engine.ForTenant("t").StoreMemoriesAsync("b", facts.ToList(), DedupPolicy.Off);

    private static async Task<List<(string Content, double? Score)>> Ask(LocalEngine engine, string question)
    {
        var result = await engine.ForTenant("t").QueryAsync(new QueryRequest(question, "b") { SkipSynthesis = true, TopK = 10 });
        return result.Explanation!.RetrievedMemories.Select(m => (m.Content, m.RawScore)).ToList();
    }

    private static ApproximateIndex? Index(LocalEngine engine)
    {
        using var connection = engine.Database.OpenConnection();
        return engine.Vectors.Get(connection, BucketId(engine)).Approximate;
    }

    private static string BucketId(LocalEngine engine)
    {
        using var connection = engine.Database.OpenConnection();
        return BucketRepository.Find(connection, "t", "b")!.Id;
    }

    private static string[] IndexFiles(TempFolder folder, string pattern) =>
        Directory.Exists(folder.File("indexed.db") + ".vectors") ? Directory.GetFiles(folder.File("indexed.db") + ".vectors", pattern) : Array.Empty<string>();

    private static async Task<LocalEngine> IndexedEngine(TempFolder folder)
    {
        var engine = Open(folder);
        await Fill(engine, Facts(0, Memories));
        await Ask(engine, "warm up"); // the bucket is seen at its size: indexing starts
        engine.WaitForVectorIndexes();
        Assert.NotNull(Index(engine));
        return engine;
    }

    /// <summary>The same bucket in a file with no index: what every answer must equal.</summary>
    /// <remarks>Fills the first <see cref="Memories"/>, deletes the best answer to each of <paramref name="deletedTopOf"/>, then stores <paramref name="more"/>.</remarks>
    private static async Task<LocalEngine> ExactEngine(TempFolder folder, int more = 0, params string[] deletedTopOf)
    {
        var exact = Open(folder, "exact-" + Guid.NewGuid().ToString("N") + ".db", indexed: false);
        await Fill(exact, Facts(0, Memories));
        foreach (var question in deletedTopOf)
        {
            var top = (await exact.ForTenant("t").QueryAsync(new QueryRequest(question, "b") { SkipSynthesis = true })).Explanation!.RetrievedMemories[0];
            await exact.ForTenant("t").DeleteMemoryAsync("b", top.MemoryId);
        }

        if (more > 0)
        {
            await Fill(exact, Facts(Memories, more));
        }

        return exact;
    }

    private static async Task AssertAnswersEqual(LocalEngine exact, LocalEngine indexed, IEnumerable<string> questions)
    {
        foreach (var question in questions)
        {
            Assert.Equal(await Ask(exact, question), await Ask(indexed, question));
        }
    }

    [Fact]
    public async Task A_hashing_bucket_saves_only_its_coded_table_and_reopens_answering_like_the_exact_scan()
    {
        using var folder = new TempFolder();
        using (var engine = await IndexedEngine(folder))
        {
            Assert.True(Index(engine)!.HasCodes);
            Assert.False(Index(engine)!.HasGraph, "a hashing bucket should hold no graph");
        }

        Assert.Empty(IndexFiles(folder, "*" + ApproximateIndex.GraphExtension + "*"));
        Assert.Single(IndexFiles(folder, "*" + ApproximateIndex.CodesSuffix));

        using var reopened = Open(folder);
        // No waiting: the first query after opening reads the saved table.
        var index = Index(reopened);
        Assert.NotNull(index);
        Assert.False(index!.HasGraph);
        using var exact = await ExactEngine(folder);
        await AssertAnswersEqual(exact, reopened, Questions);
    }

    [Fact]
    public async Task A_table_in_the_previous_format_answers_like_the_exact_scan_and_is_saved_in_this_one_at_close()
    {
        using var folder = new TempFolder();
        (await IndexedEngine(folder)).Dispose();
        var saved = IndexFiles(folder, "*" + ApproximateIndex.CodesSuffix).Single();
        WritePreviousFormat(folder, saved);
        Assert.True(CodedVectorTable.Load(saved, HashingEmbedder.DefaultDimensions).ReadFromOlderFormat);

        using (var reopened = Open(folder))
        {
            using var exact = await ExactEngine(folder);
            await AssertAnswersEqual(exact, reopened, Questions);
            Assert.True(Index(reopened)!.HasCodes, "the previous format's table should answer, not a rebuild");
        }

        var now = IndexFiles(folder, "*" + ApproximateIndex.CodesSuffix).Single();
        Assert.False(File.Exists(saved), "the previous format's file should be replaced");
        Assert.False(CodedVectorTable.Load(now, HashingEmbedder.DefaultDimensions).ReadFromOlderFormat);
        using var again = Open(folder);
        using var exactAgain = await ExactEngine(folder);
        await AssertAnswersEqual(exactAgain, again, Questions);
    }

    [Fact]
    public async Task Deleted_memories_never_come_back_through_the_saved_table()
    {
        using var folder = new TempFolder();
        using (var engine = await IndexedEngine(folder))
        {
            var top = (await engine.ForTenant("t").QueryAsync(new QueryRequest("host-17 rack", "b") { SkipSynthesis = true })).Explanation!.RetrievedMemories[0];
            await engine.ForTenant("t").DeleteMemoryAsync("b", top.MemoryId);
            Assert.DoesNotContain(await Ask(engine, "host-17 rack"), r => r.Content == top.Content);
        }

        // Deleted after the reopened engine read the table: removed from it through the deletion log.
        using var reopened = Open(folder);
        Assert.NotNull(Index(reopened));
        using (var other = Open(folder))
        {
            var top = (await other.ForTenant("t").QueryAsync(new QueryRequest("latency of host-3", "b") { SkipSynthesis = true })).Explanation!.RetrievedMemories[0];
            await other.ForTenant("t").DeleteMemoryAsync("b", top.MemoryId);
        }

        using var exact = await ExactEngine(folder, 0, "host-17 rack", "latency of host-3");
        await AssertAnswersEqual(exact, reopened, Questions);
        reopened.Dispose();

        using var again = Open(folder);
        await AssertAnswersEqual(exact, again, Questions);
    }

    [Fact]
    public async Task A_second_engine_on_the_file_sees_the_first_engines_writes_and_deletes()
    {
        using var folder = new TempFolder();
        (await IndexedEngine(folder)).Dispose();
        using var writer = Open(folder);
        using var reader = Open(folder);
        Assert.NotNull(Index(reader));

        var victim = (await writer.ForTenant("t").QueryAsync(new QueryRequest("backup schedule for host-42", "b") { SkipSynthesis = true })).Explanation!.RetrievedMemories[0];
        await writer.ForTenant("t").DeleteMemoryAsync("b", victim.MemoryId);
        await Fill(writer, Facts(Memories, VectorIndexSet.BuildChunk + 10));
        await Ask(writer, "warm up");
        writer.WaitForVectorIndexes(); // the writer's table takes the new rows

        var exact = await ExactEngine(folder, VectorIndexSet.BuildChunk + 10, "backup schedule for host-42");
        using (exact)
        {
            await AssertAnswersEqual(exact, reader, Questions.Append($"host-{Memories + 700} rack"));
            await Ask(reader, "warm up");
            reader.WaitForVectorIndexes(); // the reader's table catches up from the rows too
            Assert.True(Index(reader)!.MaxSeq > Memories);
            await AssertAnswersEqual(exact, reader, Questions.Append($"host-{Memories + 700} rack"));
        }

        Assert.Empty(IndexFiles(folder, "*" + ApproximateIndex.GraphExtension + "*"));
    }

    [Fact]
    public async Task The_previous_versions_graph_and_table_pair_is_read_as_the_table_and_the_graph_removed_at_the_next_save()
    {
        using var folder = new TempFolder();
        var (graph, codes) = await PreviousVersionPair(folder);
        Assert.True(File.Exists(graph) && File.Exists(codes));

        using (var reopened = Open(folder))
        {
            // No waiting: the pair's table answers the first query; the graph is not read.
            var index = Index(reopened);
            Assert.NotNull(index);
            Assert.True(index!.HasCodes);
            Assert.False(index.HasGraph);
            using (var exact = await ExactEngine(folder))
            {
                await AssertAnswersEqual(exact, reopened, Questions);
            }

            // Rows enough for a build step: the index takes them, and is saved on closing.
            await Fill(reopened, Facts(Memories, VectorIndexSet.BuildChunk + 10));
            await Ask(reopened, "warm up");
            reopened.WaitForVectorIndexes();
        }

        Assert.False(File.Exists(graph), "the previous version's graph should be removed once the index is saved again");
        Assert.False(File.Exists(codes), "and the table beside it");
        Assert.Empty(IndexFiles(folder, "*" + ApproximateIndex.GraphExtension + "*"));
        Assert.Single(IndexFiles(folder, "*" + ApproximateIndex.CodesSuffix));
        using var again = Open(folder);
        using var exactAfter = await ExactEngine(folder, VectorIndexSet.BuildChunk + 10);
        await AssertAnswersEqual(exactAfter, again, Questions.Append($"host-{Memories + 700} rack"));
    }

    [Fact]
    public async Task A_previous_versions_graph_without_its_table_is_rebuilt_from_the_stored_vectors()
    {
        using var folder = new TempFolder();
        var (graph, codes) = await PreviousVersionPair(folder);
        File.Delete(codes);

        using var reopened = Open(folder);
        using var exact = await ExactEngine(folder);
        await AssertAnswersEqual(exact, reopened, Questions); // scanned exactly meanwhile
        reopened.WaitForVectorIndexes();
        var index = Index(reopened);
        Assert.NotNull(index);
        Assert.False(index!.HasGraph);
        await AssertAnswersEqual(exact, reopened, Questions);
        Assert.True(File.Exists(codes), "the rebuilt table should be written for the next open");
        Assert.True(File.Exists(graph), "the recorded graph stays until the index is saved again");
    }

    [Theory]
    [InlineData("cut short")]
    [InlineData("rows out of order")]
    public async Task A_damaged_saved_table_is_rebuilt_from_the_stored_vectors(string damage)
    {
        using var folder = new TempFolder();
        (await IndexedEngine(folder)).Dispose();
        var saved = IndexFiles(folder, "*" + ApproximateIndex.CodesSuffix).Single();
        var bytes = File.ReadAllBytes(saved);
        if (damage == "cut short")
        {
            bytes = bytes.Take(bytes.Length - 7).ToArray();
        }
        else
        {
            // The second row's seq made the first's.
            Array.Copy(bytes, SavedCodedTableTests.FirstSeqOffset, bytes, SavedCodedTableTests.FirstSeqOffset + 8, 8);
        }

        File.WriteAllBytes(saved, bytes);

        using (var reopened = Open(folder))
        {
            using var exact = await ExactEngine(folder);
            await AssertAnswersEqual(exact, reopened, Questions);
            reopened.WaitForVectorIndexes();
            Assert.NotNull(Index(reopened));
            await AssertAnswersEqual(exact, reopened, Questions);
        }

        Assert.Equal(Memories, CodedVectorTable.Load(saved, HashingEmbedder.DefaultDimensions).Count);
    }

    [Fact]
    public async Task Coded_tables_left_beside_removed_graphs_are_removed_when_the_index_is_saved()
    {
        using var folder = new TempFolder();
        string bucketId;
        using (var engine = await IndexedEngine(folder))
        {
            bucketId = BucketId(engine);
        }

        // What the previous version left when it replaced (or lost) a graph: its table, without the graph.
        var orphan = Path.Combine(folder.File("indexed.db") + ".vectors", bucketId + "-" + Guid.NewGuid().ToString("N") + ApproximateIndex.GraphExtension + ApproximateIndex.CodesSuffix);
        File.Copy(IndexFiles(folder, "*" + ApproximateIndex.CodesSuffix).Single(), orphan);
        using (var engine = Open(folder))
        {
            await Fill(engine, Facts(Memories, VectorIndexSet.BuildChunk + 10));
            await Ask(engine, "warm up");
            engine.WaitForVectorIndexes();
        }

        Assert.False(File.Exists(orphan));
        Assert.Single(IndexFiles(folder, "*" + ApproximateIndex.CodesSuffix));
    }

    [Fact]
    public async Task Deleting_the_bucket_removes_its_index_files()
    {
        using var folder = new TempFolder();
        (await IndexedEngine(folder)).Dispose();
        Assert.NotEmpty(IndexFiles(folder, "*"));
        using var reopened = Open(folder);
        Assert.NotNull(Index(reopened));

        await reopened.ForTenant("t").DeleteBucketAsync("b");

        Assert.Empty(IndexFiles(folder, "*"));
    }

    [Fact]
    public async Task Opening_the_file_reads_its_saved_table_before_the_first_query_asks()
    {
        using var folder = new TempFolder();
        (await IndexedEngine(folder)).Dispose();

        using var reopened = Open(folder);
        reopened.WaitForVectorIndexes();
        Assert.True(reopened.Vectors.Indexes!.Holds(BucketId(reopened)), "the saved table should be read from the engine's opening on");
        Assert.Null(reopened.Vectors.Indexes.LastFailure);
        using var exact = await ExactEngine(folder);
        await AssertAnswersEqual(exact, reopened, Questions);
    }

    [Fact]
    public async Task A_table_read_at_opening_catches_up_with_another_engines_deletes_writes_and_newer_save()
    {
        using var folder = new TempFolder();
        (await IndexedEngine(folder)).Dispose();
        var first = IndexFiles(folder, "*" + ApproximateIndex.CodesSuffix).Single();

        using var reader = Open(folder);
        reader.WaitForVectorIndexes(); // holds the table of the first save
        using (var writer = Open(folder))
        {
            var victim = (await writer.ForTenant("t").QueryAsync(new QueryRequest("backup schedule for host-42", "b") { SkipSynthesis = true })).Explanation!.RetrievedMemories[0];
            await writer.ForTenant("t").DeleteMemoryAsync("b", victim.MemoryId);
            await Fill(writer, Facts(Memories, VectorIndexSet.BuildChunk + 10));
            await Ask(writer, "warm up");
            writer.WaitForVectorIndexes();
        }

        // The writer saved a newer table on closing and removed the one the reader read.
        Assert.False(File.Exists(first));
        using var exact = await ExactEngine(folder, VectorIndexSet.BuildChunk + 10, "backup schedule for host-42");
        await AssertAnswersEqual(exact, reader, Questions.Append($"host-{Memories + 700} rack"));
        using var again = Open(folder);
        await AssertAnswersEqual(exact, again, Questions.Append($"host-{Memories + 700} rack"));
    }

    [Fact]
    public async Task Closing_right_after_opening_leaves_the_saved_table_for_the_next_opening()
    {
        using var folder = new TempFolder();
        (await IndexedEngine(folder)).Dispose();
        var saved = IndexFiles(folder, "*" + ApproximateIndex.CodesSuffix).Single();
        var bytes = File.ReadAllBytes(saved);

        for (var i = 0; i < 3; i++)
        {
            Open(folder).Dispose(); // while its table may still be being read
        }

        Assert.Equal(bytes, File.ReadAllBytes(IndexFiles(folder, "*" + ApproximateIndex.CodesSuffix).Single()));
        using var reopened = Open(folder);
        using var exact = await ExactEngine(folder);
        await AssertAnswersEqual(exact, reopened, Questions);
    }

    /// <summary>The bucket's stored vectors as the previous table format saved them (<see cref="PreviousCodedTableFormat"/>), at <paramref name="path"/>.</summary>
    private static void WritePreviousFormat(TempFolder folder, string path)
    {
        using var engine = Open(folder, indexed: false);
        using var connection = engine.Database.OpenConnection();
        var rows = VectorIndexStore.ReadVectorChunk(connection, BucketRepository.Find(connection, "t", "b")!.Id, 0, 10_000)
            .Select(r => (r.Seq, Engram.Local.Embedding.VectorMath.FromBytes(r.Embedding, HashingEmbedder.DefaultDimensions)))
            .ToList();
        PreviousCodedTableFormat.Write(path, HashingEmbedder.DefaultDimensions, rows, new HashSet<long>());
    }

    /// <summary>
    /// The files the previous version saved for this bucket: a graph (<c>X.usearch</c>, recorded) and its coded table
    /// beside it (<c>X.usearch.codes</c>), made from this version's saved table and the stored vectors.
    /// </summary>
    private static async Task<(string Graph, string Codes)> PreviousVersionPair(TempFolder folder)
    {
        (await IndexedEngine(folder)).Dispose();
        var table = IndexFiles(folder, "*" + ApproximateIndex.CodesSuffix).Single();
        var name = Path.GetFileNameWithoutExtension(table) + ApproximateIndex.GraphExtension;
        var graph = Path.Combine(Path.GetDirectoryName(table)!, name);
        using (var engine = Open(folder, indexed: false))
        using (var connection = engine.Database.OpenConnection())
        {
            var bucketId = BucketRepository.Find(connection, "t", "b")!.Id;
            var rows = VectorIndexStore.ReadVectorChunk(connection, bucketId, 0, 10_000)
                .Select(r => (r.Seq, Engram.Local.Embedding.VectorMath.FromBytes(r.Embedding, HashingEmbedder.DefaultDimensions)))
                .ToList();
            using (var built = ApproximateIndex.Create(HashingEmbedder.DefaultDimensions, 0))
            {
                built.Add(rows, rows[rows.Count - 1].Seq);
                built.Save(graph);
            }

            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE vector_indexes SET file = $file WHERE bucket_id = $bucket;";
            command.Parameters.AddWithValue("$file", name);
            command.Parameters.AddWithValue("$bucket", bucketId);
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        // The pair's table in the format that version wrote.
        File.Delete(table);
        WritePreviousFormat(folder, graph + ApproximateIndex.CodesSuffix);
        return (graph, graph + ApproximateIndex.CodesSuffix);
    }
}
