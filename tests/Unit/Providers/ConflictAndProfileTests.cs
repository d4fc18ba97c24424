using System.Text.Json;
using Engram.Client;
using Engram.Local;
using Engram.Providers;
using Xunit;

namespace Engram.Tests.Unit.Providers;

/// <summary>The model's other two jobs: judging near-duplicate writes and writing profiles, through the real OpenAI SDK.</summary>
public sealed class ConflictAndProfileTests : IAsyncLifetime
{
    private const string Key = "sk-test-CONFLICT-5ecret-key-0123456789";

    // Cosine 0.931 under the built-in hashing embedder: a near-duplicate (≥ 0.80) the rules do not merge (< 0.95).
    private const string Existing = "Dana Reyes is the pg-prod on-call owner.";
    private const string Reworded = "The pg-prod on-call owner is Dana Reyes.";

    private readonly ScriptedPeer _peer = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _peer.DisposeAsync();

    private LocalEngine Engine() => LocalEngine.Open(new LocalEngineOptions
    {
        InMemory = true,
        ChatClient = ChatClientFactory.Create(new ProviderSettings { Model = "gpt-test", Endpoint = _peer.OpenAIBase, MaxRetriesOn429 = 0 }.WithKey(Key)),
    });

    [Fact]
    public async Task A_near_duplicate_the_model_judges_redundant_merges_as_conflict_keep_existing()
    {
        using var engine = Engine();
        using var service = engine.ForTenant("t");
        var first = await service.StoreMemoryAsync("ops", Existing);
        _peer.EnqueueJson(200, ProviderWire.OpenAICompletion("KEEP_EXISTING"));

        var second = await service.StoreMemoryAsync("ops", Reworded);

        Assert.Equal(StoreMemoryResult.StatusMerged, second.Status);
        Assert.Equal("conflict_keep_existing", second.MergeReason);
        Assert.Equal(first.Id, second.DedupedInto);
        Assert.Equal(first.Id, second.Id);
        Assert.InRange(second.SimilarityScore!.Value, 0.80, 0.95);
        Assert.Equal(1, (await service.ListMemoriesAsync("ops")).Total);
        var prompt = Assert.Single(_peer.Requests).Body;
        Assert.Contains(Existing, prompt);
        Assert.Contains(Reworded, prompt);
    }

    [Fact]
    public async Task A_near_duplicate_the_model_says_adds_something_is_stored()
    {
        using var engine = Engine();
        using var service = engine.ForTenant("t");
        await service.StoreMemoryAsync("ops", Existing);
        _peer.EnqueueJson(200, ProviderWire.OpenAICompletion("KEEP_BOTH"));

        var second = await service.StoreMemoryAsync("ops", Reworded);

        Assert.Equal(StoreMemoryResult.StatusStored, second.Status);
        Assert.Equal(2, (await service.ListMemoriesAsync("ops")).Total);
    }

    [Fact]
    public async Task When_the_model_fails_the_write_is_kept_and_unrelated_writes_never_call_it()
    {
        using var engine = Engine();
        using var service = engine.ForTenant("t");
        await service.StoreMemoryAsync("ops", Existing);
        _peer.EnqueueJson(500, ProviderWire.OpenAIError("boom", "server_error"));

        var judgedFailed = await service.StoreMemoryAsync("ops", Reworded);
        var unrelated = await service.StoreMemoryAsync("ops", "The staging database is called pg-stage.");
        var exact = await service.StoreMemoryAsync("ops", Existing);
        var off = await service.StoreMemoryAsync("ops", Reworded, DedupPolicy.Off);

        Assert.Equal(StoreMemoryResult.StatusStored, judgedFailed.Status);
        Assert.Equal(StoreMemoryResult.StatusStored, unrelated.Status);
        Assert.Equal("content_hash", exact.MergeReason);
        Assert.Equal(StoreMemoryResult.StatusStored, off.Status);
        Assert.Single(_peer.Requests); // only the near-duplicate was judged
    }

    [Fact]
    public async Task Regenerate_with_a_model_stores_its_prose_and_a_failure_leaves_the_old_snapshot()
    {
        using var engine = Engine();
        using var service = engine.ForTenant("t");
        await service.StoreMemoriesAsync("alice", new[] { "Alice prefers dark mode.", "Alice works from Lisbon." });
        const string prose = "Alice works from Lisbon and prefers dark mode.";
        _peer.EnqueueJson(200, ProviderWire.OpenAICompletion(prose));

        var ready = await service.RegenerateProfileAsync("alice"); // no install step: on demand
        _peer.EnqueueJson(401, ProviderWire.OpenAIError("Incorrect API key provided: " + Key));
        var failure = await Assert.ThrowsAsync<EngramException>(() => service.RegenerateProfileAsync("alice"));
        var after = await service.GetProfileAsync("alice");

        Assert.Equal(prose, ready.Profile);
        Assert.Equal("bucket-profiler/model", ready.Source);
        Assert.Equal(2, ready.NMemoriesAtGen);
        Assert.Contains("Alice works from Lisbon.", _peer.Requests.First().Body);
        Assert.Equal(EngramErrorCodes.ProviderUnauthorized, failure.Code);
        ProviderSynthesisTests.AssertNoKeyIn(failure.ToString(), Key);
        Assert.Equal(prose, after.Profile);
        Assert.Equal(ready.UpdatedAt, after.UpdatedAt);
    }

    [Fact]
    public async Task A_multi_bucket_query_gives_the_model_each_buckets_profile_and_returns_the_profiles_map()
    {
        using var engine = Engine();
        using var service = engine.ForTenant("t");
        await service.StoreMemoryAsync("alice", "Alice prefers dark mode.");
        await service.StoreMemoryAsync("team", "The team layout is compact.");
        await service.StoreMemoryAsync("other", "Unrelated notes about lunch.");
        _peer.EnqueueJson(200, ProviderWire.OpenAICompletion("Alice is a dark-mode person."));
        _peer.EnqueueJson(200, ProviderWire.OpenAICompletion("The team works compact."));
        var aliceProfile = (await service.RegenerateProfileAsync("alice")).Profile;
        var teamProfile = (await service.RegenerateProfileAsync("team")).Profile;
        _peer.EnqueueJson(200, ProviderWire.OpenAICompletion("Dark mode, compact layout [M1][M2]."));

        var result = await service.QueryAsync(new QueryRequest("What does Alice prefer and which layout?", "alice", "team", "other"));

        Assert.Null(result.Explanation!.Profile);
        Assert.Equal(aliceProfile, result.Explanation.Profiles!["alice"]);
        Assert.Equal(teamProfile, result.Explanation.Profiles["team"]);
        Assert.False(result.Explanation.Profiles.ContainsKey("other")); // no profiler there
        var prompt = _peer.Requests.Last().Body;
        Assert.Contains("Profile of bucket alice", prompt);
        Assert.Contains("Alice is a dark-mode person.", prompt);
        Assert.Contains("The team works compact.", prompt);
    }
}
