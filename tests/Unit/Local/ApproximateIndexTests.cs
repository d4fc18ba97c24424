using Engram.Client;
using Engram.Local;
using Engram.Local.Storage;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// Large buckets are answered through an approximate vector index (USearch) built in the background and saved
/// beside the database. Users must get the same results as from the exact scan, after a restart too, never a
/// deleted memory, and every write another engine (another process) makes to the file. Small thresholds keep the
/// sets small: on 150 memories the index returns every candidate, so the ranking must equal the exact one.
/// Each runs with the hashing embedder (whose buckets keep a coded table) and with a model embedder (an HNSW graph).
/// </summary>
public class ApproximateIndexTests
{
    private const int Threshold = 100;
    private const int Memories = 150;

    private static readonly string[] Questions = { "host-17 rack", "backup schedule for host-42", "service owner alpha", "rack 5 power", "latency of host-3" };

    private static LocalEngine Open(TempFolder folder, string name, bool indexed, bool graph) =>
        LocalEngine.Open(new LocalEngineOptions { Path = folder.File(name), VectorIndexMinimum = indexed ? Threshold : int.MaxValue, Embedder = graph ? new ModelLikeEmbedder() : null });

    private static List<string> Facts(int from, int count) =>
        Enumerable.Range(from, count).Select(i => $"Server host-{i} in rack {i % 13} runs service {(char)('a' + (i % 7))}{i % 5} with backups at {(i % 24):00}:30 UTC, owner team {(i % 11 == 0 ? "alpha" : "beta")}.").ToList();

    private static async Task Fill(LocalEngine engine, IEnumerable<string> facts)
    {
        await engine.ForTenant("t").StoreMemoriesAsync("b", facts.ToList(), DedupPolicy.Off);
    }

    private static async Task<List<(string Content, double? Score)>> Ask(LocalEngine engine, string question)
    {
        var result = await engine.ForTenant("t").QueryAsync(new QueryRequest(question, "b") { SkipSynthesis = true, TopK = 10 });
        return result.Explanation!.RetrievedMemories.Select(m => (m.Content, m.RawScore)).ToList();
    }

    private static bool UsesIndex(LocalEngine engine)
    {
        using var connection = engine.Database.OpenConnection();
        var bucket = BucketRepository.Find(connection, "t", "b")!;
        return engine.Vectors.Get(connection, bucket.Id).Approximate != null;
    }

    private static Engram.Local.Retrieval.ApproximateIndex Index(LocalEngine engine)
    {
        using var connection = engine.Database.OpenConnection();
        return engine.Vectors.Get(connection, BucketRepository.Find(connection, "t", "b")!.Id).Approximate!;
    }

    private static async Task<LocalEngine> IndexedEngine(TempFolder folder, bool graph, string name = "indexed.db")
    {
        var engine = Open(folder, name, indexed: true, graph);
        await Fill(engine, Facts(0, Memories));
        await Ask(engine, "warm up"); // the bucket is seen at its size: indexing starts
        engine.WaitForVectorIndexes();
        Assert.True(UsesIndex(engine), "the bucket above the threshold should be answered through its index");
        Assert.Equal(graph, Index(engine).HasGraph);
        return engine;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Results_through_the_index_equal_the_exact_scan(bool graph)
    {
        using var folder = new TempFolder();
        using var exact = Open(folder, "exact.db", indexed: false, graph);
        await Fill(exact, Facts(0, Memories));
        using var indexed = await IndexedEngine(folder, graph);

        Assert.False(UsesIndex(exact));
        foreach (var question in Questions)
        {
            Assert.Equal(await Ask(exact, question), await Ask(indexed, question));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_saved_index_answers_after_a_restart_without_a_rebuild(bool graph)
    {
        using var folder = new TempFolder();
        List<(string, double?)> before;
        using (var engine = await IndexedEngine(folder, graph))
        {
            before = await Ask(engine, Questions[0]);
        }

        var saved = Directory.GetFiles(folder.File("indexed.db") + ".vectors");
        Assert.Single(saved);
        Assert.EndsWith(graph ? Engram.Local.Retrieval.ApproximateIndex.GraphExtension : Engram.Local.Retrieval.ApproximateIndex.CodesSuffix, saved[0]);
        using var reopened = Open(folder, "indexed.db", indexed: true, graph);
        // No waiting: the first query after opening is answered from the saved file.
        Assert.True(UsesIndex(reopened));
        Assert.Equal(before, await Ask(reopened, Questions[0]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_deleted_memory_is_never_returned_through_the_index(bool graph)
    {
        using var folder = new TempFolder();
        using var engine = await IndexedEngine(folder, graph);
        var service = engine.ForTenant("t");
        var top = (await service.QueryAsync(new QueryRequest("host-17 rack", "b") { SkipSynthesis = true })).Explanation!.RetrievedMemories[0];

        await service.DeleteMemoryAsync("b", top.MemoryId);

        var after = await Ask(engine, "host-17 rack");
        Assert.DoesNotContain(after, r => r.Content == top.Content);
        Assert.True(UsesIndex(engine));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Writes_and_deletes_by_another_engine_on_the_file_are_seen(bool graph)
    {
        using var folder = new TempFolder();
        using var engine = await IndexedEngine(folder, graph);
        var victim = (await engine.ForTenant("t").QueryAsync(new QueryRequest("host-42 backup", "b") { SkipSynthesis = true })).Explanation!.RetrievedMemories[0];

        using (var other = Open(folder, "indexed.db", indexed: true, graph))
        {
            var service = other.ForTenant("t");
            await service.DeleteMemoryAsync("b", victim.MemoryId);
            await service.StoreMemoryAsync("b", "The zeppelin hangar keeps its spare ropes in locker 99.", DedupPolicy.Off);
        }

        var found = await Ask(engine, "zeppelin hangar ropes");
        Assert.Equal("The zeppelin hangar keeps its spare ropes in locker 99.", found[0].Content);
        Assert.DoesNotContain(await Ask(engine, "host-42 backup"), r => r.Content == victim.Content);
        Assert.True(UsesIndex(engine));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_stale_saved_index_catches_up_with_rows_and_deletes_made_after_it(bool graph)
    {
        using var folder = new TempFolder();
        string victim;
        using (var engine = await IndexedEngine(folder, graph))
        {
            victim = (await engine.ForTenant("t").QueryAsync(new QueryRequest("host-3 latency", "b") { SkipSynthesis = true })).Explanation!.RetrievedMemories[0].MemoryId;
        }

        // Another engine with the index turned off writes the file: the saved index now lags behind it.
        using (var writer = Open(folder, "indexed.db", indexed: false, graph))
        {
            var service = writer.ForTenant("t");
            await service.DeleteMemoryAsync("b", victim);
            await Fill(writer, Facts(Memories, 20));
        }

        using var reopened = Open(folder, "indexed.db", indexed: true, graph);
        using var exact = Open(folder, "exact.db", indexed: false, graph);
        await Fill(exact, Facts(0, Memories + 20));
        await exact.ForTenant("t").DeleteMemoryAsync("b", (await exact.ForTenant("t").QueryAsync(new QueryRequest("host-3 latency", "b") { SkipSynthesis = true })).Explanation!.RetrievedMemories[0].MemoryId);

        Assert.True(UsesIndex(reopened));
        foreach (var question in Questions.Append($"host-{Memories + 7} rack"))
        {
            Assert.Equal(await Ask(exact, question), await Ask(reopened, question));
        }
    }

    [Fact]
    public void A_mapped_saved_index_answers_without_the_rows_removed_from_it_and_takes_none()
    {
        using var folder = new TempFolder();
        var path = folder.File("one.usearch");
        var vectors = Enumerable.Range(0, 50).Select(i => (Seq: (long)(i + 1), Vector: Enumerable.Range(0, 8).Select(d => (float)Math.Cos(i * 0.7 + d)).ToArray())).ToList();
        using (var built = Engram.Local.Retrieval.ApproximateIndex.Create(8, 0))
        {
            built.Add(vectors, 50);
            built.Save(path);
        }

        using var mapped = Engram.Local.Retrieval.ApproximateIndex.View(path, 50, 0);
        var nearest = mapped.Search(vectors[9].Vector, 1)[0].Seq;
        Assert.Equal(10, nearest);

        mapped.Remove(new long[] { 10 }, 1);

        Assert.True(mapped.IsView);
        Assert.DoesNotContain(mapped.Search(vectors[9].Vector, 50), hit => hit.Seq == 10);
        Assert.Equal(1, mapped.Deletion);
        Assert.Throws<InvalidOperationException>(() => mapped.Add(new[] { (51L, vectors[0].Vector) }, 51));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_reopened_engine_answers_from_the_mapped_file_then_a_loaded_copy_that_keeps_growing(bool graph)
    {
        using var folder = new TempFolder();
        (await IndexedEngine(folder, graph)).Dispose();
        using var reopened = Open(folder, "indexed.db", indexed: true, graph);
        var service = reopened.ForTenant("t");
        var victim = (await service.QueryAsync(new QueryRequest("host-17 rack", "b") { SkipSynthesis = true })).Explanation!.RetrievedMemories[0];

        // Deleted while the mapped file may still be answering: masked there, removed from the loaded copy.
        await service.DeleteMemoryAsync("b", victim.MemoryId);
        Assert.DoesNotContain(await Ask(reopened, "host-17 rack"), r => r.Content == victim.Content);
        reopened.WaitForVectorIndexes();
        await Fill(reopened, Facts(Memories, Engram.Local.Retrieval.VectorIndexSet.BuildChunk + 10));
        await Ask(reopened, "warm up");
        reopened.WaitForVectorIndexes();

        using (var connection = reopened.Database.OpenConnection())
        {
            var snapshot = reopened.Vectors.Get(connection, BucketRepository.Find(connection, "t", "b")!.Id);
            Assert.False(snapshot.Approximate!.IsView);
            Assert.True(snapshot.Approximate.MaxSeq > Memories, "the loaded copy should index the rows stored after the restart");
        }

        using var exact = Open(folder, "exact.db", indexed: false, graph);
        await Fill(exact, Facts(0, Memories + Engram.Local.Retrieval.VectorIndexSet.BuildChunk + 10));
        await exact.ForTenant("t").DeleteMemoryAsync("b", (await exact.ForTenant("t").QueryAsync(new QueryRequest("host-17 rack", "b") { SkipSynthesis = true })).Explanation!.RetrievedMemories[0].MemoryId);
        foreach (var question in Questions.Append($"host-{Memories + 700} rack"))
        {
            Assert.Equal(await Ask(exact, question), await Ask(reopened, question));
        }
    }
}

/// <summary>The hashing embedder's vectors under another provider's name: the engine treats it as a model embedder.</summary>
public sealed class ModelLikeEmbedder : VectorEmbedder
{
    private readonly HashingEmbedder _vectors = new();

    public ModelLikeEmbedder()
        : base("test-model", "hashing-256", HashingEmbedder.DefaultDimensions)
    {
    }

    public override float[] Embed(string text) => _vectors.Embed(text);
}
