using System.Text;
using System.Text.Json;
using Engram.Tests.Unit.Server.Support;
using Xunit;

namespace Engram.Tests.Unit.Server;

/// <summary>
/// Every refusal is a JSON <c>{"error","code"}</c> with the right status, and a refused write stores nothing
/// (wire spec §4.12, §9, §17 Q1–Q3, Q14, Q20, Q28).
/// </summary>
public class ServerErrorTests
{
    private static void AssertError(WireResponse response, int status, string code)
    {
        Assert.Equal(status, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.Header("Content-Type"));
        var json = response.Json;
        Assert.Equal(new[] { "error", "code" }, json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, json.GetProperty("error").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("error").GetString()));
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.DoesNotContain("   at ", response.Body);
    }

    public static TheoryData<string?> BadAuthorization => new()
    {
        null,
        "Bearer wrong-key",
        "bearer " + ServerHarness.Key,
        "Bearer  " + ServerHarness.Key,
        "Bearer " + ServerHarness.Key + "x",
        "Basic " + ServerHarness.Key,
        ServerHarness.Key,
    };

    [Theory]
    [MemberData(nameof(BadAuthorization))]
    public async Task Anything_but_exactly_Bearer_and_a_known_key_is_401_and_stores_nothing(string? authorization)
    {
        using var h = ServerHarness.Start();
        var request = h.Request(HttpMethod.Post, "/v1/buckets/b/memories", "{\"content\":\"fact\"}", key: null);
        if (authorization != null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await h.SendAsync(request);

        AssertError(response, 401, "UNAUTHORIZED");
        Assert.Equal("Invalid API key", response.Json.GetProperty("error").GetString());
        Assert.Empty(await h.Tenant.ListBucketsAsync());
    }

    [Theory]
    [InlineData("{\"content\":", "not valid JSON")]
    [InlineData("[{\"content\":\"x\"}]", "must be a JSON object")]
    [InlineData("\"x\"", "must be a JSON object")]
    [InlineData("{\"content\":42}", "content must be a string")]
    [InlineData("{\"content\":[\"x\"]}", "content must be a string")]
    [InlineData("{\"memories\":\"x\"}", "memories must be an array")]
    [InlineData("{\"memories\":[{\"content\":\"ok\"},{\"text\":\"x\"}]}", "memories[1]")]
    [InlineData("{\"memories\":[{\"content\":\"ok\"},{\"content\":7}]}", "memories[1].content must be a string")]
    [InlineData("{\"memories\":[{\"content\":\"ok\"},\"x\"]}", "memories[1]")]
    [InlineData("{\"content\":\"x\",\"memories\":[{\"content\":\"y\"}]}", "not both")]
    [InlineData("{}", "content is required")]
    [InlineData("{\"content\":null}", "content is required")]
    [InlineData("{\"content\":\"\"}", "content is required")]
    [InlineData("{\"content\":\"   \"}", "content is required")]
    [InlineData("{\"memories\":[{\"content\":\"ok\"},{\"content\":\" \"}]}", "content is required")]
    [InlineData("{\"content\":\"x\",\"dedup\":\"fuzzy\"}", "dedup must be one of off, loose, strict")]
    [InlineData("{\"content\":\"x\",\"dedup\":\"OFF\"}", "dedup must be one of off, loose, strict")]
    [InlineData("{\"content\":\"x\",\"dedup\":1}", "dedup must be one of off, loose, strict")]
    [InlineData("{\"memories\":[{\"content\":\"x\"}],\"dedup\":\"nope\"}", "dedup must be one of off, loose, strict")]
    public async Task Invalid_store_bodies_are_400_and_store_nothing(string body, string messagePart)
    {
        using var h = ServerHarness.Start();

        var response = await h.PostAsync("/v1/buckets/b/memories", body);

        AssertError(response, 400, "INVALID_REQUEST");
        Assert.Contains(messagePart, response.Json.GetProperty("error").GetString());
        Assert.Empty(await h.StoredContents("b"));
    }

    [Theory]
    [InlineData(ClientStyle.Go)]
    [InlineData(ClientStyle.Python)]
    public async Task A_store_without_a_body_is_400_even_with_a_content_type(ClientStyle style)
    {
        using var h = ServerHarness.Start();

        var response = await h.SendAsync(HttpMethod.Post, "/v1/buckets/b/memories", null, style);

        AssertError(response, 400, "INVALID_REQUEST");
        Assert.Empty(await h.StoredContents("b"));
    }

    [Fact]
    public async Task A_batch_of_101_is_400_and_stores_none()
    {
        using var h = ServerHarness.Start();
        var items = string.Join(",", Enumerable.Range(0, 101).Select(i => "{\"content\":\"fact " + i + "\"}"));

        var response = await h.PostAsync("/v1/buckets/b/memories", "{\"memories\":[" + items + "]}");

        AssertError(response, 400, "INVALID_REQUEST");
        Assert.Empty(await h.StoredContents("b"));
    }

    [Fact]
    public async Task Content_over_100000_characters_is_413_alone_or_in_a_batch_and_stores_none()
    {
        using var h = ServerHarness.Start();
        var huge = new string('x', 100_001);

        var single = await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"" + huge + "\"}");
        var batch = await h.PostAsync("/v1/buckets/b/memories", "{\"memories\":[{\"content\":\"fine\"},{\"content\":\"" + huge + "\"}]}");
        var exactlyMax = await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"" + new string('y', 100_000) + "\"}");

        AssertError(single, 413, "CONTENT_TOO_LARGE");
        AssertError(batch, 413, "CONTENT_TOO_LARGE");
        Assert.Equal(200, exactlyMax.Status);
        Assert.Single(await h.StoredContents("b"));
    }

    [Fact]
    public async Task A_body_over_the_configured_cap_is_413_whether_its_length_is_declared_or_chunked()
    {
        using var h = ServerHarness.Start(o => o.MaxRequestBodyBytes = 1024);
        var body = "{\"content\":\"" + new string('x', 4000) + "\"}";

        var declared = await h.PostAsync("/v1/buckets/b/memories", body);
        var chunkedRequest = h.Request(HttpMethod.Post, "/v1/buckets/b/memories");
        chunkedRequest.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        chunkedRequest.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        chunkedRequest.Headers.TransferEncodingChunked = true;
        var chunked = await h.SendAsync(chunkedRequest);
        var small = await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"small\"}");

        AssertError(declared, 413, "CONTENT_TOO_LARGE");
        AssertError(chunked, 413, "CONTENT_TOO_LARGE");
        Assert.Equal(200, small.Status);
        Assert.Equal(new[] { "small" }, await h.StoredContents("b"));
    }

    [Theory]
    [InlineData("{\"query\":\"\"}", "query is required")]
    [InlineData("{\"buckets\":[\"b\"]}", "query is required")]
    [InlineData("{\"query\":5}", "query must be a string")]
    [InlineData("{\"query\":\"q\",\"buckets\":\"b\"}", "buckets must be an array")]
    [InlineData("{\"query\":\"q\",\"buckets\":[1]}", "buckets must contain only strings")]
    [InlineData("{\"query\":\"q\",\"bucket\":[\"b\"]}", "bucket must be a string")]
    [InlineData("{\"query\":\"q\",\"options\":\"fast\"}", "options must be a JSON object")]
    [InlineData("{\"query\":\"q\",\"options\":{\"top_k\":\"8\"}}", "top_k must be an integer")]
    [InlineData("{\"query\":\"q\",\"options\":{\"top_k\":8.5}}", "top_k must be an integer")]
    [InlineData("{\"query\":\"q\",\"options\":{\"max_tokens\":true}}", "max_tokens must be an integer")]
    [InlineData("{\"query\":\"q\",\"options\":{\"skip_synthesis\":\"yes\"}}", "skip_synthesis must be true or false")]
    [InlineData("{\"query\":\"q\",\"options\":{\"min_weighted_score\":\"0.2\"}}", "min_weighted_score must be a number")]
    [InlineData("{\"query\":\"q\",\"options\":{\"top_k_per_bucket\":\"4\"}}", "top_k_per_bucket must be an integer or an object")]
    [InlineData("{\"query\":\"q\",\"options\":{\"top_k_per_bucket\":{\"b\":\"4\"}}}", "top_k_per_bucket.b must be an integer")]
    [InlineData("{\"query\":\"q\",\"options\":{\"return_format\":\"xml\"}}", "return_format must be one of prose, json")]
    [InlineData("{\"query\":\"q\",\"stream\":\"yes\"}", "stream must be true or false")]
    public async Task Invalid_query_bodies_are_400(string body, string messagePart)
    {
        using var h = ServerHarness.Start();

        var response = await h.PostAsync("/v1/query", body);

        AssertError(response, 400, "INVALID_REQUEST");
        Assert.Contains(messagePart, response.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Integral_floats_and_null_options_are_accepted_in_queries()
    {
        using var h = ServerHarness.Start();

        var response = await h.PostAsync("/v1/query",
            "{\"query\":\"q\",\"buckets\":null,\"bucket\":null,\"stream\":null,\"options\":{\"top_k\":8.0,\"max_tokens\":null,\"return_format\":null,\"top_k_per_bucket\":{\"b\":4}}}");

        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Missing_things_are_404_and_a_duplicate_bucket_is_409()
    {
        using var h = ServerHarness.Start();
        await h.PostAsync("/v1/buckets", "{\"name\":\"team\"}");

        AssertError(await h.DeleteAsync("/v1/buckets/work/memories/no-such-id"), 404, "MEMORY_NOT_FOUND");
        AssertError(await h.DeleteAsync("/v1/buckets/nope"), 404, "BUCKET_NOT_FOUND");
        AssertError(await h.GetAsync("/v1/buckets/nope"), 404, "BUCKET_NOT_FOUND");
        var duplicate = await h.PostAsync("/v1/buckets", "{\"name\":\"team\",\"description\":\"again\"}");
        AssertError(duplicate, 409, "BUCKET_EXISTS");
        Assert.Equal("Bucket already exists", duplicate.Json.GetProperty("error").GetString());
        Assert.Null(Assert.Single(await h.Tenant.ListBucketsAsync()).Description);
    }

    [Theory]
    [InlineData("{}", "name is required")]
    [InlineData("{\"name\":\"\"}", "name is required")]
    [InlineData("{\"name\":7}", "name must be a string")]
    [InlineData("{\"name\":\"ok\",\"description\":5}", "description must be a string")]
    [InlineData("{\"name\":\"..\"}", "bucket name")]
    public async Task Invalid_create_bucket_bodies_are_400_and_create_nothing(string body, string messagePart)
    {
        using var h = ServerHarness.Start();

        var response = await h.PostAsync("/v1/buckets", body);

        AssertError(response, 400, "INVALID_REQUEST");
        Assert.Contains(messagePart, response.Json.GetProperty("error").GetString());
        Assert.Empty(await h.Tenant.ListBucketsAsync());
    }

    [Theory]
    [InlineData("/v1/buckets/b/memories?limit=abc")]
    [InlineData("/v1/buckets/b/memories?limit=20&offset=1.5")]
    [InlineData("/v1/buckets?limit=x")]
    public async Task Non_integer_paging_parameters_are_400(string path)
    {
        using var h = ServerHarness.Start();

        AssertError(await h.GetAsync(path), 400, "INVALID_REQUEST");
    }

    [Fact]
    public async Task Injected_byok_fault_refuses_store_and_query_with_412_before_any_work()
    {
        using var h = ServerHarness.Start(o => o.Faults.ByokMissing = true);

        var store = await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"fact\"}");
        var batch = await h.PostAsync("/v1/buckets/b/memories", "{\"memories\":[{\"content\":\"fact\"}]}");
        var query = await h.PostAsync("/v1/query", "{\"query\":\"q\"}");
        var stream = await h.SendAsync(h.Request(HttpMethod.Post, "/v1/query", "{\"query\":\"q\",\"stream\":true}"));
        var list = await h.GetAsync("/v1/buckets");

        foreach (var refused in new[] { store, batch, query, stream })
        {
            AssertError(refused, 412, "BYOK_NOT_CONFIGURED");
            Assert.Equal("No model provider key configured", refused.Json.GetProperty("error").GetString());
        }

        Assert.Equal(200, list.Status);
        Assert.Empty(await h.Tenant.ListBucketsAsync());

        h.Options.Faults.ByokMissing = false;
        Assert.Equal(200, (await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"fact\"}")).Status);
    }
}
