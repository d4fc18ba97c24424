using System.Text.Json;
using Engram.Client;
using Engram.Local;
using Xunit;

namespace Engram.Tests.Unit.Local;

public class QueryTests : EngineTests
{
    private static readonly string[] Facts =
    {
        "User prefers dark mode in every editor.",
        "The user's favourite food is ramen with extra egg.",
        "Project Alpha deadline is 2026-10-15.",
        "Standup is at 09:30 CET on weekdays.",
        "The office wifi password rotates every month.",
        "User is allergic to peanuts.",
    };

    private static async Task<LocalEngramService> Seeded(LocalEngramService service, string bucket = "user")
    {
        await service.StoreMemoriesAsync(bucket, Facts);
        return service;
    }

    [Fact]
    public async Task The_lexically_matching_memory_ranks_first_with_scores_and_metadata()
    {
        var service = await Seeded(NewService());

        var result = await service.QueryAsync(new QueryRequest("When is the Project Alpha deadline?", "user"));

        var top = result.Explanation!.RetrievedMemories[0];
        Assert.Equal("Project Alpha deadline is 2026-10-15.", top.Content);
        Assert.Equal("user", top.BucketName);
        Assert.False(string.IsNullOrEmpty(top.BucketId));
        Assert.Equal(1.0, top.Weight);
        Assert.Equal(top.RawScore!.Value, top.WeightedScore!.Value, 6);
        Assert.InRange(top.RawScore.Value, 0.0, 1.0);
        var metadata = top.Metadata!.Value;
        Assert.Equal(("Project Alpha deadline is 2026-10-15.".Length + 3) / 4, metadata.GetProperty("token_count").GetInt32());
        Assert.Matches(@"Z$", metadata.GetProperty("created_at").GetString());
        Assert.True(result.Success);
        Assert.Equal(result.Explanation.RetrievedMemories.Count, result.MemoriesFound);
        // Results are ordered by weighted score.
        var scores = result.Explanation.RetrievedMemories.Select(m => m.WeightedScore!.Value).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
    }

    [Fact]
    public async Task Unrelated_memories_are_not_retrieved_and_the_answer_says_nothing_answers()
    {
        var service = await Seeded(NewService());

        var result = await service.QueryAsync(new QueryRequest("quantum chromodynamics lattice", "user"));

        Assert.Equal(0, result.MemoriesFound);
        Assert.Equal("No stored memory answers this question.", result.Answer);
        Assert.Equal(0, result.Explanation!.ContextTokens);
    }

    [Fact]
    public async Task Extractive_answers_only_contain_sentences_of_retrieved_memories()
    {
        var service = NewService();
        await service.StoreMemoriesAsync("user", new[]
        {
            "User prefers dark mode. The user also likes a compact layout.",
            "Team default layout is compact! Colours follow the brand guide.",
            "Dark mode is enabled in the terminal too.",
        });

        var result = await service.QueryAsync(new QueryRequest("What layout and dark mode does the user prefer?", "user"));

        Assert.NotEqual("", result.Answer);
        var retrieved = result.Explanation!.RetrievedMemories.Select(m => m.Content).ToList();
        var remaining = result.Answer;
        foreach (var memory in retrieved)
        {
            foreach (var sentence in System.Text.RegularExpressions.Regex.Split(memory, @"(?<=[.!?])\s+"))
            {
                remaining = remaining.Replace(sentence.Trim(), "");
            }
        }

        // Nothing but the separators is left: every word of the answer was quoted from a retrieved memory.
        Assert.Equal("", remaining.Trim());
        Assert.Equal(result.Usage!.OutputTokens, (result.Answer.Length + 3) / 4);
    }

    [Fact]
    public async Task Max_tokens_caps_the_answer_at_whole_sentences()
    {
        var service = NewService();
        await service.StoreMemoriesAsync("b", new[] { "Dark mode is on. Dark mode saves battery. Dark mode is calm.", "Dark mode everywhere please." });

        var result = await service.QueryAsync(new QueryRequest("dark mode", "b") { MaxTokens = 10 });

        Assert.True(result.Answer.Length <= 40, result.Answer);
        Assert.EndsWith(".", result.Answer);
        Assert.True(result.Usage!.OutputTokens <= 10);
    }

    [Fact]
    public async Task Several_buckets_are_fused_by_weighted_score_and_unknown_buckets_contribute_nothing()
    {
        var service = NewService();
        await service.StoreMemoriesAsync("user-123", new[] { "User prefers dark mode.", "User lives in Lisbon." });
        await service.StoreMemoriesAsync("shared", new[] { "Team default layout is compact.", "Team prefers dark mode themes for demos." });

        var result = await service.QueryAsync(new QueryRequest("Which mode does the user prefer, dark mode?", "user-123", "shared", "no-such-bucket"));

        var retrieved = result.Explanation!.RetrievedMemories;
        Assert.Contains(retrieved, m => m.BucketName == "user-123");
        Assert.Contains(retrieved, m => m.BucketName == "shared");
        Assert.DoesNotContain(retrieved, m => m.BucketName == "no-such-bucket");
        var scores = retrieved.Select(m => m.WeightedScore!.Value).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.Equal("User prefers dark mode.", retrieved[0].Content);
    }

    [Fact]
    public async Task Top_k_and_top_k_per_bucket_limit_each_bucket()
    {
        var service = NewService();
        await service.StoreMemoriesAsync("a", Enumerable.Range(1, 12).Select(i => $"Coffee note {i}: the espresso machine needs descaling {i} times.").ToList(), DedupPolicy.Off);
        await service.StoreMemoriesAsync("b", Enumerable.Range(1, 12).Select(i => $"Coffee budget {i}: espresso beans cost {i} euros.").ToList(), DedupPolicy.Off);

        var topK = await service.QueryAsync(new QueryRequest("espresso coffee", "a", "b") { TopK = 3 });
        var perBucketInt = await service.QueryAsync(new QueryRequest("espresso coffee", "a", "b") { TopK = 3, TopKPerBucket = 5 });
        var perBucketMap = await service.QueryAsync(new QueryRequest("espresso coffee", "a", "b")
        {
            TopK = 2,
            TopKPerBucket = new Dictionary<string, int> { ["a"] = 7, ["zzz"] = 50 },
        });
        var clamped = await service.QueryAsync(new QueryRequest("espresso coffee", "a") { TopK = 0 });

        int Count(QueryResult r, string bucket) => r.Explanation!.RetrievedMemories.Count(m => m.BucketName == bucket);
        Assert.Equal((3, 3), (Count(topK, "a"), Count(topK, "b")));
        Assert.Equal((5, 5), (Count(perBucketInt, "a"), Count(perBucketInt, "b")));
        Assert.Equal((7, 2), (Count(perBucketMap, "a"), Count(perBucketMap, "b")));
        Assert.Equal(8, clamped.MemoriesFound); // top_k ≤ 0 means the default 8
        Assert.Equal(9, perBucketMap.MemoriesFound);
    }

    [Fact]
    public async Task Min_similarity_filters_on_raw_score_and_min_weighted_score_on_weighted_score()
    {
        var service = await Seeded(NewService());
        var unfiltered = await service.QueryAsync(new QueryRequest("Does the user prefer dark mode in the editor?", "user") { MinSimilarityThreshold = 0.0 });
        var scores = unfiltered.Explanation!.RetrievedMemories.Select(m => m.RawScore!.Value).ToList();
        Assert.True(scores.Count >= 2);
        var cut = (scores[0] + scores[1]) / 2;

        var bySimilarity = await service.QueryAsync(new QueryRequest("Does the user prefer dark mode in the editor?", "user") { MinSimilarityThreshold = cut });
        var byWeighted = await service.QueryAsync(new QueryRequest("Does the user prefer dark mode in the editor?", "user") { MinSimilarityThreshold = 0.0, MinWeightedScore = cut });
        var none = await service.QueryAsync(new QueryRequest("Does the user prefer dark mode in the editor?", "user") { MinWeightedScore = 1.01 });

        Assert.Equal(1, bySimilarity.MemoriesFound);
        Assert.All(bySimilarity.Explanation!.RetrievedMemories, m => Assert.True(m.RawScore >= cut));
        Assert.Equal(1, byWeighted.MemoriesFound);
        Assert.Equal(0, none.MemoriesFound);
        Assert.Empty(none.Explanation!.RetrievedMemories);
    }

    [Fact]
    public async Task Skip_synthesis_returns_no_answer_and_zero_usage_except_context()
    {
        var service = await Seeded(NewService());

        var result = await service.QueryAsync(new QueryRequest("dark mode", "user") { SkipSynthesis = true, TopK = 5 });

        Assert.Equal("", result.Answer);
        Assert.Null(result.AnswerJson);
        Assert.True(result.MemoriesFound >= 1);
        var expectedContext = result.Explanation!.RetrievedMemories.Sum(m => (m.Content.Length + 3) / 4);
        Assert.Equal(expectedContext, result.Usage!.ContextTokens);
        Assert.Equal(expectedContext, result.Explanation.ContextTokens);
        Assert.Equal((0, 0, 0, 0), (result.Usage.InputTokens, result.Usage.OutputTokens, result.Usage.ActualInputTokens, result.Usage.ActualOutputTokens));
        Assert.Equal(0, result.SynthesisUsage!.Value.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Usage_counts_question_answer_and_context_consistently()
    {
        var service = await Seeded(NewService());

        var result = await service.QueryAsync(new QueryRequest("What food does the user like?", "user"));

        var usage = result.Usage!;
        Assert.Equal(("What food does the user like?".Length + 3) / 4, usage.InputTokens);
        Assert.Equal((result.Answer.Length + 3) / 4, usage.OutputTokens);
        Assert.Equal(usage.InputTokens + usage.ContextTokens, usage.ActualInputTokens);
        Assert.Equal(usage.OutputTokens, usage.ActualOutputTokens);
        var synthesis = result.SynthesisUsage!.Value;
        Assert.Equal(usage.ActualInputTokens, synthesis.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(usage.ActualOutputTokens, synthesis.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(usage.ActualInputTokens + usage.ActualOutputTokens, synthesis.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Without_return_explanation_the_explanation_is_absent_but_memories_found_stays()
    {
        var service = await Seeded(NewService());

        var result = await service.QueryAsync(new QueryRequest("peanuts allergy", "user") { ReturnExplanation = false });

        Assert.Null(result.Explanation);
        Assert.True(result.MemoriesFound >= 1);
        Assert.Contains("peanuts", result.Answer);
    }

    [Fact]
    public async Task Json_format_returns_json_built_from_memories_and_the_same_text_in_answer()
    {
        var service = await Seeded(NewService());

        var result = await service.QueryAsync(new QueryRequest("favourite food ramen", "user") { ReturnFormat = ReturnFormat.Json });

        var json = result.AnswerJson!.Value;
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
        Assert.Equal(JsonSerializer.Serialize(json), result.Answer);
        var memories = json.GetProperty("memories").EnumerateArray().ToList();
        Assert.Contains(memories, m => m.GetProperty("content").GetString() == "The user's favourite food is ramen with extra egg.");
        Assert.All(memories, m => Assert.Equal("user", m.GetProperty("bucket_name").GetString()));
        Assert.Contains("ramen", json.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task Json_format_follows_an_array_schema_filling_only_what_memories_hold()
    {
        var service = NewService();
        await service.StoreMemoriesAsync("cases", new[] { "Doe v. Acme is pending.", "Roe v. Beta was settled." });
        using var schema = JsonDocument.Parse("""{"type":"array","items":{"properties":{"content":{"type":"string"},"memory_id":{"type":"string"},"status":{"type":"string"}}}}""");

        var result = await service.QueryAsync(new QueryRequest("Doe v. Acme case", "cases") { ReturnFormat = ReturnFormat.Json, ResponseSchema = schema.RootElement });

        var items = result.AnswerJson!.Value.EnumerateArray().ToList();
        Assert.NotEmpty(items);
        var ids = result.Explanation!.RetrievedMemories.Select(m => m.MemoryId).ToList();
        Assert.All(items, item =>
        {
            Assert.Contains(item.GetProperty("memory_id").GetString(), ids);
            Assert.Equal(JsonValueKind.Null, item.GetProperty("status").ValueKind); // not invented
        });
        Assert.Equal("Doe v. Acme is pending.", items[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Questions_full_of_fts_syntax_never_fail()
    {
        var service = await Seeded(NewService());

        foreach (var question in new[] { "\"unbalanced", "NEAR(dark mode) AND OR NOT", "col:value * ^ -minus", "(((", "ramen\"; DROP TABLE memories; --", "?!" })
        {
            var result = await service.QueryAsync(new QueryRequest(question, "user"));
            Assert.True(result.Success);
        }

        Assert.Equal(6, (await service.ListMemoriesAsync("user")).Total);
    }

    [Fact]
    public async Task An_empty_question_is_a_400()
    {
        var service = NewService();

        var error = await Assert.ThrowsAsync<EngramException>(() => service.QueryAsync(new QueryRequest("  ", "b")));

        Assert.Equal(400, error.Status);
        Assert.Equal("INVALID_REQUEST", error.Code);
    }

    [Fact]
    public async Task A_query_without_buckets_searches_default()
    {
        var service = NewService();
        await service.StoreMemoryAsync("default", "The cat is called Miso.");

        var result = await service.QueryAsync(new QueryRequest { Query = "What is the cat called?" });

        Assert.Equal("The cat is called Miso.", Assert.Single(result.Explanation!.RetrievedMemories).Content);
    }

    [Fact]
    public async Task A_cancelled_query_is_cancelled()
    {
        var service = await Seeded(NewService());
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.QueryAsync(new QueryRequest("dark", "user"), cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.StoreMemoryAsync("user", "never stored", null, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.StoreMemoriesAsync("user", new[] { "never", "stored" }, null, cts.Token));
        Assert.Equal(6, (await service.ListMemoriesAsync("user")).Total);
    }
}
