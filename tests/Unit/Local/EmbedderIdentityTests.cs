using Engram.Client;
using Engram.Client.Diagnostics;
using Engram.Local;
using Engram.Local.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Engram.Tests.Unit.Local;

public class EmbedderIdentityTests
{
    [Fact]
    public async Task The_database_records_the_embedder_identity_and_refuses_another_embedder_saying_what_to_run()
    {
        using var folder = new TempFolder();
        using (var engine = Engines.OnFile(folder))
        using (var service = engine.ForTenant("t"))
        {
            await service.StoreMemoryAsync("b", "The cellar door squeaks.");
        }

        Assert.Equal("engram-hashing/fnv1a-words-bigrams-trigrams-v1/256", Meta(folder.File(), "embedder_identity"));
        // Same dimensions, another model: refused too (the vectors are not comparable).
        var sameSize = Assert.Throws<EngramException>(() => Engines.OnFile(folder, new ChosenVectorEmbedder256()));
        var otherSize = Assert.Throws<EngramException>(() => Engines.OnFile(folder, new HashingEmbedder(128)));

        foreach (var error in new[] { sameSize, otherSize })
        {
            Assert.Equal("EMBEDDER_MISMATCH", error.Code);
            Assert.Contains("engram-hashing/fnv1a-words-bigrams-trigrams-v1/256", error.Message);
            Assert.Contains("Update-EngramIndex", error.Message);
            Assert.Contains(folder.File(), error.Message);
        }

        using var again = Engines.OnFile(folder);
        Assert.Equal(1, (await again.ForTenant("t").ListMemoriesAsync("b")).Total);
    }

    [Fact]
    public async Task A_store_embeds_a_batch_with_one_generator_call_and_normalises_the_vectors()
    {
        var embedder = new UnnormalisedEmbedder();
        using var engine = Engines.InMemory(embedder);
        using var service = engine.ForTenant("t");

        await service.StoreMemoriesAsync("b", Enumerable.Range(0, 50).Select(i => $"memory number {i}").ToList());
        var result = await service.QueryAsync(new QueryRequest("memory number 7", "b") { MinSimilarityThreshold = 0.0 });

        Assert.Equal(2, embedder.Calls); // one for the batch, one for the question
        Assert.All(result.Explanation!.RetrievedMemories, m => Assert.InRange(m.RawScore!.Value, 0.999, 1.0));
    }

    [Fact]
    public async Task Re_embedding_switches_the_database_to_the_new_embedder_and_keeps_every_memory()
    {
        using var folder = new TempFolder();
        var contents = Enumerable.Range(0, 300).Select(i => $"Fact {i}: the {(i % 2 == 0 ? "blue" : "red")} bicycle number {i} is in shed {i % 7}.").ToList();
        using (var engine = Engines.OnFile(folder))
        {
            await engine.ForTenant("t").StoreMemoriesAsync("b", contents, DedupPolicy.Off);
        }

        var progress = new List<ReembedProgress>();
        var result = await LocalEngine.ReembedAsync(
            new LocalEngineOptions { Path = folder.File(), Embedder = new HashingEmbedder(128) },
            new ReembedOptions { BatchSize = 64, Progress = progress.Add });

        Assert.Equal(300, result.Embedded);
        Assert.Equal("engram-hashing/fnv1a-words-bigrams-trigrams-v1/256", result.From);
        Assert.Equal("engram-hashing/fnv1a-words-bigrams-trigrams-v1/128", result.To);
        Assert.Equal(300, progress[^1].Done);
        Assert.True(progress.Count >= 5);
        Assert.Equal("EMBEDDER_MISMATCH", EngramErrors(() => Engines.OnFile(folder)));
        using var reopened = Engines.OnFile(folder, new HashingEmbedder(128));
        using var service = reopened.ForTenant("t");
        Assert.Equal(300, (await service.ListMemoriesAsync("b")).Total);
        var found = await service.QueryAsync(new QueryRequest("Where is the blue bicycle number 42?", "b"));
        Assert.Contains("number 42 ", found.Explanation!.RetrievedMemories[0].Content);
        Assert.Equal(0, (await LocalEngine.ReembedAsync(new LocalEngineOptions { Path = folder.File(), Embedder = new HashingEmbedder(128) })).Embedded);
    }

    [Fact]
    public async Task A_cancelled_re_embed_leaves_the_store_usable_with_the_old_embedder_and_resumes()
    {
        using var folder = new TempFolder();
        var contents = Enumerable.Range(0, 200).Select(i => $"Note {i} about the harbour crane {i}.").ToList();
        using (var engine = Engines.OnFile(folder))
        {
            await engine.ForTenant("t").StoreMemoriesAsync("b", contents, DedupPolicy.Off);
        }

        var target = new LocalEngineOptions { Path = folder.File(), Embedder = new HashingEmbedder(128) };
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LocalEngine.ReembedAsync(target, new ReembedOptions
        {
            BatchSize = 50,
            Progress = p => { if (p.Done >= 100) { cancel.Cancel(); } },
        }, cancel.Token));

        using (var old = Engines.OnFile(folder))
        using (var service = old.ForTenant("t"))
        {
            Assert.Equal(1, (await service.QueryAsync(new QueryRequest("harbour crane 17", "b") { TopK = 1 })).MemoriesFound);
            await service.StoreMemoryAsync("b", "Stored while the re-embed was unfinished: the crane was repainted.");
        }

        var opening = Assert.Throws<EngramException>(() => Engines.OnFile(folder, new HashingEmbedder(128)));
        Assert.Contains("was started and not finished", opening.Message);

        var resumed = await LocalEngine.ReembedAsync(target);
        Assert.Equal(100, resumed.ResumedWith);
        Assert.Equal(101, resumed.Embedded);
        using var reopened = Engines.OnFile(folder, new HashingEmbedder(128));
        var result = await reopened.ForTenant("t").QueryAsync(new QueryRequest("crane repainted", "b"));
        Assert.Contains("repainted", result.Explanation!.RetrievedMemories[0].Content);
        Assert.Equal(201, (await reopened.ForTenant("t").ListMemoriesAsync("b")).Total);
    }

    [Fact]
    public async Task An_engine_whose_database_was_re_embedded_by_another_process_refuses_to_write_old_vectors()
    {
        using var folder = new TempFolder();
        using var engine = Engines.OnFile(folder);
        using var service = engine.ForTenant("t");
        await service.StoreMemoryAsync("b", "The kiln is fired on Thursdays.");

        await LocalEngine.ReembedAsync(new LocalEngineOptions { Path = folder.File(), Embedder = new HashingEmbedder(128) });
        var error = await Assert.ThrowsAsync<EngramException>(() => service.StoreMemoryAsync("b", "The kiln is cold on Mondays."));

        Assert.Equal("EMBEDDER_MISMATCH", error.Code);
    }

    private static string? EngramErrors(Func<LocalEngine> open)
    {
        try
        {
            open().Dispose();
            return null;
        }
        catch (EngramException e)
        {
            return e.Code;
        }
    }

    internal static string? Meta(string path, string key)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as string;
    }

    /// <summary>256 dimensions like the default hashing embedder, but another model.</summary>
    private sealed class ChosenVectorEmbedder256 : VectorEmbedder
    {
        private readonly HashingEmbedder _hashing = new();

        public ChosenVectorEmbedder256()
            : base("test-other", "other-v1", 256)
        {
        }

        public override float[] Embed(string text) => _hashing.Embed(text + " (other model)");
    }

    /// <summary>Returns every text's hashing vector times 7: the engine must normalise it.</summary>
    private sealed class UnnormalisedEmbedder : VectorEmbedder
    {
        private readonly HashingEmbedder _hashing = new(64);

        public UnnormalisedEmbedder()
            : base("test-unnormalised", "x7", 64)
        {
        }

        public override float[] Embed(string text) => _hashing.Embed("same text for all").Select(x => x * 7).ToArray();
    }
}

public class LexicalIndexTests
{
    [Fact]
    public async Task Stemming_matches_other_forms_of_a_word()
    {
        using var engine = LocalEngine.Open(new LocalEngineOptions { InMemory = true, Retrieval = RetrievalMode.LexicalOnly });
        using var service = engine.ForTenant("t");
        await service.StoreMemoriesAsync("b", new[]
        {
            "We are deploying the billing service on Friday.",
            "The search cluster was deployed last week.",
            "Lunch is served in the atrium.",
        });

        var deployed = await service.QueryAsync(new QueryRequest("deployed", "b"));
        var deploying = await service.QueryAsync(new QueryRequest("deploying", "b"));

        Assert.Equal(2, deployed.MemoriesFound);
        Assert.Equal(2, deploying.MemoriesFound);
        Assert.DoesNotContain(deployed.Explanation!.RetrievedMemories, m => m.Content.Contains("Lunch"));
    }

    [Fact]
    public async Task A_version_3_file_gets_per_bucket_stemmed_indexes_on_open()
    {
        using var folder = new TempFolder();
        var path = folder.File("v3.db");
        SqliteNativeLoader.EnsureInitialized();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            SchemaMigrations.Migrate(connection, targetVersion: 3);
            var vector = Engram.Local.Embedding.VectorMath.ToBytes(new HashingEmbedder().Embed("We are deploying the billing service."));
            using var insert = connection.CreateCommand();
            insert.CommandText = @"
INSERT INTO buckets (id, tenant, name, created_at) VALUES ('b1', 'local', 'one', '2026-01-01T00:00:00.000Z'), ('b2', 'other', 'two', '2026-01-01T00:00:00.000Z');
INSERT INTO memories (id, tenant, bucket_id, content, content_hash, dedup_key, token_count, created_at, embedding)
VALUES ('m1', 'local', 'b1', 'We are deploying the billing service.', x'01', x'01', 9, '2026-01-01T00:00:01.000Z', $v),
       ('m2', 'other', 'b2', 'We are deploying the billing service.', x'01', x'01', 9, '2026-01-01T00:00:01.000Z', $v);
INSERT INTO meta (key, value) VALUES ('embedding_dimensions', '256');";
            insert.Parameters.AddWithValue("$v", vector);
            insert.ExecuteNonQuery();
        }

        using var engine = LocalEngine.Open(new LocalEngineOptions { Path = path, Retrieval = RetrievalMode.LexicalOnly });

        var one = await engine.ForTenant("local").QueryAsync(new QueryRequest("deployed billing", "one"));
        Assert.Equal("m1", Assert.Single(one.Explanation!.RetrievedMemories).MemoryId);
        Assert.Equal(1, ListsAndBucketsTests.CountRows(path, "SELECT COUNT(*) FROM memories_fts_2 WHERE memories_fts_2 MATCH 'deploy'"));
        Assert.Equal(0, ListsAndBucketsTests.CountRows(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'memories_fts'"));
        // An older file's dimensions matched: it adopts this embedder's identity.
        Assert.Equal("engram-hashing/fnv1a-words-bigrams-trigrams-v1/256", EmbedderIdentityTests.Meta(path, "embedder_identity"));
    }

    [Fact]
    public async Task A_failing_lexical_search_is_reported_in_the_trace_and_the_query_still_answers()
    {
        using var folder = new TempFolder();
        using var engine = Engines.OnFile(folder);
        using var service = engine.ForTenant("t");
        await service.StoreMemoryAsync("b", "The harbour crane was repainted in May.");
        using (var connection = new SqliteConnection($"Data Source={folder.File()};Pooling=False"))
        {
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE memories_fts_1;"; // a damaged index
            drop.ExecuteNonQuery();
        }

        var notices = new List<EngramEngineNotice>();
        QueryResult result;
        using (EngramTrace.ListenForNotices(notices.Add))
        {
            result = await service.QueryAsync(new QueryRequest("harbour crane repainted", "b"));
        }

        Assert.Equal(1, result.MemoriesFound);
        var notice = Assert.Single(notices);
        Assert.Equal("query.lexical", notice.Operation);
        Assert.Contains("no such table", notice.Message);
    }
}
