using System.Text.Json;
using Engram.Client;
using Engram.Tests.Unit.Client.Support;
using Xunit;

namespace Engram.Tests.Unit.Client;

/// <summary>Wire spec Appendix B: the exact bytes the client sends and how it reads the answers.</summary>
public class ClientWireVectorTests
{
    private const string B1Response =
        """{"id":"3f0c2a4e-8d1b-4c52-9a57-1b2f6f9d0e11","memory_id":"3f0c2a4e-8d1b-4c52-9a57-1b2f6f9d0e11","bucket_name":"user-123","token_count":6,"status":"stored"}""";

    private static void AssertCommonHeaders(RecordedRequest request, string accept = "application/json")
    {
        Assert.Equal("Bearer " + PeerClient.ApiKey, request.Header("Authorization"));
        Assert.Equal(accept, request.Header("Accept"));
        Assert.StartsWith("engram-dotnet/", request.Header("User-Agent"));
    }

    private static void AssertJsonBody(RecordedRequest request, string exactBody)
    {
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal(exactBody, request.BodyText);
    }

    private static void AssertNoBody(RecordedRequest request)
    {
        Assert.False(request.HasHeader("Content-Type"), "Content-Type must only accompany a body");
        Assert.Empty(request.Body);
    }

    [Fact]
    public async Task B1_store_one_sends_content_only_and_reads_a_fresh_result()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200, B1Response));

        var result = await client.Service.StoreMemoryAsync("user-123", "User prefers dark mode.");

        var request = peer.SingleRequest;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/buckets/user-123/memories", request.Target);
        AssertCommonHeaders(request);
        AssertJsonBody(request, """{"content":"User prefers dark mode."}""");
        Assert.Equal("3f0c2a4e-8d1b-4c52-9a57-1b2f6f9d0e11", result.Id);
        Assert.Equal(result.Id, result.MemoryId);
        Assert.Equal("user-123", result.BucketName);
        Assert.Equal(6, result.TokenCount);
        Assert.Equal("stored", result.Status);
        Assert.False(result.IsMerged);
        Assert.Null(result.DedupedInto);
        Assert.Null(result.SimilarityScore);
        Assert.Null(result.MergeReason);
    }

    [Fact]
    public async Task B2_store_one_reads_merge_fields()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200,
            """{"id":"3f0c","memory_id":"3f0c","bucket_name":"user-123","token_count":6,"status":"merged","deduped_into":"3f0c","similarity_score":1.0,"merge_reason":"content_hash"}"""));

        var result = await client.Service.StoreMemoryAsync("user-123", "User prefers dark mode.");

        Assert.True(result.IsMerged);
        Assert.Equal("3f0c", result.DedupedInto);
        Assert.Equal(1.0, result.SimilarityScore);
        Assert.Equal("content_hash", result.MergeReason);
    }

    [Theory]
    [InlineData(DedupPolicy.Strict, """{"content":"Acme Q2 revenue: $251M","dedup":"strict"}""")]
    [InlineData(DedupPolicy.Loose, """{"content":"Acme Q2 revenue: $251M","dedup":"loose"}""")]
    [InlineData(DedupPolicy.Off, """{"content":"Acme Q2 revenue: $251M","dedup":"off"}""")]
    public async Task B3_B4_store_one_sends_the_dedup_policy_in_lowercase(DedupPolicy policy, string expectedBody)
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200, """{"id":"9b1e","memory_id":"9b1e","bucket_name":"finance","token_count":8,"status":"stored"}"""));

        var result = await client.Service.StoreMemoryAsync("finance", "Acme Q2 revenue: $251M", policy);

        AssertJsonBody(peer.SingleRequest, expectedBody);
        Assert.Equal("9b1e", result.Id);
    }

    [Fact]
    public async Task Store_result_from_an_older_server_defaults_status_and_accepts_memory_id_and_float_integers()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200, """{"memory_id":"m1","token_count":12.0,"extra":{"ignored":true}}"""));

        var result = await client.Service.StoreMemoryAsync("work", "x");

        Assert.Equal("m1", result.Id);
        Assert.Equal("m1", result.MemoryId);
        Assert.Equal(12, result.TokenCount);
        Assert.Equal("stored", result.Status);
        Assert.Equal("work", result.BucketName);
    }

    [Fact]
    public async Task Null_or_empty_bucket_means_default_for_store_list_delete_and_profile()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(
            Reply.Json(200, B1Response),
            Reply.Json(200, """{"memories":[{"id":"a"}]}"""),
            Reply.Json(200, """{"memories":[],"total":0,"limit":20,"offset":0}"""),
            Reply.Empty(204),
            Reply.Json(200, """{"profile":null}"""),
            Reply.Json(200, """{"profile":null}"""));

        await client.Service.StoreMemoryAsync(null!, "x");
        await client.Service.StoreMemoriesAsync("", new[] { "x" });
        await client.Service.ListMemoriesAsync(null!);
        await client.Service.DeleteMemoryAsync("", "m1");
        await client.Service.GetProfileAsync(null!);
        await client.Service.RegenerateProfileAsync("");

        Assert.Equal(
            new[]
            {
                "POST /v1/buckets/default/memories",
                "POST /v1/buckets/default/memories",
                "GET /v1/buckets/default/memories?limit=20&offset=0",
                "DELETE /v1/buckets/default/memories/m1",
                "GET /v1/buckets/default/profile",
                "POST /v1/buckets/default/profile/regenerate",
            },
            peer.Requests.Select(r => r.Method + " " + r.Target));
    }

    [Fact]
    public async Task B5_store_batch_sends_memories_array_and_reads_wrapped_results()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200,
            """{"memories":[{"id":"a1","memory_id":"a1","bucket_name":"work","token_count":11,"status":"stored"},{"id":"a2","memory_id":"a2","bucket_name":"work","token_count":8,"status":"stored"}]}"""));

        var results = await client.Service.StoreMemoriesAsync("work", new[] { "Project Alpha deadline is 2026-10-15.", "Standup is at 09:30 CET." });

        var request = peer.SingleRequest;
        Assert.Equal("POST /v1/buckets/work/memories", request.Method + " " + request.Target);
        AssertCommonHeaders(request);
        AssertJsonBody(request, """{"memories":[{"content":"Project Alpha deadline is 2026-10-15."},{"content":"Standup is at 09:30 CET."}]}""");
        Assert.Equal(new[] { "a1", "a2" }, results.Select(r => r.Id));
        Assert.Equal(new[] { 11, 8 }, results.Select(r => r.TokenCount));
    }

    [Fact]
    public async Task B5_store_batch_accepts_the_legacy_bare_array_and_sends_dedup_top_level()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200, """[{"id":"a1","bucket_name":"work","token_count":11},{"id":"a2","bucket_name":"work","token_count":8,"status":"merged"}]"""));

        var results = await client.Service.StoreMemoriesAsync("work", new[] { "one", "two" }, DedupPolicy.Off);

        AssertJsonBody(peer.SingleRequest, """{"memories":[{"content":"one"},{"content":"two"}],"dedup":"off"}""");
        Assert.Equal(new[] { "a1", "a2" }, results.Select(r => r.Id));
        Assert.Equal(new[] { "stored", "merged" }, results.Select(r => r.Status));
    }

    [Fact]
    public async Task Store_batch_splits_into_requests_of_at_most_100_and_keeps_input_order()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        var contents = Enumerable.Range(0, 250).Select(i => "fact " + i).ToArray();
        foreach (var (start, count) in new[] { (0, 100), (100, 100), (200, 50) })
        {
            var items = Enumerable.Range(start, count).Select(i => $$"""{"id":"m{{i}}","bucket_name":"bulk","token_count":2}""");
            peer.Enqueue(Reply.Json(200, "{\"memories\":[" + string.Join(",", items) + "]}"));
        }

        var results = await client.Service.StoreMemoriesAsync("bulk", contents);

        Assert.Equal(3, peer.Requests.Count);
        var sentCounts = peer.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("memories").GetArrayLength());
        Assert.Equal(new[] { 100, 100, 50 }, sentCounts);
        Assert.Equal("fact 100", JsonDocument.Parse(peer.Requests[1].Body).RootElement.GetProperty("memories")[0].GetProperty("content").GetString());
        Assert.Equal(Enumerable.Range(0, 250).Select(i => "m" + i), results.Select(r => r.Id));
    }

    [Fact]
    public async Task Store_batch_failure_after_a_stored_chunk_hands_back_the_stored_results()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        var contents = Enumerable.Range(0, 150).Select(i => "fact " + i).ToArray();
        var first = Enumerable.Range(0, 100).Select(i => $$"""{"id":"m{{i}}"}""");
        peer.Enqueue(
            Reply.Json(200, "{\"memories\":[" + string.Join(",", first) + "]}"),
            Reply.Json(412, """{"error":"BYOK not configured"}"""));

        var error = await Assert.ThrowsAsync<EngramBatchException>(() => client.Service.StoreMemoriesAsync("bulk", contents));

        Assert.Equal(412, error.Status);
        Assert.Equal(100, error.StoredResults.Count);
        Assert.Equal(150, error.TotalCount);
        Assert.StartsWith("Engram API 412: BYOK not configured", error.Message);
    }

    [Fact]
    public async Task Store_batch_of_nothing_sends_nothing()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);

        var results = await client.Service.StoreMemoriesAsync("work", Array.Empty<string>());

        Assert.Empty(results);
        Assert.Empty(peer.Requests);
    }

    [Fact]
    public async Task B6_list_memories_sends_limit_and_offset_and_reads_the_page()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(
            Reply.Json(200,
                """{"memories":[{"id":"a2","content":"Standup is at 09:30 CET.","bucket_name":"work","created_at":"2026-05-20T09:01:02.120Z","token_count":8},{"id":"a1","content":"Project Alpha deadline is 2026-10-15.","bucket_name":"work","created_at":"2026-05-20T09:01:02.118Z","token_count":11}],"total":2,"limit":20,"offset":0}"""),
            Reply.Json(200, """{"memories":[],"total":2,"limit":50,"offset":10}"""));

        var page = await client.Service.ListMemoriesAsync("work");
        var later = await client.Service.ListMemoriesAsync("work", limit: 50, offset: 10);

        var request = peer.Requests[0];
        Assert.Equal("GET /v1/buckets/work/memories?limit=20&offset=0", request.Method + " " + request.Target);
        AssertCommonHeaders(request);
        AssertNoBody(request);
        Assert.Equal("/v1/buckets/work/memories?limit=50&offset=10", peer.Requests[1].Target);
        Assert.Equal(new[] { "a2", "a1" }, page.Memories.Select(m => m.Id));
        Assert.Equal("Standup is at 09:30 CET.", page.Memories[0].Content);
        Assert.Equal("2026-05-20T09:01:02.120Z", page.Memories[0].CreatedAt);
        Assert.Equal(8, page.Memories[0].TokenCount);
        Assert.Equal((2, 20, 0), (page.Total, page.Limit, page.Offset));
        Assert.Equal((2, 50, 10), (later.Total, later.Limit, later.Offset));
    }

    [Theory]
    [InlineData(200, """{"success":true}""")]
    [InlineData(204, null)]
    [InlineData(200, """{"ok":true}""")]
    [InlineData(200, "")]
    public async Task B7_delete_memory_accepts_any_2xx_body(int status, string? body)
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(body == null ? Reply.Empty(status) : Reply.Json(status, body));

        await client.Service.DeleteMemoryAsync("work", "a1");

        var request = peer.SingleRequest;
        Assert.Equal("DELETE /v1/buckets/work/memories/a1", request.Method + " " + request.Target);
        AssertCommonHeaders(request);
        AssertNoBody(request);
    }

    [Fact]
    public async Task B8_clear_reads_the_count_and_treats_an_empty_body_as_success()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200, """{"success":true,"cleared_count":7}"""), Reply.Empty(200));

        var cleared = await client.Service.ClearMemoriesAsync("work");
        var empty = await client.Service.ClearMemoriesAsync("work");

        var request = peer.Requests[0];
        Assert.Equal("DELETE /v1/buckets/work/memories", request.Method + " " + request.Target);
        AssertNoBody(request);
        Assert.True(cleared.Success);
        Assert.Equal(7, cleared.ClearedCount);
        Assert.True(empty.Success);
        Assert.Equal(0, empty.ClearedCount);
    }

    [Fact]
    public async Task Clear_and_delete_bucket_require_a_name_and_send_nothing_without_one()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);

        var clear = await Assert.ThrowsAsync<ArgumentException>(() => client.Service.ClearMemoriesAsync(""));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Service.ClearMemoriesAsync(null!));
        var delete = await Assert.ThrowsAsync<ArgumentException>(() => client.Service.DeleteBucketAsync(""));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Service.DeleteBucketAsync(null!));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Service.DeleteMemoryAsync("work", ""));

        Assert.Contains("bucket name is required", clear.Message);
        Assert.Contains("bucket name is required", delete.Message);
        Assert.Empty(peer.Requests);
    }

    [Fact]
    public async Task B9_query_sends_all_set_options_and_reads_the_full_response()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200, """
            {"success":true,
             "answer":"The user prefers dark mode and a compact layout.",
             "memories_found":2,
             "explanation":{
              "retrieved_memories":[
               {"memory_id":"3f0c2a4e-8d1b-4c52-9a57-1b2f6f9d0e11","bucket_id":"b7d8","bucket_name":"user-123",
                "content":"User prefers dark mode.","raw_score":0.83,"weight":1.0,"weighted_score":0.83,"metadata":{}},
               {"memory_id":"51aa","bucket_id":"c9e0","bucket_name":"shared",
                "content":"Team default layout is compact.","raw_score":0.61,"weight":0.8,"weighted_score":0.488}],
              "graph_facts":[
               {"subject":"User","predicate":"prefers","object":"dark mode","memory_id":"3f0c2a4e-8d1b-4c52-9a57-1b2f6f9d0e11",
                "bucket_name":"user-123","depth":0,"weight":1.0,"timestamp":"2026-05-20T09:00:00Z"}],
              "entity_matches":[{"entity":"User","bucket_name":"user-123","score":0.92}],
              "context_tokens":142,
              "profiles":{"user-123":"{\"preferences_and_dislikes\":[\"dark mode\"]}","shared":null}},
             "usage":{"input_tokens":9,"output_tokens":12,"context_tokens":142,
                      "actual_input_tokens":1210,"actual_output_tokens":12},
             "synthesis_usage":{"prompt_tokens":1210,"completion_tokens":12,"total_tokens":1222}}
            """));

        var request = new QueryRequest("What are this user's UI preferences?", "user-123", "shared")
        {
            MaxTokens = 400,
            MinWeightedScore = 0.2,
            TopKPerBucket = new Dictionary<string, int> { ["user-123"] = 10, ["shared"] = 4 },
        };
        var result = await client.Service.QueryAsync(request);

        var sent = peer.SingleRequest;
        Assert.Equal("POST /v1/query", sent.Method + " " + sent.Target);
        AssertCommonHeaders(sent);
        AssertJsonBody(sent,
            """{"query":"What are this user's UI preferences?","buckets":["user-123","shared"],"options":{"top_k":8,"return_explanation":true,"skip_synthesis":false,"max_tokens":400,"min_weighted_score":0.2,"top_k_per_bucket":{"user-123":10,"shared":4}}}""");

        Assert.True(result.Success);
        Assert.Equal("The user prefers dark mode and a compact layout.", result.Answer);
        Assert.Equal(2, result.MemoriesFound);
        Assert.Null(result.AnswerJson);
        var explanation = Assert.IsType<QueryExplanation>(result.Explanation);
        Assert.Equal(2, explanation.RetrievedMemories.Count);
        var first = explanation.RetrievedMemories[0];
        Assert.Equal(("user-123", "b7d8", 0.83, 1.0, 0.83), (first.BucketName, first.BucketId, first.RawScore, first.Weight, first.WeightedScore));
        Assert.Equal(JsonValueKind.Object, first.Metadata!.Value.ValueKind);
        Assert.Null(explanation.RetrievedMemories[1].Metadata);
        var fact = Assert.Single(explanation.GraphFacts);
        Assert.Equal(first.MemoryId, fact.MemoryId);
        Assert.Equal(0, fact.Depth);
        Assert.Equal(("User", "prefers", "dark mode"), (fact.Subject, fact.Predicate, fact.Object));
        Assert.Equal("2026-05-20T09:00:00Z", fact.Timestamp);
        Assert.Null(fact.Text);
        var entity = Assert.Single(explanation.EntityMatches);
        Assert.Equal(("User", "user-123", 0.92), (entity.Entity, entity.BucketName, entity.Score));
        Assert.Equal(142, explanation.ContextTokens);
        Assert.Equal("{\"preferences_and_dislikes\":[\"dark mode\"]}", explanation.Profiles!["user-123"]);
        Assert.True(explanation.Profiles.ContainsKey("shared"));
        Assert.Null(explanation.Profiles["shared"]);
        var usage = result.Usage!;
        Assert.Equal((9, 12, 142, 1210, 12), (usage.InputTokens, usage.OutputTokens, usage.ContextTokens, usage.ActualInputTokens, usage.ActualOutputTokens));
        Assert.Equal(1222, result.SynthesisUsage!.Value.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task B10_query_defaults_are_sent_exactly_and_a_minimal_response_is_accepted()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200, """{"answer":""}"""));

        var result = await client.Service.QueryAsync(new QueryRequest("plain"));

        AssertJsonBody(peer.SingleRequest, """{"query":"plain","buckets":["default"],"options":{"top_k":8,"return_explanation":true,"skip_synthesis":false}}""");
        Assert.Equal("", result.Answer);
        Assert.Equal(0, result.MemoriesFound);
        Assert.Null(result.Explanation);
        Assert.Null(result.Usage);
        Assert.Null(result.AnswerJson);
        Assert.Null(result.Success);
    }

    [Fact]
    public async Task B11_retrieval_only_query()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200,
            """{"success":true,"answer":"","memories_found":1,"explanation":{"retrieved_memories":[{"memory_id":"a1","content":"c","weighted_score":1}],"context_tokens":40}}"""));

        var result = await client.Service.QueryAsync(new QueryRequest("q", "work") { TopK = 5, SkipSynthesis = true });

        AssertJsonBody(peer.SingleRequest, """{"query":"q","buckets":["work"],"options":{"top_k":5,"return_explanation":true,"skip_synthesis":true}}""");
        Assert.Equal(1, result.MemoriesFound);
        Assert.Equal(40, result.Explanation!.ContextTokens);
        Assert.Equal(1.0, result.Explanation.RetrievedMemories[0].WeightedScore);
    }

    [Fact]
    public async Task B12_json_mode_sends_format_and_schema_and_distinguishes_null_from_absent_answer_json()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(
            Reply.Json(200, """{"success":true,"answer":"[{\"case_name\":\"Doe v. Acme\",\"status\":\"pending\"}]","answer_json":[{"case_name":"Doe v. Acme","status":"pending"}],"memories_found":3}"""),
            Reply.Json(200, """{"success":true,"answer":"Sorry, here it is: [{","answer_json":null,"memories_found":3}"""));
        var schema = JsonDocument.Parse("""{ "type": "array", "items": {"properties":{"case_name":{"type":"string"},"status":{"type":"string"}}} }""").RootElement;
        var request = new QueryRequest("cases?", "legal") { ReturnFormat = ReturnFormat.Json, ResponseSchema = schema };

        var parsed = await client.Service.QueryAsync(request);
        var malformed = await client.Service.QueryAsync(request);

        AssertJsonBody(peer.Requests[0],
            """{"query":"cases?","buckets":["legal"],"options":{"top_k":8,"return_explanation":true,"skip_synthesis":false,"return_format":"json","response_schema":{"type":"array","items":{"properties":{"case_name":{"type":"string"},"status":{"type":"string"}}}}}}""");
        Assert.Equal(JsonValueKind.Array, parsed.AnswerJson!.Value.ValueKind);
        Assert.Equal("Doe v. Acme", parsed.AnswerJson.Value[0].GetProperty("case_name").GetString());
        Assert.NotNull(malformed.AnswerJson);
        Assert.Equal(JsonValueKind.Null, malformed.AnswerJson!.Value.ValueKind);
    }

    [Fact]
    public async Task Query_sends_optional_options_only_when_set_including_explicit_zero_and_int_top_k_per_bucket()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200, """{"answer":"a"}"""));

        await client.Service.QueryAsync(new QueryRequest("q", "a", "b")
        {
            TopK = 3,
            ReturnExplanation = false,
            MinSimilarityThreshold = 0,
            MinWeightedScore = 0.25,
            TopKPerBucket = 6,
            ReturnFormat = ReturnFormat.Prose,
        });

        AssertJsonBody(peer.SingleRequest,
            """{"query":"q","buckets":["a","b"],"options":{"top_k":3,"return_explanation":false,"skip_synthesis":false,"min_similarity_threshold":0,"min_weighted_score":0.25,"top_k_per_bucket":6,"return_format":"prose"}}""");
    }

    [Fact]
    public async Task Query_text_is_written_with_readable_escaping()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200, """{"answer":"a"}"""));

        await client.Service.QueryAsync(new QueryRequest("it's <b>&\"quoted\"\n数据 é", "x"));

        Assert.StartsWith("""{"query":"it's <b>&\"quoted\"\n数据 é","buckets":["x"]""", peer.SingleRequest.BodyText);
    }

    [Fact]
    public async Task Legacy_query_shapes_decode_into_the_same_fields()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200, """
            {"answer":"red","memories_found":1.0,"unknown":[1,2],
             "explanation":{"retrieved_memories":[{"id":"m1","content":"sky","score":0.5,"bucket":"b"}],
                            "graph_facts":["sky -> is -> blue", {"subject":"s","predicate":"p","object":"o","depth":1.0}],
                            "profile":"legacy profile text"},
             "usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}
            """));

        var result = await client.Service.QueryAsync(new QueryRequest("q"));

        Assert.Equal(1, result.MemoriesFound);
        var memory = Assert.Single(result.Explanation!.RetrievedMemories);
        Assert.Equal(("m1", 0.5, "b"), (memory.MemoryId, memory.RawScore, memory.BucketName));
        Assert.Equal("sky -> is -> blue", result.Explanation.GraphFacts[0].Text);
        Assert.Equal(1, result.Explanation.GraphFacts[1].Depth);
        Assert.Equal("legacy profile text", result.Explanation.Profile);
        Assert.Null(result.Explanation.ContextTokens);
        Assert.Equal((5, 7), (result.Usage!.InputTokens, result.Usage.OutputTokens));
    }

    [Fact]
    public async Task B17_bucket_list_wrapped_and_bare()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(
            Reply.Json(200, """{"buckets":[{"id":"b1","name":"work","bucket_name":"work","description":null,"created_at":"2026-05-01T10:00:00.000Z","memory_count":2}],"total":1}"""),
            Reply.Json(200, """[{"id":"1","name":"a","created_at":"2026-01-01"},{"id":"2","bucket_name":"only-alias"}]"""));

        var wrapped = await client.Service.ListBucketsAsync();
        var bare = await client.Service.ListBucketsAsync();

        var request = peer.Requests[0];
        Assert.Equal("GET /v1/buckets", request.Method + " " + request.Target);
        AssertCommonHeaders(request);
        AssertNoBody(request);
        var work = Assert.Single(wrapped);
        Assert.Equal(("b1", "work", null, "2026-05-01T10:00:00.000Z", 2), (work.Id, work.Name, work.Description, work.CreatedAt, work.MemoryCount));
        Assert.Equal(new[] { "a", "only-alias" }, bare.Select(b => b.Name));
        Assert.Null(bare[0].MemoryCount);
    }

    [Fact]
    public async Task B17_create_bucket_with_and_without_description()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(
            Reply.Json(201, """{"id":"b2","name":"team","bucket_name":"team","description":"shared","created_at":"2026-05-21T08:00:00.000Z","memory_count":0}"""),
            Reply.Json(200, """{"id":"b3","name":"team2","created_at":"2026-05-21T08:00:00.000Z"}"""));

        var created = await client.Service.CreateBucketAsync("team", "shared");
        var plain = await client.Service.CreateBucketAsync("team2");

        Assert.Equal("POST /v1/buckets", peer.Requests[0].Method + " " + peer.Requests[0].Target);
        AssertCommonHeaders(peer.Requests[0]);
        AssertJsonBody(peer.Requests[0], """{"name":"team","description":"shared"}""");
        AssertJsonBody(peer.Requests[1], """{"name":"team2"}""");
        Assert.Equal(("b2", "team", "shared", 0), (created.Id, created.Name, created.Description, created.MemoryCount));
        Assert.Null(plain.MemoryCount);
    }

    [Fact]
    public async Task B17_duplicate_bucket_and_delete_bucket()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(409, """{"error":"Bucket already exists","code":"BUCKET_EXISTS"}"""), Reply.Json(200, """{"success":true}"""));

        var duplicate = await Assert.ThrowsAsync<EngramException>(() => client.Service.CreateBucketAsync("team"));
        await client.Service.DeleteBucketAsync("scratch");

        Assert.Equal(409, duplicate.Status);
        Assert.Equal("Engram API 409: Bucket already exists", duplicate.Message);
        Assert.Equal("BUCKET_EXISTS", duplicate.Code);
        Assert.Equal("DELETE /v1/buckets/scratch", peer.Requests[1].Method + " " + peer.Requests[1].Target);
        AssertNoBody(peer.Requests[1]);
    }

    [Fact]
    public async Task B18_profiles_ready_pending_not_installed_legacy_and_regenerate()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(
            Reply.Json(200, """{"profile":"{\"owned_items\":[\"power bank\"]}","bucket_id":"b7d8","status":"ready","updated_at":"2026-05-21T07:00:00.000Z","n_memories_at_gen":42,"source":"bucket-profiler"}"""),
            Reply.Json(200, """{"profile":null,"bucket_id":"b7d8","status":"pending"}"""),
            Reply.Json(200, """{"profile":null,"bucket_id":"b7d8","status":"not_installed"}"""),
            Reply.Json(200, """{"profile":"the canonical profile text"}"""),
            Reply.Json(200, """{"profile":"old text","status":"ready"}"""),
            Reply.Json(412, """{"error":"Bucket profiler agent is not installed on this bucket","code":"BUCKET_PROFILER_NOT_INSTALLED"}"""));

        var ready = await client.Service.GetProfileAsync("user-123");
        var pending = await client.Service.GetProfileAsync("user-123");
        var notInstalled = await client.Service.GetProfileAsync("user-123");
        var legacy = await client.Service.GetProfileAsync("user-123");
        var regenerated = await client.Service.RegenerateProfileAsync("user-123");
        var missing = await Assert.ThrowsAsync<EngramException>(() => client.Service.RegenerateProfileAsync("user-123"));

        Assert.Equal("GET /v1/buckets/user-123/profile", peer.Requests[0].Method + " " + peer.Requests[0].Target);
        AssertNoBody(peer.Requests[0]);
        Assert.Equal("POST /v1/buckets/user-123/profile/regenerate", peer.Requests[4].Method + " " + peer.Requests[4].Target);
        AssertNoBody(peer.Requests[4]);
        Assert.Equal(("{\"owned_items\":[\"power bank\"]}", "b7d8", "ready", "2026-05-21T07:00:00.000Z", 42, "bucket-profiler"),
            (ready.Profile, ready.BucketId, ready.Status, ready.UpdatedAt, ready.NMemoriesAtGen, ready.Source));
        Assert.Equal((null, "pending"), (pending.Profile, pending.Status));
        Assert.Equal("not_installed", notInstalled.Status);
        Assert.Equal(("the canonical profile text", null), (legacy.Profile, legacy.Status));
        Assert.Equal("old text", regenerated.Profile);
        Assert.Equal(412, missing.Status);
        Assert.Equal("BUCKET_PROFILER_NOT_INSTALLED", missing.Code);
        Assert.Equal("Engram API 412: Bucket profiler agent is not installed on this bucket", missing.Message);
    }

    [Theory]
    [InlineData("user-42", "user-42")]
    [InlineData("user 123/spaces%", "user%20123%2Fspaces%25")]
    [InlineData("a+b@c:d it's(1)!*~é", "a%2Bb%40c%3Ad%20it%27s%281%29%21%2A~%C3%A9")]
    [InlineData("数据", "%E6%95%B0%E6%8D%AE")]
    public async Task B19_bucket_names_are_escaped_as_one_segment(string bucket, string encoded)
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200, B1Response), Reply.Empty(204));

        await client.Service.StoreMemoryAsync(bucket, "x");
        await client.Service.DeleteMemoryAsync(bucket, "mem id/raw%");

        Assert.Equal("/v1/buckets/" + encoded + "/memories", peer.Requests[0].Target);
        Assert.Equal("/v1/buckets/" + encoded + "/memories/mem%20id%2Fraw%25", peer.Requests[1].Target);
    }

    [Fact]
    public async Task A_2xx_response_that_is_not_json_is_reported_not_misread()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Text(200, "<html>login page</html>", "text/html"));

        var error = await Assert.ThrowsAsync<EngramException>(() => client.Service.ListBucketsAsync());

        Assert.Equal(200, error.Status);
        Assert.Contains("GET /v1/buckets", error.Message);
        Assert.Equal("<html>login page</html>", error.Body);
    }
}
