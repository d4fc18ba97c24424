using Engram.Client;
using Engram.Local;
using Xunit;

namespace Engram.Tests.Unit.Local;

public class ListsAndBucketsTests
{
    [Fact]
    public async Task Lists_are_newest_first_with_insertion_order_ties_and_stable_pages()
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");
        // A batch shares one timestamp, so its order is decided by the tie-break: newest inserted first.
        var batch = await service.StoreMemoriesAsync("b", Enumerable.Range(0, 30).Select(i => $"fact number {i} about something {i * 7}").ToList(), DedupPolicy.Off);
        await Task.Delay(5);
        var newest = await service.StoreMemoryAsync("b", "the newest fact of all");

        var all = new List<Memory>();
        for (var offset = 0; offset < 40; offset += 7)
        {
            var page = await service.ListMemoriesAsync("b", 7, offset);
            Assert.Equal(31, page.Total);
            Assert.Equal(7, page.Limit);
            Assert.Equal(offset, page.Offset);
            all.AddRange(page.Memories);
        }

        Assert.Equal(31, all.Count);
        Assert.Equal(31, all.Select(m => m.Id).Distinct().Count());
        Assert.Equal(newest.Id, all[0].Id);
        Assert.Equal(batch.Select(r => r.Id).Reverse(), all.Skip(1).Select(m => m.Id));
        Assert.All(all, m =>
        {
            Assert.Equal("b", m.BucketName);
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", m.CreatedAt);
            Assert.True(m.TokenCount >= 1);
        });
    }

    [Theory]
    [InlineData(0, 0, 20, 0)]
    [InlineData(-5, -3, 20, 0)]
    [InlineData(1000, 0, 100, 0)]
    [InlineData(1, 2, 1, 2)]
    public async Task List_limit_and_offset_are_clamped_and_echoed(int limit, int offset, int effectiveLimit, int effectiveOffset)
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");
        await service.StoreMemoriesAsync("b", Enumerable.Range(0, 5).Select(i => "m" + i).ToList(), DedupPolicy.Off);

        var page = await service.ListMemoriesAsync("b", limit, offset);

        Assert.Equal(effectiveLimit, page.Limit);
        Assert.Equal(effectiveOffset, page.Offset);
        Assert.Equal(Math.Min(effectiveLimit, 5 - effectiveOffset), page.Memories.Count);
    }

    [Fact]
    public async Task Offset_past_the_end_gives_an_empty_page_with_the_true_total_and_missing_buckets_list_empty()
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");
        await service.StoreMemoryAsync("b", "one");

        var past = await service.ListMemoriesAsync("b", 10, 50);
        var missing = await service.ListMemoriesAsync("nope");

        Assert.Empty(past.Memories);
        Assert.Equal(1, past.Total);
        Assert.Empty(missing.Memories);
        Assert.Equal(0, missing.Total);
        Assert.Equal(20, missing.Limit);
    }

    [Fact]
    public async Task Delete_memory_removes_it_and_a_missing_memory_is_404()
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");
        var kept = await service.StoreMemoryAsync("b", "keep me");
        var gone = await service.StoreMemoryAsync("b", "delete me");

        await service.DeleteMemoryAsync("b", gone.Id);
        var again = await Assert.ThrowsAsync<EngramException>(() => service.DeleteMemoryAsync("b", gone.Id));
        var wrongBucket = await Assert.ThrowsAsync<EngramException>(() => service.DeleteMemoryAsync("other", kept.Id));

        Assert.Equal(404, again.Status);
        Assert.Equal("MEMORY_NOT_FOUND", again.Code);
        Assert.Equal(404, wrongBucket.Status);
        Assert.Equal(kept.Id, Assert.Single((await service.ListMemoriesAsync("b")).Memories).Id);
        // A deleted memory's content can be stored again as new.
        Assert.Equal(StoreMemoryResult.StatusStored, (await service.StoreMemoryAsync("b", "delete me")).Status);
    }

    [Fact]
    public async Task Clear_deletes_every_memory_keeps_the_bucket_and_reports_the_count()
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");
        await service.StoreMemoriesAsync("b", new[] { "one", "two", "three" }, DedupPolicy.Off);

        var cleared = await service.ClearMemoriesAsync("b");
        var missing = await service.ClearMemoriesAsync("nope");
        var empty = await Assert.ThrowsAsync<EngramException>(() => service.ClearMemoriesAsync(""));

        Assert.True(cleared.Success);
        Assert.Equal(3, cleared.ClearedCount);
        Assert.True(missing.Success);
        Assert.Equal(0, missing.ClearedCount);
        Assert.Equal(400, empty.Status);
        Assert.Equal(0, Assert.Single(await service.ListBucketsAsync()).MemoryCount);
        Assert.Equal(0, (await service.QueryAsync(new QueryRequest("one two three", "b"))).MemoriesFound);
    }

    [Fact]
    public async Task Buckets_list_in_creation_order_with_counts_and_duplicates_are_409()
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");

        var team = await service.CreateBucketAsync("team", "shared");
        await Task.Delay(3);
        await service.CreateBucketAsync("alpha");
        await service.StoreMemoriesAsync("team", new[] { "a", "b" }, DedupPolicy.Off);
        var duplicate = await Assert.ThrowsAsync<EngramException>(() => service.CreateBucketAsync("team"));

        Assert.Equal(409, duplicate.Status);
        Assert.Equal("BUCKET_EXISTS", duplicate.Code);
        Assert.Equal("Bucket already exists", duplicate.Message);
        Assert.Equal("team", team.Name);
        Assert.Equal("shared", team.Description);
        Assert.Equal(0, team.MemoryCount);
        var list = await service.ListBucketsAsync();
        Assert.Equal(new[] { "team", "alpha" }, list.Select(b => b.Name));
        Assert.Equal(2, list[0].MemoryCount);
        Assert.Equal(team.Id, list[0].Id);
    }

    [Fact]
    public async Task Bucket_names_are_case_sensitive()
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant("t");

        await service.CreateBucketAsync("Work");
        await service.CreateBucketAsync("work");

        Assert.Equal(2, (await service.ListBucketsAsync()).Count);
    }

    [Fact]
    public async Task Deleting_a_bucket_cascades_to_its_memories_index_and_profile_and_a_missing_bucket_is_404()
    {
        using var folder = new TempFolder();
        using var engine = Engines.OnFile(folder);
        using var service = engine.ForTenant("t");
        await service.StoreMemoriesAsync("scratch", new[] { "Zanzibar trip is in May.", "Zanzibar hotel is booked." });
        await service.InstallProfilerAsync("scratch");
        await service.StoreMemoryAsync("keep", "Zanzibar is also mentioned here.");

        await service.DeleteBucketAsync("scratch");
        var missing = await Assert.ThrowsAsync<EngramException>(() => service.DeleteBucketAsync("scratch"));

        Assert.Equal(404, missing.Status);
        Assert.Equal("BUCKET_NOT_FOUND", missing.Code);
        Assert.Equal(new[] { "keep" }, (await service.ListBucketsAsync()).Select(b => b.Name));
        Assert.Equal(ProfileResult.StatusNotInstalled, (await service.GetProfileAsync("scratch")).Status);

        // Recreated with the same name: nothing of the old bucket comes back, not even through the text index.
        await service.CreateBucketAsync("scratch");
        Assert.Equal(0, (await service.ListMemoriesAsync("scratch")).Total);
        Assert.Equal(0, (await service.QueryAsync(new QueryRequest("Zanzibar", "scratch"))).MemoriesFound);
        Assert.Equal(1, (await service.QueryAsync(new QueryRequest("Zanzibar", "scratch", "keep"))).MemoriesFound);
        // Every bucket's text index is its own table; the deleted bucket's went with it.
        Assert.Equal(2, CountRows(folder.File(), "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name GLOB 'memories_fts_*' AND sql LIKE 'CREATE VIRTUAL TABLE%'"));
        Assert.Equal(0, CountRows(folder.File(), "SELECT COUNT(*) FROM sqlite_master WHERE name = 'memories_fts_1'"));
        Assert.Equal(0, CountRows(folder.File(), "SELECT COUNT(*) FROM memories_fts_3 WHERE memories_fts_3 MATCH 'hotel'"));
        Assert.Equal(1, CountRows(folder.File(), "SELECT COUNT(*) FROM memories"));
    }

    [Fact]
    public async Task Tenants_never_see_each_others_buckets_or_memories()
    {
        using var folder = new TempFolder();
        using var engine = Engines.OnFile(folder);
        using var alice = engine.ForTenant("alice");
        using var bob = engine.ForTenant("bob");
        var secret = await alice.StoreMemoryAsync("notes", "Alice's locker code is 4711.");

        Assert.Empty(await bob.ListBucketsAsync());
        Assert.Equal(0, (await bob.ListMemoriesAsync("notes")).Total);
        Assert.Equal(0, (await bob.QueryAsync(new QueryRequest("locker code", "notes"))).MemoriesFound);
        await Assert.ThrowsAsync<EngramException>(() => bob.DeleteMemoryAsync("notes", secret.Id));
        await Assert.ThrowsAsync<EngramException>(() => bob.DeleteBucketAsync("notes"));
        Assert.Equal(0, (await bob.ClearMemoriesAsync("notes")).ClearedCount);

        // Same bucket name and content in another tenant: stored separately, no cross-tenant dedup.
        var bobs = await bob.StoreMemoryAsync("notes", "Alice's locker code is 4711.");
        Assert.Equal(StoreMemoryResult.StatusStored, bobs.Status);
        Assert.NotEqual(secret.Id, bobs.Id);
        Assert.Equal(1, (await alice.ListMemoriesAsync("notes")).Total);
        Assert.Equal(secret.Id, (await alice.QueryAsync(new QueryRequest("locker code", "notes"))).Explanation!.RetrievedMemories.Single().MemoryId);
    }

    internal static long CountRows(string path, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
