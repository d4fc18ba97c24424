using System.Text.Json;
using Engram.Tests.Unit.Server.Support;
using Xunit;

namespace Engram.Tests.Unit.Server;

/// <summary>
/// Every Appendix A endpoint over real loopback HTTP against the real engine, with requests shaped exactly
/// as the official Go, Python and JavaScript clients send them (wire spec §3.3, §13, §14).
/// </summary>
public class ServerEndpointTests
{
    public static TheoryData<ClientStyle> Styles => new()
    {
        ClientStyle.Go, ClientStyle.Python, ClientStyle.JavaScript, ClientStyle.JavaScriptStarAccept,
    };

    private static string[] Keys(JsonElement obj) => obj.EnumerateObject().Select(p => p.Name).ToArray();

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task Store_one_answers_the_full_store_result_and_a_re_ingest_merges(ClientStyle style)
    {
        using var h = ServerHarness.Start();

        var first = await h.PostAsync("/v1/buckets/user-123/memories", "{\"content\":\"User prefers dark mode.\"}", style);

        Assert.Equal(200, first.Status);
        Assert.Equal("application/json; charset=utf-8", first.Header("Content-Type"));
        var stored = first.Json;
        Assert.Equal(new[] { "id", "memory_id", "bucket_name", "token_count", "status" }, Keys(stored));
        Assert.Equal(stored.GetProperty("id").GetString(), stored.GetProperty("memory_id").GetString());
        Assert.Equal("user-123", stored.GetProperty("bucket_name").GetString());
        Assert.Equal("stored", stored.GetProperty("status").GetString());
        Assert.Matches("^[0-9]+$", stored.GetProperty("token_count").GetRawText());

        var again = (await h.PostAsync("/v1/buckets/user-123/memories", "{\"content\":\"User prefers dark mode.\"}", style)).Json;

        Assert.Equal("merged", again.GetProperty("status").GetString());
        Assert.Equal("content_hash", again.GetProperty("merge_reason").GetString());
        Assert.Equal(1.0, again.GetProperty("similarity_score").GetDouble());
        Assert.Equal(stored.GetProperty("id").GetString(), again.GetProperty("deduped_into").GetString());
        Assert.Equal(stored.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Single(await h.StoredContents("user-123"));
    }

    [Fact]
    public async Task Store_with_dedup_off_keeps_a_second_copy()
    {
        using var h = ServerHarness.Start();
        await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"User prefers dark mode.\"}");

        var second = (await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"User prefers dark mode.\",\"dedup\":\"off\"}")).Json;

        Assert.Equal("stored", second.GetProperty("status").GetString());
        Assert.Equal(2, (await h.StoredContents("b")).Count);
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task Batch_store_answers_wrapped_results_in_request_order(ClientStyle style)
    {
        using var h = ServerHarness.Start();

        var response = await h.PostAsync("/v1/buckets/work/memories",
            "{\"memories\":[{\"content\":\"Project Alpha deadline is 2026-10-15.\"},{\"content\":\"Standup is at 09:30 CET.\"}]}", style);

        Assert.Equal(200, response.Status);
        var items = response.Json.GetProperty("memories").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal("stored", i.GetProperty("status").GetString()));
        Assert.All(items, i => Assert.Equal(i.GetProperty("id").GetString(), i.GetProperty("memory_id").GetString()));
        var byId = (await h.Tenant.ListMemoriesAsync("work")).Memories.ToDictionary(m => m.Id, m => m.Content);
        Assert.Equal(
            new[] { "Project Alpha deadline is 2026-10-15.", "Standup is at 09:30 CET." },
            items.Select(i => byId[i.GetProperty("id").GetString()!]));
    }

    [Fact]
    public async Task Batch_store_honours_a_top_level_dedup_and_an_empty_batch_answers_an_empty_list()
    {
        using var h = ServerHarness.Start();

        var twice = (await h.PostAsync("/v1/buckets/b/memories", "{\"dedup\":\"off\",\"memories\":[{\"content\":\"same\"},{\"content\":\"same\"}]}")).Json;
        var empty = await h.PostAsync("/v1/buckets/b/memories", "{\"memories\":[]}");

        Assert.All(twice.GetProperty("memories").EnumerateArray(), i => Assert.Equal("stored", i.GetProperty("status").GetString()));
        Assert.Equal(2, (await h.StoredContents("b")).Count);
        Assert.Equal(200, empty.Status);
        Assert.Equal("{\"memories\":[]}", empty.Body);
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task List_memories_pages_newest_first_and_echoes_limit_and_offset(ClientStyle style)
    {
        using var h = ServerHarness.Start();
        await h.PostAsync("/v1/buckets/work/memories", "{\"memories\":[{\"content\":\"one\"},{\"content\":\"two\"},{\"content\":\"three\"}]}");

        var page = await h.GetAsync("/v1/buckets/work/memories?limit=2&offset=1", style);

        Assert.Equal(200, page.Status);
        var json = page.Json;
        Assert.Equal(new[] { "memories", "total", "limit", "offset" }, Keys(json));
        Assert.Equal(3, json.GetProperty("total").GetInt32());
        Assert.Equal(2, json.GetProperty("limit").GetInt32());
        Assert.Equal(1, json.GetProperty("offset").GetInt32());
        var memories = json.GetProperty("memories").EnumerateArray().ToList();
        var first = (await h.GetAsync("/v1/buckets/work/memories?limit=1&offset=0", style)).Json.GetProperty("memories");
        // Pages do not overlap and together cover the bucket (items of one batch share a timestamp,
        // so their relative order is the engine's tie-break, not asserted here).
        var seen = memories.Select(m => m.GetProperty("content").GetString()).Append(first[0].GetProperty("content").GetString());
        Assert.Equal(new[] { "one", "three", "two" }, seen.OrderBy(c => c));
        Assert.All(memories, m =>
        {
            Assert.Equal("work", m.GetProperty("bucket_name").GetString());
            Assert.EndsWith("Z", m.GetProperty("created_at").GetString());
            Assert.Equal(JsonValueKind.Number, m.GetProperty("token_count").ValueKind);
        });
    }

    [Fact]
    public async Task List_memories_without_parameters_uses_the_defaults_and_an_unknown_bucket_is_an_empty_page()
    {
        using var h = ServerHarness.Start();

        var page = (await h.GetAsync("/v1/buckets/nobody/memories")).Json;

        Assert.Equal(0, page.GetProperty("total").GetInt32());
        Assert.Equal(20, page.GetProperty("limit").GetInt32());
        Assert.Equal(0, page.GetProperty("offset").GetInt32());
        Assert.Empty(page.GetProperty("memories").EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task Delete_memory_answers_success_and_the_memory_is_gone(ClientStyle style)
    {
        using var h = ServerHarness.Start();
        var id = (await h.PostAsync("/v1/buckets/work/memories", "{\"content\":\"to delete\"}")).Json.GetProperty("id").GetString();

        var deleted = await h.DeleteAsync("/v1/buckets/work/memories/" + Uri.EscapeDataString(id!), style);
        var again = await h.DeleteAsync("/v1/buckets/work/memories/" + Uri.EscapeDataString(id!), style);

        Assert.Equal(200, deleted.Status);
        Assert.Equal("{\"success\":true}", deleted.Body);
        Assert.Empty(await h.StoredContents("work"));
        Assert.Equal(404, again.Status);
        Assert.Equal("MEMORY_NOT_FOUND", again.Json.GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task Clear_answers_the_cleared_count_and_keeps_the_bucket(ClientStyle style)
    {
        using var h = ServerHarness.Start();
        await h.PostAsync("/v1/buckets/work/memories", "{\"memories\":[{\"content\":\"a\"},{\"content\":\"b\"}]}");

        var cleared = await h.DeleteAsync("/v1/buckets/work/memories", style);

        Assert.Equal(200, cleared.Status);
        Assert.Equal("{\"success\":true,\"cleared_count\":2}", cleared.Body);
        Assert.Empty(await h.StoredContents("work"));
        Assert.Contains(await h.Tenant.ListBucketsAsync(), b => b.Name == "work");
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task Query_with_the_official_default_body_answers_the_full_result(ClientStyle style)
    {
        using var h = ServerHarness.Start();
        await h.PostAsync("/v1/buckets/default/memories",
            "{\"memories\":[{\"content\":\"User prefers dark mode in every editor.\"},{\"content\":\"Standup is at 09:30 CET.\"}]}");

        var response = await h.PostAsync("/v1/query",
            "{\"query\":\"Does the user prefer dark mode?\",\"buckets\":[\"default\"],\"options\":{\"top_k\":8,\"return_explanation\":true,\"skip_synthesis\":false}}", style);

        Assert.Equal(200, response.Status);
        var json = response.Json;
        Assert.True(json.GetProperty("success").GetBoolean());
        Assert.Contains("dark mode", json.GetProperty("answer").GetString());
        Assert.False(json.TryGetProperty("answer_json", out _));
        var retrieved = json.GetProperty("explanation").GetProperty("retrieved_memories").EnumerateArray().ToList();
        Assert.Equal(retrieved.Count, json.GetProperty("memories_found").GetInt32());
        var top = retrieved[0];
        Assert.Equal("User prefers dark mode in every editor.", top.GetProperty("content").GetString());
        foreach (var field in new[] { "memory_id", "bucket_id", "bucket_name", "raw_score", "weight", "weighted_score", "metadata" })
        {
            Assert.True(top.TryGetProperty(field, out _), field + " missing");
        }

        var usage = json.GetProperty("usage");
        foreach (var field in new[] { "input_tokens", "output_tokens", "context_tokens", "actual_input_tokens", "actual_output_tokens" })
        {
            Assert.Matches("^[0-9]+$", usage.GetProperty(field).GetRawText());
        }

        Assert.Equal(JsonValueKind.Object, json.GetProperty("synthesis_usage").ValueKind);
        Assert.Matches("^[0-9]+$", json.GetProperty("explanation").GetProperty("context_tokens").GetRawText());
    }

    [Fact]
    public async Task Query_with_singular_bucket_and_no_options_equals_the_buckets_form()
    {
        using var h = ServerHarness.Start();
        await h.PostAsync("/v1/buckets/work/memories", "{\"memories\":[{\"content\":\"Project Alpha deadline is 2026-10-15.\"},{\"content\":\"Lunch is at noon.\"}]}");

        var singular = (await h.PostAsync("/v1/query", "{\"query\":\"deadline?\",\"bucket\":\"work\"}")).Json;
        var plural = (await h.PostAsync("/v1/query", "{\"query\":\"deadline?\",\"buckets\":[\"work\"],\"bucket\":\"elsewhere\",\"options\":null}")).Json;

        Assert.True(singular.GetProperty("memories_found").GetInt32() > 0);
        Assert.Equal("Project Alpha deadline is 2026-10-15.", singular.GetProperty("explanation").GetProperty("retrieved_memories")[0].GetProperty("content").GetString());
        Assert.Equal(singular.GetProperty("answer").GetString(), plural.GetProperty("answer").GetString());
        Assert.Equal(singular.GetProperty("memories_found").GetInt32(), plural.GetProperty("memories_found").GetInt32());
    }

    [Fact]
    public async Task Query_retrieval_only_and_json_mode_follow_the_options()
    {
        using var h = ServerHarness.Start();
        await h.PostAsync("/v1/buckets/default/memories", "{\"content\":\"Project Alpha deadline is 2026-10-15.\"}");

        var retrievalOnly = (await h.PostAsync("/v1/query", "{\"query\":\"Project Alpha deadline\",\"options\":{\"skip_synthesis\":true,\"return_explanation\":false}}")).Json;
        var json = (await h.PostAsync("/v1/query", "{\"query\":\"Project Alpha deadline\",\"options\":{\"return_format\":\"json\",\"response_schema\":{\"type\":\"object\"}}}")).Json;

        Assert.Equal("", retrievalOnly.GetProperty("answer").GetString());
        Assert.Equal(1, retrievalOnly.GetProperty("memories_found").GetInt32());
        Assert.False(retrievalOnly.TryGetProperty("explanation", out _));
        Assert.True(json.TryGetProperty("answer_json", out var answerJson));
        Assert.NotEqual(JsonValueKind.Undefined, answerJson.ValueKind);
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task Buckets_create_list_get_and_delete_with_the_recommended_shapes(ClientStyle style)
    {
        using var h = ServerHarness.Start();
        var body = style == ClientStyle.Python ? "{\"name\": \"team\", \"description\": null}" : "{\"name\":\"team\"}";

        var created = await h.PostAsync("/v1/buckets", body, style);
        var withDescription = await h.PostAsync("/v1/buckets", "{\"name\":\"shared\",\"description\":\"for everyone\"}", style);
        var list = await h.GetAsync("/v1/buckets", style);
        var one = await h.GetAsync("/v1/buckets/team", style);
        var deleted = await h.DeleteAsync("/v1/buckets/team", style);
        var afterDelete = await h.GetAsync("/v1/buckets", style);

        Assert.Equal(201, created.Status);
        var bucket = created.Json;
        Assert.Equal("team", bucket.GetProperty("name").GetString());
        Assert.Equal("team", bucket.GetProperty("bucket_name").GetString());
        Assert.Equal(JsonValueKind.Null, bucket.GetProperty("description").ValueKind);
        Assert.EndsWith("Z", bucket.GetProperty("created_at").GetString());
        Assert.Equal("for everyone", withDescription.Json.GetProperty("description").GetString());

        var listed = list.Json;
        Assert.Equal(new[] { "buckets", "total" }, Keys(listed));
        Assert.Equal(2, listed.GetProperty("total").GetInt32());
        // Ordered by creation time, then name; both may share a millisecond, so compare as a set.
        Assert.Equal(new[] { "shared", "team" }, listed.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("name").GetString()).OrderBy(n => n));
        Assert.All(listed.GetProperty("buckets").EnumerateArray(), b =>
        {
            Assert.Equal(b.GetProperty("name").GetString(), b.GetProperty("bucket_name").GetString());
            Assert.Equal(0, b.GetProperty("memory_count").GetInt32());
        });

        Assert.Equal(200, one.Status);
        Assert.Equal(bucket.GetProperty("id").GetString(), one.Json.GetProperty("id").GetString());
        Assert.Equal("{\"success\":true}", deleted.Body);
        Assert.Equal(new[] { "shared" }, afterDelete.Json.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Bucket_list_honours_limit_and_offset_and_reports_the_total()
    {
        using var h = ServerHarness.Start();
        foreach (var name in new[] { "a", "b", "c" })
        {
            await h.PostAsync("/v1/buckets", "{\"name\":\"" + name + "\"}");
        }

        var page = (await h.GetAsync("/v1/buckets?limit=1&offset=1")).Json;

        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(new[] { "b" }, page.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task Profile_lifecycle_from_not_installed_through_install_to_ready(ClientStyle style)
    {
        using var h = ServerHarness.Start();
        await h.PostAsync("/v1/buckets/user-123/memories", "{\"content\":\"User owns a power bank.\"}");

        var notInstalled = await h.GetAsync("/v1/buckets/user-123/profile", style);
        // Regenerate installs on demand (issue 11); only a bucket that does not exist is refused.
        var refused = await h.SendAsync(HttpMethod.Post, "/v1/buckets/nobody-here/profile/regenerate", null, style);
        var installed = await h.SendAsync(HttpMethod.Post, "/_local/buckets/user-123/profiler", null, style);
        var regenerated = await h.SendAsync(HttpMethod.Post, "/v1/buckets/user-123/profile/regenerate", null, style);
        var ready = await h.GetAsync("/v1/buckets/user-123/profile", style);

        Assert.Equal(200, notInstalled.Status);
        Assert.Equal("not_installed", notInstalled.Json.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, notInstalled.Json.GetProperty("profile").ValueKind);
        Assert.Equal(412, refused.Status);
        Assert.Equal("BUCKET_PROFILER_NOT_INSTALLED", refused.Json.GetProperty("code").GetString());
        Assert.Equal(200, installed.Status);
        Assert.Equal("pending", installed.Json.GetProperty("status").GetString());
        Assert.Equal(200, regenerated.Status);
        var profile = ready.Json;
        Assert.Equal("ready", profile.GetProperty("status").GetString());
        Assert.Contains("power bank", profile.GetProperty("profile").GetString());
        Assert.Equal("bucket-profiler", profile.GetProperty("source").GetString());
        Assert.Matches("^[0-9]+$", profile.GetProperty("n_memories_at_gen").GetRawText());
        Assert.False(string.IsNullOrEmpty(profile.GetProperty("bucket_id").GetString()));
    }

    [Fact]
    public async Task Python_style_escaped_json_is_stored_exactly()
    {
        using var h = ServerHarness.Start();
        // json.dumps default: every non-ASCII character as \uXXXX, astral characters as surrogate pairs.
        const string body = "{\"content\": \"Caf\\u00e9 \\ud83d\\ude00 \\u003cb\\u003e & \\\"quoted\\\"\\nline\"}";

        var response = await h.PostAsync("/v1/buckets/b/memories", body, ClientStyle.Python);
        var listed = await h.GetAsync("/v1/buckets/b/memories?limit=20&offset=0");

        Assert.Equal(200, response.Status);
        Assert.Equal(new[] { "Café 😀 <b> & \"quoted\"\nline" }, await h.StoredContents("b"));
        Assert.Equal("Café 😀 <b> & \"quoted\"\nline", listed.Json.GetProperty("memories")[0].GetProperty("content").GetString());
        Assert.DoesNotContain('\n', listed.Body);
    }

    [Fact]
    public async Task Unknown_request_fields_are_ignored()
    {
        using var h = ServerHarness.Start();

        var stored = await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"fact\",\"tags\":[\"x\"],\"metadata\":{\"a\":1}}");
        var query = await h.PostAsync("/v1/query", "{\"query\":\"fact\",\"buckets\":[\"b\"],\"k\":3,\"options\":{\"top_k\":8,\"future_knob\":true}}");

        Assert.Equal(200, stored.Status);
        Assert.Equal(200, query.Status);
    }

    [Fact]
    public async Task Legacy_shapes_answer_the_older_forms_clients_must_still_read()
    {
        using var h = ServerHarness.Start(o => o.LegacyShapes = true);

        var stored = (await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"fact\"}")).Json;
        var buckets = (await h.GetAsync("/v1/buckets")).Json;
        var profile = (await h.GetAsync("/v1/buckets/b/profile")).Json;

        Assert.Equal(new[] { "id", "bucket_name", "token_count" }, Keys(stored));
        Assert.Equal(JsonValueKind.Array, buckets.ValueKind);
        Assert.Equal("b", buckets[0].GetProperty("name").GetString());
        Assert.Equal(new[] { "profile" }, Keys(profile));
    }
}
