using Engram.Client;
using Engram.Local;
using Engram.Local.Embedding;
using Engram.Local.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Engram.Tests.Unit.Local;

public class ConcurrentInsertTests
{
    [Fact]
    public async Task An_identical_write_committed_by_another_engine_between_check_and_insert_is_a_concurrent_insert_race()
    {
        using var engines = new TwoEnginesOnOneFile();
        var (a, b) = (engines.A, engines.B);
        await a.CreateBucketAsync("b");
        StoreMemoryResult? winner = null;
        // A has checked (nothing there yet); before it inserts, B stores the same content through its own connection.
        engines.First.BeforeInsertHook = () => winner = b.StoreMemoryAsync("b", "Deploys happen on Tuesdays.").GetAwaiter().GetResult();

        var loser = await a.StoreMemoryAsync("b", "Deploys happen on Tuesdays.");

        Assert.Equal(StoreMemoryResult.StatusStored, winner!.Status);
        Assert.Equal(StoreMemoryResult.StatusMerged, loser.Status);
        Assert.Equal("concurrent_insert_race", loser.MergeReason);
        Assert.Equal(1.0, loser.SimilarityScore);
        Assert.Equal(winner.Id, loser.Id);
        Assert.Equal(winner.Id, loser.DedupedInto);
        Assert.Equal(1, (await a.ListMemoriesAsync("b")).Total);
    }

    [Fact]
    public async Task Dedup_off_writes_are_never_blocked_by_the_race_guard()
    {
        using var engines = new TwoEnginesOnOneFile();
        var (a, b) = (engines.A, engines.B);
        await a.CreateBucketAsync("b");
        engines.First.BeforeInsertHook = () => b.StoreMemoryAsync("b", "tick", DedupPolicy.Off).GetAwaiter().GetResult();

        var result = await a.StoreMemoryAsync("b", "tick", DedupPolicy.Off);

        Assert.Equal(StoreMemoryResult.StatusStored, result.Status);
        Assert.Equal(2, (await a.ListMemoriesAsync("b")).Total);
    }

    [Fact]
    public async Task Two_threads_with_separate_engines_storing_identical_content_leave_one_row_per_content()
    {
        using var engines = new TwoEnginesOnOneFile();
        var (a, b) = (engines.A, engines.B);
        await a.CreateBucketAsync("race");
        const int rounds = 25;
        using var barrier = new Barrier(2);
        // Distinct random words per round, so rounds never merge with each other by embedding.
        var contents = Enumerable.Range(0, rounds).Select(i => $"Round {i} token {Guid.NewGuid():N} {Guid.NewGuid():N}").ToArray();

        StoreMemoryResult[] Run(LocalEngramService service) => Enumerable.Range(0, rounds).Select(i =>
        {
            barrier.SignalAndWait();
            return service.StoreMemoryAsync("race", contents[i]).GetAwaiter().GetResult();
        }).ToArray();

        var left = Task.Run(() => Run(a));
        var right = Task.Run(() => Run(b));
        var results = await Task.WhenAll(left, right);

        for (var i = 0; i < rounds; i++)
        {
            var pair = new[] { results[0][i], results[1][i] };
            Assert.Equal(pair[0].Id, pair[1].Id);
            Assert.Single(pair, r => r.Status == StoreMemoryResult.StatusStored);
            var merged = Assert.Single(pair, r => r.Status == StoreMemoryResult.StatusMerged);
            Assert.True(merged.MergeReason is "content_hash" or "concurrent_insert_race", merged.MergeReason);
        }

        Assert.Equal(rounds, (await a.ListMemoriesAsync("race", 100)).Total);
    }

    [Fact]
    public async Task Writes_from_another_engine_are_seen_by_this_engines_vector_cache()
    {
        using var engines = new TwoEnginesOnOneFile(
            () => new ChosenVectorEmbedder(),
            first: new ChosenVectorEmbedder().Near("base written by B, as", 0.97).Near("base written by B, so", 0.98));
        var (a, b) = (engines.A, engines.B);
        await a.StoreMemoryAsync("b", "axis:2 unrelated");
        Assert.Equal(StoreMemoryResult.StatusStored, (await a.StoreMemoryAsync("b", "axis:3 also unrelated")).Status); // cache of A now loaded

        var fromB = await b.StoreMemoryAsync("b", "base written by B");
        var nearDuplicate = await a.StoreMemoryAsync("b", "base written by B, as it was");

        Assert.Equal("embedding_similarity", nearDuplicate.MergeReason);
        Assert.Equal(fromB.Id, nearDuplicate.Id);

        // A delete by B is seen too: the deleted memory is no longer a merge target.
        await b.DeleteMemoryAsync("b", fromB.Id);
        var afterDelete = await a.StoreMemoryAsync("b", "base written by B, so it is");
        Assert.True(afterDelete.Status == StoreMemoryResult.StatusStored, $"{afterDelete.MergeReason} {afterDelete.SimilarityScore} {afterDelete.Id == fromB.Id}");
    }
}

public class MigrationTests
{
    [Fact]
    public async Task A_version_1_file_is_upgraded_on_open_and_keeps_its_memories()
    {
        using var folder = new TempFolder();
        var path = folder.File("old.db");
        SqliteNativeLoader.EnsureInitialized();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            SchemaMigrations.Migrate(connection, targetVersion: 1);
            var vector = VectorMath.ToBytes(new HashingEmbedder().Embed("Legacy fact about the blue bicycle."));
            using var insert = connection.CreateCommand();
            insert.CommandText = @"
INSERT INTO buckets (id, tenant, name, created_at) VALUES ('b0f4c1de-0000-4000-8000-000000000001', 'local', 'old', '2026-01-01T00:00:00.000Z');
INSERT INTO memories (id, tenant, bucket_id, content, content_hash, dedup_key, token_count, created_at, embedding)
VALUES ('0a0a0a0a-0000-4000-8000-000000000001', 'local', 'b0f4c1de-0000-4000-8000-000000000001', 'Legacy fact about the blue bicycle.', x'00', x'00', 9, '2026-01-01T00:00:01.000Z', $v);";
            insert.Parameters.AddWithValue("$v", vector);
            insert.ExecuteNonQuery();
            Assert.Equal(1, SchemaMigrations.ReadVersion(connection));
        }

        using var engine = Engines.OnFile(folder, name: "old.db");
        using var service = engine.ForTenant(LocalEngine.DefaultTenant);

        Assert.Equal(SchemaMigrations.LatestVersion, ReadUserVersion(path));
        Assert.True(SchemaMigrations.LatestVersion >= 2);
        Assert.Equal("Legacy fact about the blue bicycle.", Assert.Single((await service.ListMemoriesAsync("old")).Memories).Content);
        Assert.Equal(1, (await service.QueryAsync(new QueryRequest("blue bicycle", "old"))).MemoriesFound);
        await service.InstallProfilerAsync("old"); // a table that only version 2 has
        Assert.Equal(ProfileResult.StatusReady, (await service.RegenerateProfileAsync("old")).Status);
    }

    [Fact]
    public async Task A_version_5_file_gets_one_hash_index_that_still_merges_exact_repeats_and_refuses_a_second_dedup_row()
    {
        using var folder = new TempFolder();
        var path = folder.File("v5.db");
        SqliteNativeLoader.EnsureInitialized();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            SchemaMigrations.Migrate(connection, targetVersion: 5);
        }

        using (var engine = Engines.OnFile(folder, name: "v5.db"))
        using (var service = engine.ForTenant(LocalEngine.DefaultTenant))
        {
            var first = await service.StoreMemoryAsync("b", "Deploys happen on Tuesdays.");
            await service.StoreMemoryAsync("b", "Deploys happen on Tuesdays.", DedupPolicy.Off);
            Assert.Equal((first.Id, "content_hash"), ((await service.StoreMemoryAsync("b", "Deploys happen on Tuesdays.")).DedupedInto, (await service.StoreMemoriesAsync("b", new[] { "x", "Deploys happen on Tuesdays." }))[1].MergeReason));
            Assert.Equal(2, (await service.ListMemoriesAsync("b")).Total - 1); // x, the loose row and the off row
        }

        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        using var indexes = check.CreateCommand();
        indexes.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'memories' AND sql LIKE '%content_hash%';";
        using (var reader = indexes.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal("ux_memories_bucket_hash", reader.GetString(0));
            Assert.False(reader.Read());
        }

        // The guard against two identical dedup rows is still there (a racing writer is refused).
        using var duplicate = check.CreateCommand();
        duplicate.CommandText =
            "INSERT INTO memories (id, tenant, bucket_id, content, content_hash, dedup_key, token_count, created_at, embedding) " +
            "SELECT 'racer', tenant, bucket_id, content, content_hash, content_hash, token_count, created_at, embedding FROM memories WHERE dedup_key IS NOT NULL AND content LIKE 'Deploys%';";
        var error = Assert.Throws<SqliteException>(() => duplicate.ExecuteNonQuery());
        Assert.Contains("dedup_key", error.Message);
    }

    [Fact]
    public void A_file_from_a_newer_engine_is_refused_with_a_clear_message()
    {
        using var folder = new TempFolder();
        var path = folder.File("future.db");
        SqliteNativeLoader.EnsureInitialized();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 999;";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<InvalidOperationException>(() => Engines.OnFile(folder, name: "future.db"));

        Assert.Contains("newer", error.Message);
    }

    [Fact]
    public async Task Opening_twice_is_idempotent_and_the_file_uses_wal()
    {
        using var folder = new TempFolder();
        using (var engine = Engines.OnFile(folder))
        using (var service = engine.ForTenant("t"))
        {
            await service.StoreMemoryAsync("b", "persisted");
        }

        using (var engine = Engines.OnFile(folder))
        using (var service = engine.ForTenant("t"))
        {
            Assert.Equal("persisted", Assert.Single((await service.ListMemoriesAsync("b")).Memories).Content);
            Assert.Equal(folder.File(), engine.DatabasePath);
        }

        using var connection = new SqliteConnection($"Data Source={folder.File()};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public void An_embedder_with_other_dimensions_is_refused_for_an_existing_file()
    {
        using var folder = new TempFolder();
        Engines.OnFile(folder).Dispose();

        var error = Assert.Throws<EngramException>(() => Engines.OnFile(folder, new ChosenVectorEmbedder()));

        Assert.Equal("EMBEDDER_MISMATCH", error.Code);
        Assert.Contains("256", error.Message);
    }

    [Fact]
    public void The_default_path_is_under_the_user_data_folder()
    {
        Assert.EndsWith(Path.Combine("Lumetra", "Engram", "engram.db"), LocalEngine.DefaultDatabasePath);
        Assert.True(Path.IsPathRooted(LocalEngine.DefaultDatabasePath));
    }

    private static long ReadUserVersion(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return (long)command.ExecuteScalar()!;
    }
}
