using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Local;
using Engram.Local.Dedup;
using Engram.Local.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// The dedup check reads its merge candidates by fact key from the file (<see cref="FactTokens.Key(string)"/>), so it
/// finds every memory the rule would merge into at any bucket size, after a restart, when another engine wrote it, and
/// never one that was deleted; files from before the key get it on open.
/// </summary>
public class DedupCandidateTests
{
    [Fact]
    public async Task A_restatement_merges_into_its_fact_even_when_closer_memories_with_other_facts_outnumber_the_index_search()
    {
        // 60 memories identical in vector to the write but with other digits, all held by the approximate index: a
        // vector search of the nearest few returns only those, the one fact that agrees lies at cosine 0.97.
        using var folder = new TempFolder();
        var embedder = new PlaneEmbedder().At("Order 5 shipped today.", 0.97);
        var decoys = Enumerable.Range(100, 60).Select(i => $"Order {i} shipped today.").ToList();
        var options = new LocalEngineOptions { Path = folder.File(), Embedder = embedder, VectorIndexMinimum = 50 };
        string canonicalId;
        using (var engine = LocalEngine.Open(options))
        {
            var service = engine.ForTenant("t");
            canonicalId = (await service.StoreMemoryAsync("b", "Order 5 shipped today.")).Id;
            await service.StoreMemoriesAsync("b", decoys, DedupPolicy.Off);
            await service.QueryAsync(new QueryRequest("warm up", "b") { SkipSynthesis = true });
            engine.WaitForVectorIndexes();
            using (var connection = engine.Database.OpenConnection())
            {
                Assert.NotNull(engine.Vectors.Get(connection, StoredBucketId(engine)).Approximate);
            }

            var same = await service.StoreMemoriesAsync("b", new[] { "Order 5 shipped today!", "filler" });
            Assert.Equal((canonicalId, MergeReasons.EmbeddingSimilarity), (same[0].DedupedInto, same[0].MergeReason));
        }

        // After a restart, and from a second engine on the same file while the first is open: the same merge.
        using (var first = LocalEngine.Open(options))
        using (var second = LocalEngine.Open(options))
        {
            Assert.Equal(canonicalId, (await first.ForTenant("t").StoreMemoryAsync("b", "order 5 shipped today")).DedupedInto);
            var written = await second.ForTenant("t").StoreMemoryAsync("b", "Order 7 left the depot.");
            Assert.Equal(StoreMemoryResult.StatusStored, written.Status);
            var restated = await first.ForTenant("t").StoreMemoriesAsync("b", new[] { "Order 7 left the depot!", "Order 5 shipped today?" });
            Assert.Equal(written.Id, restated[0].DedupedInto);
            Assert.Equal(canonicalId, restated[1].DedupedInto);
        }
    }

    [Fact]
    public async Task A_key_with_more_rows_than_the_lookup_reads_still_finds_the_exact_duplicate_and_merges_into_the_oldest()
    {
        // 70 dedup-off rewordings share one fact key (punctuation only differs): the lookup reads the oldest 64 of
        // them, in one statement with other keys of the chunk, and an exact repeat of the 70th is found by its hash.
        using var folder = new TempFolder();
        using var engine = LocalEngine.Open(new LocalEngineOptions { Path = folder.File() });
        var service = engine.ForTenant("t");
        var texts = Enumerable.Range(1, FactKeyLookup.MaxRowsPerKey + 6).Select(i => "The rate limit is 300 requests" + new string('!', i)).ToList();
        var stored = await service.StoreMemoriesAsync("b", texts, DedupPolicy.Off);
        var other = await service.StoreMemoryAsync("b", "Backups run at 02:00 UTC.");

        var results = await service.StoreMemoriesAsync("b", new[] { "Backups run at 02:00 UTC!", texts[texts.Count - 1], "The rate limit is 300 requests?" });

        Assert.Equal((other.Id, MergeReasons.EmbeddingSimilarity), (results[0].DedupedInto, results[0].MergeReason));
        Assert.Equal((stored[texts.Count - 1].Id, MergeReasons.ContentHash), (results[1].DedupedInto, results[1].MergeReason));
        Assert.Equal((stored[0].Id, MergeReasons.EmbeddingSimilarity), (results[2].DedupedInto, results[2].MergeReason));
    }

    [Fact]
    public async Task After_the_canonical_memory_is_deleted_by_another_engine_the_next_restatement_is_stored()
    {
        using var folder = new TempFolder();
        var options = new LocalEngineOptions { Path = folder.File(), VectorIndexMinimum = 50 };
        var facts = Enumerable.Range(0, 80).Select(i => $"Server host-{i} in rack {i % 13} has backups at {i % 24:00}:30 UTC.").ToList();
        using var writer = LocalEngine.Open(options);
        using var other = LocalEngine.Open(options);
        var stored = await writer.ForTenant("t").StoreMemoriesAsync("b", facts);
        await writer.ForTenant("t").QueryAsync(new QueryRequest("warm up", "b") { SkipSynthesis = true });
        writer.WaitForVectorIndexes();
        Assert.Equal(stored[3].Id, (await writer.ForTenant("t").StoreMemoryAsync("b", facts[3] + "!")).DedupedInto);

        await other.ForTenant("t").DeleteMemoryAsync("b", stored[3].Id);

        var single = await writer.ForTenant("t").StoreMemoryAsync("b", facts[3] + "!");
        var batch = await writer.ForTenant("t").StoreMemoriesAsync("b", new[] { facts[3] + "?", "filler" });
        Assert.Equal(StoreMemoryResult.StatusStored, single.Status);
        Assert.Equal((single.Id, MergeReasons.EmbeddingSimilarity), (batch[0].DedupedInto, batch[0].MergeReason));
    }

    [Fact]
    public async Task A_file_from_before_the_fact_key_gets_it_on_open_and_its_old_rows_absorb_restatements()
    {
        using var folder = new TempFolder();
        var path = folder.File();
        var facts = new[] { "Invoice INV-4411 from Contoso is due on May 3.", "Priya Shah prefers green tea in the morning.", "The export job runs daily." };
        IReadOnlyList<StoreMemoryResult> old;
        using (var engine = Engines.OnFile(folder))
        {
            old = await engine.ForTenant("t").StoreMemoriesAsync("b", facts);
        }

        // The file as the engine before schema step 9 left it: no fact_key column, no index on it, user_version 8.
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Execute(connection, "DROP INDEX ix_memories_bucket_fact_key; ALTER TABLE memories DROP COLUMN fact_key; PRAGMA user_version = 8;");
            Assert.Equal(8, SchemaMigrations.ReadVersion(connection));
        }

        using (var engine = Engines.OnFile(folder))
        {
            var service = engine.ForTenant("t");
            var results = await service.StoreMemoriesAsync("b", new[] { facts[0].Replace(".", "!"), facts[1], "Invoice INV-4412 from Contoso is due on May 3." });
            Assert.Equal((old[0].Id, MergeReasons.EmbeddingSimilarity), (results[0].DedupedInto, results[0].MergeReason));
            Assert.Equal((old[1].Id, MergeReasons.ContentHash), (results[1].DedupedInto, results[1].MergeReason));
            Assert.Equal(StoreMemoryResult.StatusStored, results[2].Status);
            Assert.Equal(old[2].Id, (await service.StoreMemoryAsync("b", "the export job runs daily")).DedupedInto);
        }

        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        Assert.Equal(SchemaMigrations.LatestVersion, SchemaMigrations.ReadVersion(check));
        using var rows = check.CreateCommand();
        rows.CommandText = "SELECT content, fact_key FROM memories;";
        using var reader = rows.ExecuteReader();
        var count = 0;
        while (reader.Read())
        {
            Assert.Equal(FactTokens.Key(reader.GetString(0)), reader.GetInt64(1));
            count++;
        }

        Assert.Equal(4, count);
    }

    [Fact]
    public async Task A_deleted_memory_absorbs_nothing_and_a_reopened_bucket_still_merges_by_its_stored_texts()
    {
        using var folder = new TempFolder();
        string keptId;
        using (var engine = Engines.OnFile(folder))
        using (var service = engine.ForTenant("t"))
        {
            var doomed = await service.StoreMemoryAsync("b", "The Atlas release 1.2.3 was deployed to staging on Monday.");
            var kept = await service.StoreMemoriesAsync("b", new[] { "Invoice INV-4411 from Contoso is due on May 3.", "Priya Shah prefers green tea in the morning." });
            keptId = kept[1].Id;
            await service.DeleteMemoryAsync("b", doomed.Id);

            var again = await service.StoreMemoriesAsync("b", new[] { "The Atlas release 1.2.3 was deployed to staging on Monday!", "filler one", "filler two" });
            Assert.Equal(StoreMemoryResult.StatusStored, again[0].Status);
            Assert.Equal(5, (await service.ListBucketsAsync()).Single().MemoryCount);
        }

        using (var engine = Engines.OnFile(folder))
        using (var service = engine.ForTenant("t"))
        {
            var results = await service.StoreMemoriesAsync("b", new[]
            {
                "Priya Shah prefers green tea in the morning!",
                "Priya Okafor prefers green tea in the morning.",
                "Invoice INV-4412 from Contoso is due on May 3.",
            });

            Assert.Equal(StoreMemoryResult.StatusMerged, results[0].Status);
            Assert.Equal(keptId, results[0].DedupedInto);
            Assert.Equal(MergeReasons.EmbeddingSimilarity, results[0].MergeReason);
            Assert.Equal(StoreMemoryResult.StatusStored, results[1].Status);
            Assert.Equal(StoreMemoryResult.StatusStored, results[2].Status);
            Assert.Equal(7, (await service.ListBucketsAsync()).Single().MemoryCount);
        }
    }

    [Fact]
    public async Task Rows_held_by_the_approximate_index_still_absorb_their_near_duplicates_before_and_after_a_restart()
    {
        using var folder = new TempFolder();
        var facts = Enumerable.Range(0, 150).Select(i => $"Server host-{i} in rack {i % 13} has backups at {i % 24:00}:30 UTC.").ToList();
        string firstId, deletedId;
        using (var engine = LocalEngine.Open(new LocalEngineOptions { Path = folder.File(), VectorIndexMinimum = 100 }))
        {
            var service = engine.ForTenant("t");
            var stored = await service.StoreMemoriesAsync("b", facts, DedupPolicy.Off);
            firstId = stored[3].Id;
            deletedId = stored[4].Id;
            await service.QueryAsync(new QueryRequest("warm up", "b") { SkipSynthesis = true });
            engine.WaitForVectorIndexes();

            using (var connection = engine.Database.OpenConnection())
            {
                Assert.NotNull(engine.Vectors.Get(connection, StoredBucketId(engine)).Approximate);
            }

            // Index-held rows: a restatement merges, new digits are stored.
            var results = await service.StoreMemoriesAsync("b", new[] { facts[3].Replace(".", "!"), "Server host-999 in rack 1 has backups at 01:30 UTC." });
            Assert.Equal(firstId, results[0].DedupedInto);
            Assert.Equal(MergeReasons.EmbeddingSimilarity, results[0].MergeReason);
            Assert.Equal(StoreMemoryResult.StatusStored, results[1].Status);

            await service.DeleteMemoryAsync("b", deletedId);
            Assert.Equal(StoreMemoryResult.StatusStored, (await service.StoreMemoryAsync("b", facts[4].Replace(".", "!"))).Status);
        }

        // After a restart: the same merge (nothing the check uses lives in memory).
        using (var engine = LocalEngine.Open(new LocalEngineOptions { Path = folder.File(), VectorIndexMinimum = 100 }))
        {
            var result = await engine.ForTenant("t").StoreMemoriesAsync("b", new[] { facts[3].Replace(".", " ."), "filler" });
            Assert.Equal(firstId, result[0].DedupedInto);
        }
    }

    private static string StoredBucketId(LocalEngine engine)
    {
        using var connection = engine.Database.OpenConnection();
        return BucketRepository.Find(connection, "t", "b")!.Id;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Vectors in one plane, chosen per text: a text given with <see cref="At"/> lies at that cosine from the axis, every
    /// other text on it (so they are all identical in vector); enough to place one fact behind many closer ones.
    /// </summary>
    private sealed class PlaneEmbedder : VectorEmbedder
    {
        private readonly Dictionary<string, float> _cosines = new();

        public PlaneEmbedder()
            : base("test-plane", "plane-v1", 32)
        {
        }

        public PlaneEmbedder At(string text, double cosine)
        {
            _cosines[text] = (float)cosine;
            return this;
        }

        public override float[] Embed(string text)
        {
            var v = new float[Dimensions];
            var cosine = _cosines.TryGetValue(text, out var chosen) ? chosen : 1f;
            v[0] = cosine;
            v[1] = (float)System.Math.Sqrt(1.0 - (double)cosine * cosine);
            return v;
        }
    }
}
