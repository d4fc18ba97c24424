using System.Text.Json;
using Engram.Client;
using Xunit;

namespace Engram.Tests.Unit.Conformance;

/// <summary>
/// The same cases against every way of reaching the engine. A derived class per path runs them all, so the
/// in-process engine and the HTTP client over the local server must meet the same expectations.
/// </summary>
public abstract class EngramServiceConformanceTests : IDisposable
{
    private readonly ServiceUnderTest _sut;

    protected EngramServiceConformanceTests(ServiceUnderTest sut)
    {
        _sut = sut;
    }

    private IEngramService S => _sut.Service;

    public void Dispose() => _sut.Dispose();

    private static async Task<EngramException> Refused(Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<EngramException>(call);
        return error;
    }

    [Fact]
    public async Task Store_then_re_ingest_merges_into_the_first_memory()
    {
        var first = await S.StoreMemoryAsync("user-123", "User prefers dark mode.");
        var again = await S.StoreMemoryAsync("user-123", "User prefers dark mode.");
        var copy = await S.StoreMemoryAsync("user-123", "User prefers dark mode.", DedupPolicy.Off);

        Assert.Equal(StoreMemoryResult.StatusStored, first.Status);
        Assert.Equal(first.Id, first.MemoryId);
        Assert.Equal("user-123", first.BucketName);
        Assert.Equal(6, first.TokenCount);
        Assert.True(again.IsMerged);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.Id, again.DedupedInto);
        Assert.Equal("content_hash", again.MergeReason);
        Assert.Equal(1.0, again.SimilarityScore);
        Assert.Equal(StoreMemoryResult.StatusStored, copy.Status);
        Assert.Equal(2, (await S.ListMemoriesAsync("user-123")).Total);
    }

    [Fact]
    public async Task Batch_results_come_back_in_input_order_and_a_bad_item_stores_nothing()
    {
        var results = await S.StoreMemoriesAsync("work", new[] { "Alpha is due in October.", "Standup is at 09:30.", "Alpha is due in October." });
        var bad = await Refused(() => S.StoreMemoriesAsync("work", new[] { "fine item", " " }));

        Assert.Equal(3, results.Count);
        Assert.Equal(StoreMemoryResult.StatusStored, results[0].Status);
        Assert.Equal(StoreMemoryResult.StatusStored, results[1].Status);
        Assert.True(results[2].IsMerged);
        Assert.Equal(results[0].Id, results[2].DedupedInto);
        Assert.Equal(400, bad.Status);
        Assert.Equal("INVALID_REQUEST", bad.Code);
        Assert.Equal(2, (await S.ListMemoriesAsync("work")).Total);
    }

    [Fact]
    public async Task Listing_clamps_paging_the_same_way()
    {
        await S.StoreMemoriesAsync("b", new[] { "one", "two", "three" });

        var huge = await S.ListMemoriesAsync("b", 500, 0);
        var zero = await S.ListMemoriesAsync("b", 0, -5);
        var past = await S.ListMemoriesAsync("b", 2, 10);
        var missing = await S.ListMemoriesAsync("nobody");

        Assert.Equal((100, 0, 3, 3), (huge.Limit, huge.Offset, huge.Total, huge.Memories.Count));
        Assert.Equal((20, 0, 3), (zero.Limit, zero.Offset, zero.Memories.Count));
        Assert.Equal((2, 10, 3, 0), (past.Limit, past.Offset, past.Total, past.Memories.Count));
        Assert.Equal(0, missing.Total);
        Assert.All(huge.Memories, m => Assert.Equal("b", m.BucketName));
    }

    [Fact]
    public async Task Delete_and_clear_report_what_they_did_and_refuse_what_is_missing()
    {
        var kept = await S.StoreMemoryAsync("b", "keep");
        var gone = await S.StoreMemoryAsync("b", "remove");

        await S.DeleteMemoryAsync("b", gone.Id);
        var missing = await Refused(() => S.DeleteMemoryAsync("b", gone.Id));
        var cleared = await S.ClearMemoriesAsync("b");
        var clearedAgain = await S.ClearMemoriesAsync("b");

        Assert.Equal(404, missing.Status);
        Assert.Equal("MEMORY_NOT_FOUND", missing.Code);
        Assert.True(cleared.Success);
        Assert.Equal(1, cleared.ClearedCount);
        Assert.Equal(0, clearedAgain.ClearedCount);
        Assert.NotEqual(kept.Id, gone.Id);
    }

    [Fact]
    public async Task Oversized_and_empty_content_are_refused_with_the_same_status_and_code()
    {
        var tooLarge = await Refused(() => S.StoreMemoryAsync("b", new string('x', EngramLimits.MaxContentLength + 1)));
        var empty = await Refused(() => S.StoreMemoryAsync("b", ""));

        Assert.Equal((413, "CONTENT_TOO_LARGE"), (tooLarge.Status, tooLarge.Code));
        Assert.Equal((400, "INVALID_REQUEST"), (empty.Status, empty.Code));
        Assert.Equal(0, (await S.ListMemoriesAsync("b")).Total);
    }

    [Fact]
    public async Task Buckets_behave_the_same()
    {
        var team = await S.CreateBucketAsync("team");
        var shared = await S.CreateBucketAsync("user 123/spaces%", "shared one");
        var duplicate = await Refused(() => S.CreateBucketAsync("team"));
        var listed = await S.ListBucketsAsync();
        await S.DeleteBucketAsync("team");
        var deleteMissing = await Refused(() => S.DeleteBucketAsync("team"));

        Assert.Equal("team", team.Name);
        Assert.Null(team.Description);
        Assert.Equal("shared one", shared.Description);
        Assert.Equal((409, "BUCKET_EXISTS"), (duplicate.Status, duplicate.Code));
        Assert.Equal(new[] { "team", "user 123/spaces%" }, listed.Select(b => b.Name));
        Assert.All(listed, b => Assert.Equal(0, b.MemoryCount));
        Assert.Equal((404, "BUCKET_NOT_FOUND"), (deleteMissing.Status, deleteMissing.Code));
        Assert.Equal(new[] { "user 123/spaces%" }, (await S.ListBucketsAsync()).Select(b => b.Name));
    }

    [Fact]
    public async Task Profiles_go_from_not_installed_to_pending_to_ready()
    {
        await S.StoreMemoryAsync("user-123", "User owns a power bank.");

        var before = await S.GetProfileAsync("user-123");
        // Only a bucket that does not exist is refused: regenerate installs the profiler on demand (issue 11).
        var refused = await Refused(() => S.RegenerateProfileAsync("nobody-here"));
        await _sut.InstallProfilerAsync("user-123");
        var pending = await S.GetProfileAsync("user-123");
        await S.RegenerateProfileAsync("user-123");
        var ready = await S.GetProfileAsync("user-123");

        Assert.Equal(ProfileResult.StatusNotInstalled, before.Status);
        Assert.Null(before.Profile);
        Assert.Equal((412, "BUCKET_PROFILER_NOT_INSTALLED"), (refused.Status, refused.Code));
        Assert.Equal(ProfileResult.StatusPending, pending.Status);
        Assert.Equal(ProfileResult.StatusReady, ready.Status);
        Assert.Contains("power bank", ready.Profile);
        Assert.Equal(1, ready.NMemoriesAtGen);
        Assert.Equal(pending.BucketId, ready.BucketId);
    }

    [Fact]
    public async Task Queries_answer_with_explanation_usage_and_json_mode()
    {
        await S.StoreMemoriesAsync("work", new[] { "Project Alpha deadline is 2026-10-15.", "Lunch is at noon." });

        var prose = await S.QueryAsync(new QueryRequest("When is the Project Alpha deadline?", "work"));
        var json = await S.QueryAsync(new QueryRequest("When is the Project Alpha deadline?", "work") { ReturnFormat = ReturnFormat.Json });
        var retrieval = await S.QueryAsync(new QueryRequest("Project Alpha deadline", "work") { SkipSynthesis = true, ReturnExplanation = false });

        Assert.Contains("2026-10-15", prose.Answer);
        Assert.Null(prose.AnswerJson);
        Assert.Equal(prose.Explanation!.RetrievedMemories.Count, prose.MemoriesFound);
        Assert.Equal("Project Alpha deadline is 2026-10-15.", prose.Explanation.RetrievedMemories[0].Content);
        Assert.Equal("work", prose.Explanation.RetrievedMemories[0].BucketName);
        Assert.NotNull(prose.Usage);
        Assert.True(prose.Usage!.OutputTokens > 0);
        Assert.NotNull(prose.SynthesisUsage);
        Assert.True(json.AnswerJson.HasValue);
        Assert.Equal("", retrieval.Answer);
        Assert.Null(retrieval.Explanation);
        Assert.True(retrieval.MemoriesFound > 0);
    }

    [Fact]
    public async Task A_streamed_query_delivers_the_buffered_answer_in_deltas_then_one_done()
    {
        await S.StoreMemoriesAsync("work", new[]
        {
            "User prefers dark mode in every editor they use at work.",
            "Project Alpha deadline is 2026-10-15 and the user owns the release plan.",
        });
        var request = new QueryRequest("What does the user prefer and when is the Project Alpha deadline?", "work");
        var buffered = await S.QueryAsync(request);

        var stream = S.QueryStreamAsync(request);
        var events = new List<QueryStreamEvent>();
        await foreach (var e in stream)
        {
            events.Add(e);
        }

        var deltas = events.Where(e => e.Type == QueryStreamEventType.Delta).Select(e => e.Content).ToList();
        var done = Assert.Single(events, e => e.Type == QueryStreamEventType.Done);
        Assert.True(deltas.Count >= 2);
        Assert.Equal(buffered.Answer, string.Concat(deltas));
        Assert.Equal(buffered.Answer, done.Final!.Answer);
        Assert.Equal(buffered.MemoriesFound, done.Final.MemoriesFound);
        Assert.Equal(
            buffered.Explanation!.RetrievedMemories.Select(m => (m.MemoryId, m.Content, m.RawScore)),
            done.Final.Explanation!.RetrievedMemories.Select(m => (m.MemoryId, m.Content, m.RawScore)));
        Assert.Equal(QueryStreamEventType.Done, events[^1].Type);
        Assert.True(stream.Completed);
    }

    [Fact]
    public async Task A_blank_streamed_query_fails_before_any_event()
    {
        var events = 0;

        // The engine answers 400 INVALID_REQUEST; the HTTP client already refuses the blank question itself
        // (ArgumentException) before sending. Either way the caller gets no event and a clear error.
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var unused in S.QueryStreamAsync(new QueryRequest("   ", "work")))
            {
                events++;
            }
        });

        Assert.Equal(0, events);
        Assert.True(error is ArgumentException || error is EngramException { Status: 400, Code: "INVALID_REQUEST" }, error.GetType().Name + ": " + error.Message);
    }
}

public sealed class InProcessConformanceTests : EngramServiceConformanceTests
{
    public InProcessConformanceTests()
        : base(ServiceUnderTest.InProcess())
    {
    }
}

public sealed class OverHttpConformanceTests : EngramServiceConformanceTests
{
    public OverHttpConformanceTests()
        : base(ServiceUnderTest.OverHttp())
    {
    }
}
