using Engram.Client;
using Engram.Local;
using Xunit;

namespace Engram.Tests.Unit.Local;

public class StoreAndDedupTests : EngineTests
{
    [Fact]
    public async Task A_fresh_store_returns_a_uuid_and_the_token_count_of_the_content()
    {
        using var engine = Engines.InMemory();
        using var service = engine.ForTenant(LocalEngine.DefaultTenant);

        var result = await service.StoreMemoryAsync("user-123", "User prefers dark mode.");

        Assert.Equal(StoreMemoryResult.StatusStored, result.Status);
        Assert.Equal(result.Id, result.MemoryId);
        Assert.True(Guid.TryParse(result.Id, out var id) && id.ToString() == result.Id);
        Assert.Equal('4', result.Id[14]); // UUID version 4
        Assert.Equal("user-123", result.BucketName);
        Assert.Equal(6, result.TokenCount); // ⌈23 / 4⌉
        Assert.Null(result.MergeReason);
        Assert.Null(result.DedupedInto);
        Assert.Null(result.SimilarityScore);
    }

    [Fact]
    public async Task Re_storing_identical_content_merges_by_content_hash_into_the_canonical_memory()
    {
        var service = NewService();
        var first = await service.StoreMemoryAsync("b", "User prefers dark mode.");

        var second = await service.StoreMemoryAsync("b", "User prefers dark mode.");

        Assert.Equal(StoreMemoryResult.StatusMerged, second.Status);
        Assert.Equal("content_hash", second.MergeReason);
        Assert.Equal(1.0, second.SimilarityScore);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Id, second.MemoryId);
        Assert.Equal(first.Id, second.DedupedInto);
        Assert.Equal(1, (await service.ListMemoriesAsync("b")).Total);
    }

    [Fact]
    public async Task Content_hash_is_byte_exact_without_normalisation()
    {
        var service = NewService(new ChosenVectorEmbedder());
        await service.StoreMemoryAsync("b", "v:0.5 Dark mode");

        // Same vector (so cosine 1.0) but different bytes: merged by embedding, not by hash.
        var differentCase = await service.StoreMemoryAsync("b", "v:0.5 dark mode");

        Assert.Equal("embedding_similarity", differentCase.MergeReason);
    }

    [Fact]
    public async Task Dedup_off_always_stores_a_new_row_even_for_identical_content()
    {
        var service = NewService();
        var first = await service.StoreMemoryAsync("b", "User prefers dark mode.");

        var again = await service.StoreMemoryAsync("b", "User prefers dark mode.", DedupPolicy.Off);
        var thrice = await service.StoreMemoryAsync("b", "User prefers dark mode.", DedupPolicy.Off);

        Assert.Equal(StoreMemoryResult.StatusStored, again.Status);
        Assert.Equal(StoreMemoryResult.StatusStored, thrice.Status);
        Assert.NotEqual(first.Id, again.Id);
        Assert.NotEqual(again.Id, thrice.Id);
        Assert.Equal(3, (await service.ListMemoriesAsync("b")).Total);
    }

    [Fact]
    public async Task A_default_store_merges_into_an_existing_off_row_with_the_same_bytes()
    {
        var service = NewService();
        var off = await service.StoreMemoryAsync("b", "Standup is at 09:30.", DedupPolicy.Off);

        var loose = await service.StoreMemoryAsync("b", "Standup is at 09:30.");

        Assert.Equal("content_hash", loose.MergeReason);
        Assert.Equal(off.Id, loose.Id);
    }

    [Theory]
    [InlineData(null, "0.95", true)]
    [InlineData(null, "0.949", false)]
    [InlineData(DedupPolicy.Loose, "0.95", true)]
    [InlineData(DedupPolicy.Loose, "0.949", false)]
    [InlineData(DedupPolicy.Strict, "0.99", true)]
    [InlineData(DedupPolicy.Strict, "0.989", false)]
    [InlineData(DedupPolicy.Strict, "0.97", false)]
    [InlineData(DedupPolicy.Loose, "0.97", true)]
    [InlineData(DedupPolicy.Off, "0.99", false)]
    public async Task Embedding_similarity_merges_at_or_above_the_policy_threshold(DedupPolicy? policy, string cosine, bool merges)
    {
        // The same content words (only stop words and punctuation added): the chosen cosine alone decides.
        var service = NewService(new ChosenVectorEmbedder().Near("base memory, as", double.Parse(cosine, System.Globalization.CultureInfo.InvariantCulture)));
        var canonical = await service.StoreMemoryAsync("b", "base memory");

        var result = await service.StoreMemoryAsync("b", "base memory, as it was then!", policy);

        if (merges)
        {
            Assert.Equal(StoreMemoryResult.StatusMerged, result.Status);
            Assert.Equal("embedding_similarity", result.MergeReason);
            Assert.Equal(double.Parse(cosine, System.Globalization.CultureInfo.InvariantCulture), result.SimilarityScore!.Value, 6);
            Assert.Equal(canonical.Id, result.Id);
            Assert.Equal(canonical.Id, result.DedupedInto);
            Assert.Equal(7, result.TokenCount); // tokens of the submitted content, not the canonical
        }
        else
        {
            Assert.Equal(StoreMemoryResult.StatusStored, result.Status);
            Assert.NotEqual(canonical.Id, result.Id);
            Assert.Null(result.MergeReason);
        }
    }

    [Fact]
    public async Task Dedup_compares_within_the_target_bucket_only()
    {
        var service = NewService();
        var inA = await service.StoreMemoryAsync("a", "Project Alpha deadline is 2026-10-15.");

        var inB = await service.StoreMemoryAsync("b", "Project Alpha deadline is 2026-10-15.");

        Assert.Equal(StoreMemoryResult.StatusStored, inB.Status);
        Assert.NotEqual(inA.Id, inB.Id);
    }

    [Fact]
    public async Task Hashing_embedder_merges_near_identical_text_but_keeps_different_facts()
    {
        var service = NewService();
        await service.StoreMemoryAsync("b", "The user prefers dark mode in every editor they use at work.");

        var nearCopy = await service.StoreMemoryAsync("b", "The user prefers dark mode in every editor they use at work!");
        var different = await service.StoreMemoryAsync("b", "Standup meetings happen at 09:30 CET on weekdays.");

        Assert.Equal("embedding_similarity", nearCopy.MergeReason);
        Assert.True(nearCopy.SimilarityScore >= 0.95);
        Assert.Equal(StoreMemoryResult.StatusStored, different.Status);
    }

    [Fact]
    public async Task A_batch_is_processed_in_order_so_later_items_merge_into_earlier_ones()
    {
        var service = NewService();

        var results = await service.StoreMemoriesAsync("work", new[]
        {
            "Project Alpha deadline is 2026-10-15.",
            "Standup is at 09:30 CET.",
            "Project Alpha deadline is 2026-10-15.",
        });

        Assert.Equal(3, results.Count);
        Assert.Equal(StoreMemoryResult.StatusStored, results[0].Status);
        Assert.Equal(StoreMemoryResult.StatusStored, results[1].Status);
        Assert.Equal(StoreMemoryResult.StatusMerged, results[2].Status);
        Assert.Equal("content_hash", results[2].MergeReason);
        Assert.Equal(results[0].Id, results[2].DedupedInto);
        Assert.Equal(2, (await service.ListMemoriesAsync("work")).Total);
    }

    [Fact]
    public async Task A_batch_merges_exact_repeats_into_the_oldest_stored_row_before_rows_of_the_same_batch()
    {
        var service = NewService();
        var oldest = await service.StoreMemoryAsync("b", "Standup is at 09:30.", DedupPolicy.Off);
        await service.StoreMemoryAsync("b", "Standup is at 09:30.", DedupPolicy.Off);

        var results = await service.StoreMemoriesAsync("b", new[]
        {
            "Backups run at 02:00.",
            "Standup is at 09:30.",
            "Backups run at 02:00.",
            "Standup is at 09:30.",
        });

        Assert.Equal(StoreMemoryResult.StatusStored, results[0].Status);
        Assert.All(new[] { results[1], results[3] }, r => Assert.Equal((oldest.Id, "content_hash"), (r.DedupedInto, r.MergeReason)));
        Assert.Equal((results[0].Id, "content_hash"), (results[2].DedupedInto, results[2].MergeReason));
        Assert.Equal(3, (await service.ListMemoriesAsync("b")).Total);
    }

    [Fact]
    public async Task Ids_of_one_batch_are_distinct_version_4_uuids()
    {
        var service = NewService();

        var results = await service.StoreMemoriesAsync("b", Enumerable.Range(0, 100).Select(i => $"Fact number {i}.").ToList(), DedupPolicy.Off);

        Assert.Equal(100, results.Select(r => r.Id).Distinct().Count());
        Assert.All(results, r => Assert.True(Guid.TryParse(r.Id, out var id) && id.ToString() == r.Id && r.Id[14] == '4' && "89ab".IndexOf(r.Id[19]) >= 0, r.Id));
    }

    [Fact]
    public async Task A_batch_merges_by_embedding_into_an_earlier_item_of_the_same_batch()
    {
        var service = NewService(new ChosenVectorEmbedder().Near("base one, as it was", 0.96));

        var results = await service.StoreMemoriesAsync("b", new[] { "base one", "base one, as it was" });

        Assert.Equal("embedding_similarity", results[1].MergeReason);
        Assert.Equal(results[0].Id, results[1].Id);
    }

    [Fact]
    public async Task A_batch_with_dedup_off_stores_every_item()
    {
        var service = NewService();

        var results = await service.StoreMemoriesAsync("b", new[] { "same", "same", "same" }, DedupPolicy.Off);

        Assert.All(results, r => Assert.Equal(StoreMemoryResult.StatusStored, r.Status));
        Assert.Equal(3, results.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_batch_with_one_invalid_item_stores_nothing()
    {
        var service = NewService();

        var error = await Assert.ThrowsAsync<EngramException>(() => service.StoreMemoriesAsync("b", new[] { "fine", "  ", "also fine" }));

        Assert.Equal(400, error.Status);
        Assert.Equal("INVALID_REQUEST", error.Code);
        Assert.Equal(0, (await service.ListMemoriesAsync("b")).Total);
    }

    [Fact]
    public async Task Store_many_splits_large_input_into_chunks_keeps_input_order_and_an_empty_batch_is_fine()
    {
        var service = NewService();
        var contents = Enumerable.Range(0, 250).Select(i => "memory number " + i).ToList();

        var results = await service.StoreMemoriesAsync("b", contents, DedupPolicy.Off);
        var empty = await service.StoreMemoriesAsync("b", Array.Empty<string>());

        Assert.Empty(empty);
        Assert.Equal(250, results.Count);
        Assert.All(results, r => Assert.Equal("stored", r.Status));
        var listed = await service.ListMemoriesAsync("b", 100, 0);
        Assert.Equal(250, listed.Total);
        var byId = results.Select((r, i) => (r.Id, Content: contents[i])).ToDictionary(x => x.Id, x => x.Content);
        Assert.All(listed.Memories, m => Assert.Equal(byId[m.Id], m.Content));
    }

    [Fact]
    public async Task A_bad_item_anywhere_in_a_large_input_stores_nothing()
    {
        var service = NewService();
        var contents = Enumerable.Range(0, 250).Select(i => i == 240 ? "  " : "memory number " + i).ToList();

        var error = await Assert.ThrowsAsync<EngramException>(() => service.StoreMemoriesAsync("b", contents));

        Assert.Equal(400, error.Status);
        Assert.Contains("memories[240]", error.Message);
        Assert.Equal(0, (await service.ListMemoriesAsync("b")).Total);
    }

    [Fact]
    public async Task A_failure_after_stored_chunks_reports_what_was_stored()
    {
        var service = NewService(out var engine);
        var contents = Enumerable.Range(0, 1150).Select(i => "memory number " + i).ToList();
        // The bucket disappears after the first transaction (one or more chunks of 100): the second fails with 404.
        var transactions = 0;
        var storedBefore = 0;
        engine.BeforeBatchHook = () =>
        {
            if (++transactions == 2)
            {
                storedBefore = service.ListMemoriesAsync("b").GetAwaiter().GetResult().Total;
                engine.ForTenant("t").DeleteBucketAsync("b").GetAwaiter().GetResult();
            }
        };

        var error = await Assert.ThrowsAsync<EngramBatchException>(() => service.StoreMemoriesAsync("b", contents, DedupPolicy.Off));

        Assert.Equal(404, error.Status);
        Assert.InRange(storedBefore, 100, 1000);
        Assert.Equal(storedBefore, error.StoredResults.Count);
        Assert.Equal(1150, error.TotalCount);
    }

    [Fact]
    public async Task Memories_stored_in_one_batch_list_newest_inserted_first()
    {
        var service = NewService();
        var results = await service.StoreMemoriesAsync("b", new[] { "first fact", "second fact", "third fact", "fourth fact" }, DedupPolicy.Off);

        var listed = await service.ListMemoriesAsync("b");

        Assert.Equal(results.Select(r => r.Id).Reverse(), listed.Memories.Select(m => m.Id));
    }

    [Theory]
    [InlineData("", 400, "content is required")]
    [InlineData("   \t\n", 400, "content is required")]
    public async Task Empty_content_is_a_400(string content, int status, string message)
    {
        var service = NewService();

        var error = await Assert.ThrowsAsync<EngramException>(() => service.StoreMemoryAsync("b", content));

        Assert.Equal(status, error.Status);
        Assert.Equal(message, error.Message);
        Assert.Equal("INVALID_REQUEST", error.Code);
    }

    [Fact]
    public async Task Content_over_100000_characters_is_a_413_and_exactly_100000_is_accepted()
    {
        var service = NewService();

        var error = await Assert.ThrowsAsync<EngramException>(() => service.StoreMemoryAsync("b", new string('x', 100_001)));
        var ok = await service.StoreMemoryAsync("b", new string('y', 100_000));

        Assert.Equal(413, error.Status);
        Assert.Equal("content too large", error.Message);
        Assert.Equal("CONTENT_TOO_LARGE", error.Code);
        Assert.Equal(25_000, ok.TokenCount);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("bad\u0001name")]
    public async Task Invalid_bucket_names_are_rejected_on_store_and_create(string name)
    {
        var service = NewService();

        var store = await Assert.ThrowsAsync<EngramException>(() => service.StoreMemoryAsync(name, "x"));
        var create = await Assert.ThrowsAsync<EngramException>(() => service.CreateBucketAsync(name));

        Assert.Equal(400, store.Status);
        Assert.Equal(400, create.Status);
    }

    [Fact]
    public async Task Bucket_names_allow_128_characters_unicode_and_spaces_but_not_129()
    {
        var service = NewService();

        await service.CreateBucketAsync(new string('é', 128));
        await service.CreateBucketAsync("user 123/spaces%");
        await service.CreateBucketAsync("数据");
        var error = await Assert.ThrowsAsync<EngramException>(() => service.CreateBucketAsync(new string('a', 129)));

        Assert.Equal(400, error.Status);
        Assert.Equal(3, (await service.ListBucketsAsync()).Count);
    }

    [Fact]
    public async Task Store_auto_creates_a_missing_bucket_unless_strict()
    {
        using var folder = new TempFolder();
        using (var engine = Engines.OnFile(folder))
        using (var service = engine.ForTenant("t"))
        {
            await service.StoreMemoryAsync("fresh", "hello");
            Assert.Contains(await service.ListBucketsAsync(), b => b.Name == "fresh" && b.MemoryCount == 1);
        }

        using (var strictEngine = Engines.OnFile(folder, strict: true))
        using (var strict = strictEngine.ForTenant("t"))
        {
            var error = await Assert.ThrowsAsync<EngramException>(() => strict.StoreMemoryAsync("missing", "hello"));
            Assert.Equal(404, error.Status);
            Assert.Equal("BUCKET_NOT_FOUND", error.Code);
            Assert.Equal("Bucket not found", error.Message);
            Assert.Equal(StoreMemoryResult.StatusStored, (await strict.StoreMemoryAsync("fresh", "another")).Status);
        }
    }

    [Fact]
    public async Task A_store_without_bucket_goes_to_default_which_is_created_lazily()
    {
        var service = NewService();
        Assert.Empty(await service.ListBucketsAsync());

        var result = await service.StoreMemoryAsync("", "goes to default");

        Assert.Equal("default", result.BucketName);
        Assert.Equal("default", Assert.Single(await service.ListBucketsAsync()).Name);
    }
}

public class LargeBucketDedupTests : EngineTests
{
    [Fact]
    public async Task Near_duplicates_are_found_in_buckets_too_large_for_an_exact_scan()
    {
        var service = NewService(new ChosenVectorEmbedder().Near("base canonical, as it", 0.97).Near("base canonical, so", 0.99));
        var canonical = await service.StoreMemoryAsync("big", "base canonical");
        var fillers = Enumerable.Range(0, 4200).Select(i => $"filler memory {i} about topic {i * 31 % 977}").ToList();
        for (var i = 0; i < fillers.Count; i += 100)
        {
            await service.StoreMemoriesAsync("big", fillers.Skip(i).Take(100).ToList(), DedupPolicy.Off);
        }

        Assert.True((await service.ListMemoriesAsync("big")).Total > Engram.Local.Retrieval.BucketVectors.CodedScanMinimum);

        var near = await service.StoreMemoryAsync("big", "base canonical, as it was");
        var strictKeeps = await service.StoreMemoryAsync("big", "base canonical, as it was then", DedupPolicy.Strict);
        var unrelated = await service.StoreMemoryAsync("big", "axis:9 unrelated direction");
        var batch = await service.StoreMemoriesAsync("big", new[] { "axis:12 new", "base canonical, so it is" });

        Assert.Equal("embedding_similarity", near.MergeReason);
        Assert.Equal(canonical.Id, near.Id);
        Assert.Equal(StoreMemoryResult.StatusStored, strictKeeps.Status);
        Assert.Equal(StoreMemoryResult.StatusStored, unrelated.Status);
        Assert.Equal(StoreMemoryResult.StatusStored, batch[0].Status);
        Assert.Equal(strictKeeps.Id, batch[1].DedupedInto); // cosine 0.9946 with the 0.97 memory beats 0.99 with the canonical
    }
}
