using Engram.Client;
using Engram.Local;
using Xunit;

namespace Engram.Tests.Unit.Local;

public class StreamingTests : EngineTests
{
    private static async Task<LocalEngramService> Seeded(LocalEngramService service)
    {
        await service.StoreMemoriesAsync("work", new[]
        {
            "You worked on Project Alpha. The Alpha deadline is 2026-10-15 and the demo is in September.",
            "Project Alpha uses the new billing service written in Go.",
            "You reviewed three Alpha pull requests yesterday.",
        });
        return service;
    }

    [Fact]
    public async Task Deltas_concatenate_exactly_to_the_answer_then_one_done_event_completes_the_stream()
    {
        var service = await Seeded(NewService());
        var request = new QueryRequest("What did I work on in Project Alpha?", "work");

        var stream = service.QueryStreamAsync(request);
        var events = new List<QueryStreamEvent>();
        await foreach (var e in stream)
        {
            events.Add(e);
        }

        var deltas = events.TakeWhile(e => e.Type == QueryStreamEventType.Delta).ToList();
        Assert.True(deltas.Count > 1);
        var done = Assert.Single(events, e => e.Type == QueryStreamEventType.Done);
        Assert.Same(events[^1], done);
        Assert.Equal(done.Final!.Answer, string.Concat(deltas.Select(d => d.Content)));
        Assert.Equal((await service.QueryAsync(request)).Answer, done.Final.Answer);
        Assert.True(done.Final.MemoriesFound >= 1);
        Assert.NotNull(done.Final.Usage);
        Assert.True(stream.Completed);
    }

    [Fact]
    public async Task With_skip_synthesis_the_stream_has_only_the_done_event()
    {
        var service = await Seeded(NewService());

        var events = new List<QueryStreamEvent>();
        var stream = service.QueryStreamAsync(new QueryRequest("Alpha", "work") { SkipSynthesis = true });
        await foreach (var e in stream)
        {
            events.Add(e);
        }

        var done = Assert.Single(events);
        Assert.Equal(QueryStreamEventType.Done, done.Type);
        Assert.Equal("", done.Final!.Answer);
        Assert.True(stream.Completed);
    }

    [Fact]
    public async Task Cancelling_between_events_stops_the_stream_without_completing_it()
    {
        var service = await Seeded(NewService());
        using var cts = new CancellationTokenSource();
        var stream = service.QueryStreamAsync(new QueryRequest("What did I work on in Project Alpha?", "work"));
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in stream.WithCancellation(cts.Token))
            {
                seen++;
                cts.Cancel();
            }
        });

        Assert.Equal(1, seen);
        Assert.False(stream.Completed);
    }

    [Fact]
    public async Task Errors_surface_before_any_event()
    {
        var service = NewService();

        var error = await Assert.ThrowsAsync<EngramException>(async () =>
        {
            await foreach (var e in service.QueryStreamAsync(new QueryRequest("", "work")))
            {
                Assert.Fail("no event expected");
            }
        });

        Assert.Equal(400, error.Status);
    }
}

public class ProfileTests : EngineTests
{
    [Fact]
    public async Task Profile_goes_from_not_installed_to_pending_to_ready()
    {
        var service = NewService();
        await service.StoreMemoriesAsync("user-123", new[] { "User owns a power bank.", "User charges the power bank nightly.", "User likes hiking." });

        var before = await service.GetProfileAsync("user-123");
        await service.InstallProfilerAsync("user-123");
        var pending = await service.GetProfileAsync("user-123");
        await service.StoreMemoryAsync("user-123", "User bought a second power bank.");
        var ready = await service.GetProfileAsync("user-123");

        Assert.Equal(ProfileResult.StatusNotInstalled, before.Status);
        Assert.Null(before.Profile);
        Assert.False(string.IsNullOrEmpty(before.BucketId));
        Assert.Equal(ProfileResult.StatusPending, pending.Status);
        Assert.Null(pending.Profile);
        Assert.Equal(before.BucketId, pending.BucketId);
        Assert.Equal(ProfileResult.StatusReady, ready.Status);
        Assert.Equal("bucket-profiler", ready.Source);
        Assert.Equal(4, ready.NMemoriesAtGen);
        Assert.Matches(@"Z$", ready.UpdatedAt);
        // Prose, not a JSON document: it names the bucket and its size, the frequent words, and quotes memories.
        Assert.StartsWith("The bucket user-123 holds 4 memories.", ready.Profile);
        Assert.Contains("power", ready.Profile);
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => System.Text.Json.JsonDocument.Parse(ready.Profile!));
        var stored = (await service.ListMemoriesAsync("user-123")).Memories.Select(m => m.Content).ToList();
        Assert.Contains(stored, m => ready.Profile!.Contains(m));
    }

    [Fact]
    public async Task Regenerate_installs_the_profiler_on_demand_and_returns_a_ready_snapshot_of_the_current_bucket()
    {
        var service = NewService();
        await service.StoreMemoryAsync("b", "First fact about sailing.");

        // Official clients cannot reach the local install route, so regenerate works without it (issue 11).
        var first = await service.RegenerateProfileAsync("b");
        var missingBucket = await Assert.ThrowsAsync<EngramException>(() => service.RegenerateProfileAsync("nope"));
        await service.InstallProfilerAsync("b"); // installing afterwards keeps the snapshot
        await service.StoreMemoryAsync("b", "Second fact about sailing boats.");
        var stale = await service.GetProfileAsync("b");
        var second = await service.RegenerateProfileAsync("b");

        Assert.Equal(ProfileResult.StatusReady, first.Status);
        Assert.Equal(1, first.NMemoriesAtGen);
        Assert.Equal(412, missingBucket.Status);
        Assert.Equal("BUCKET_PROFILER_NOT_INSTALLED", missingBucket.Code);
        Assert.Equal(first.Profile, stale.Profile); // a snapshot stays until the next tick
        Assert.Equal(2, second.NMemoriesAtGen);
    }

    [Fact]
    public async Task A_missing_bucket_reads_as_not_installed_without_a_bucket_id()
    {
        var service = NewService();

        var profile = await service.GetProfileAsync("ghost");

        Assert.Equal(ProfileResult.StatusNotInstalled, profile.Status);
        Assert.Null(profile.BucketId);
        Assert.Null(profile.Profile);
    }

    [Fact]
    public async Task Queries_show_the_profile_for_one_bucket_and_a_profiles_map_for_several()
    {
        var service = NewService();
        await service.StoreMemoryAsync("user-123", "User prefers dark mode.");
        await service.StoreMemoryAsync("shared", "Team layout is compact.");
        await service.StoreMemoryAsync("plain", "Nothing to profile here about mode.");
        await service.InstallProfilerAsync("user-123");
        await service.InstallProfilerAsync("shared");
        var ready = await service.RegenerateProfileAsync("user-123");

        var single = await service.QueryAsync(new QueryRequest("dark mode", "user-123"));
        var several = await service.QueryAsync(new QueryRequest("dark mode layout", "user-123", "shared", "plain"));
        var noProfiler = await service.QueryAsync(new QueryRequest("dark mode", "plain"));

        Assert.Equal(ready.Profile, single.Explanation!.Profile);
        Assert.Null(single.Explanation.Profiles);
        Assert.Equal((single.Explanation.RetrievedMemories.Sum(m => (m.Content.Length + 3) / 4)) + (ready.Profile!.Length + 3) / 4, single.Explanation.ContextTokens);
        Assert.Null(several.Explanation!.Profile);
        Assert.Equal(ready.Profile, several.Explanation.Profiles!["user-123"]);
        Assert.True(several.Explanation.Profiles.ContainsKey("shared"));
        Assert.Null(several.Explanation.Profiles["shared"]); // installed, no snapshot yet
        Assert.False(several.Explanation.Profiles.ContainsKey("plain"));
        Assert.Null(noProfiler.Explanation!.Profile);
    }
}
