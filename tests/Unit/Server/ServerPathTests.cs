using Engram.Tests.Unit.Server.Support;
using Xunit;

namespace Engram.Tests.Unit.Server;

/// <summary>
/// Path handling over raw request lines (wire spec §3.5, B.19, §17 Q36/Q39): each segment is decoded exactly
/// once after splitting on '/', so %2F stays in the name, '+' is literal, and every client's encoding of a
/// name reaches the same bucket.
/// </summary>
public class ServerPathTests
{
    [Fact]
    public async Task An_encoded_slash_space_and_percent_stay_inside_one_bucket_name()
    {
        using var h = ServerHarness.Start();

        var stored = await RawHttp.SendAsync(h.Server.Port, "POST", "/v1/buckets/user%20123%2Fspaces%25/memories", "{\"content\":\"fact\"}");
        var listed = await RawHttp.SendAsync(h.Server.Port, "GET", "/v1/buckets/user%20123%2Fspaces%25/memories?limit=20&offset=0");

        Assert.Equal(200, stored.Status);
        Assert.Contains("\"bucket_name\":\"user 123/spaces%\"", stored.Body);
        Assert.Contains("\"total\":1", listed.Body);
        Assert.Contains(await h.Tenant.ListBucketsAsync(), b => b.Name == "user 123/spaces%");
    }

    [Fact]
    public async Task Go_Python_JS_and_raw_encodings_of_one_name_reach_the_same_bucket()
    {
        using var h = ServerHarness.Start();
        const string name = "a+b@c:d it's(1)!*~é";

        await RawHttp.SendAsync(h.Server.Port, "POST", "/v1/buckets/a%2Bb%40c%3Ad%20it%27s%281%29%21%2A~%C3%A9/memories", "{\"content\":\"from python\",\"dedup\":\"off\"}");
        await RawHttp.SendAsync(h.Server.Port, "POST", "/v1/buckets/a%2Bb%40c%3Ad%20it's(1)!*~%C3%A9/memories", "{\"content\":\"from js\",\"dedup\":\"off\"}");
        await RawHttp.SendAsync(h.Server.Port, "POST", "/v1/buckets/a+b@c:d%20it%27s%281%29%21%2A~%C3%A9/memories", "{\"content\":\"from go\",\"dedup\":\"off\"}");

        Assert.Equal(new[] { "from go", "from js", "from python" }, (await h.StoredContents(name)).OrderBy(c => c));
        Assert.Single(await h.Tenant.ListBucketsAsync());
    }

    [Fact]
    public async Task Segments_are_decoded_exactly_once()
    {
        using var h = ServerHarness.Start();

        var stored = await RawHttp.SendAsync(h.Server.Port, "POST", "/v1/buckets/a%252Fb/memories", "{\"content\":\"fact\"}");

        Assert.Equal(200, stored.Status);
        Assert.Equal("a%2Fb", Assert.Single(await h.Tenant.ListBucketsAsync()).Name);
    }

    [Fact]
    public async Task A_head_request_is_405_and_the_server_keeps_serving()
    {
        using var h = ServerHarness.Start();

        var head = await h.SendAsync(HttpMethod.Head, "/v1/buckets");
        var get = await h.GetAsync("/v1/buckets");

        Assert.Equal(405, head.Status);
        Assert.Equal(200, get.Status);
    }

    [Fact]
    public async Task Plus_is_literal_so_a_plus_b_and_a_2B_b_are_the_same_name()
    {
        using var h = ServerHarness.Start();

        await RawHttp.SendAsync(h.Server.Port, "POST", "/v1/buckets/a+b/memories", "{\"content\":\"fact\"}");
        var viaEscaped = await RawHttp.SendAsync(h.Server.Port, "GET", "/v1/buckets/a%2Bb/memories");

        Assert.Contains("\"total\":1", viaEscaped.Body);
        Assert.Equal("a+b", Assert.Single(await h.Tenant.ListBucketsAsync()).Name);
    }

    [Fact]
    public async Task Unencoded_and_non_ascii_names_are_tolerated()
    {
        using var h = ServerHarness.Start();

        var raw = await RawHttp.SendAsync(h.Server.Port, "POST", "/v1/buckets/it's(1)!*~/memories", "{\"content\":\"fact\"}");
        var cjk = await RawHttp.SendAsync(h.Server.Port, "POST", "/v1/buckets/%E6%95%B0%E6%8D%AE/memories", "{\"content\":\"fact\"}");

        Assert.Equal(200, raw.Status);
        Assert.Equal(200, cjk.Status);
        Assert.Equal(new[] { "it's(1)!*~", "数据" }, (await h.Tenant.ListBucketsAsync()).Select(b => b.Name).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("POST", "{\"content\":\"fact\"}")]
    [InlineData("GET", null)]
    [InlineData("DELETE", null)]
    public async Task An_empty_bucket_segment_is_bucket_not_found_and_never_the_default_bucket(string method, string? body)
    {
        using var h = ServerHarness.Start();
        await h.PostAsync("/v1/buckets/default/memories", "{\"content\":\"keep me\"}");

        var response = await RawHttp.SendAsync(h.Server.Port, method, "/v1/buckets//memories", body);

        Assert.Equal(404, response.Status);
        Assert.Equal("{\"error\":\"Bucket not found\",\"code\":\"BUCKET_NOT_FOUND\"}", response.Body);
        Assert.Equal(new[] { "keep me" }, await h.StoredContents("default"));
    }

    [Fact]
    public async Task One_trailing_slash_is_tolerated_but_never_turns_a_delete_into_a_clear()
    {
        using var h = ServerHarness.Start();

        var list = await RawHttp.SendAsync(h.Server.Port, "GET", "/v1/buckets/");
        var store = await RawHttp.SendAsync(h.Server.Port, "POST", "/v1/buckets/b/memories/", "{\"content\":\"keep me\"}");
        var deleteEmptyId = await RawHttp.SendAsync(h.Server.Port, "DELETE", "/v1/buckets/b/memories/");
        var deleteEmptyBucket = await RawHttp.SendAsync(h.Server.Port, "DELETE", "/v1/buckets/");

        Assert.Equal(200, list.Status);
        Assert.StartsWith("{\"buckets\":", list.Body);
        Assert.Equal(200, store.Status);
        Assert.Equal(404, deleteEmptyId.Status);
        Assert.Contains("MEMORY_NOT_FOUND", deleteEmptyId.Body);
        Assert.Equal(404, deleteEmptyBucket.Status);
        Assert.Equal(new[] { "keep me" }, await h.StoredContents("b"));
    }

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/v1")]
    [InlineData("GET", "/v1/nothing")]
    [InlineData("GET", "/v1/buckets/b/other")]
    [InlineData("GET", "/V1/buckets")]
    [InlineData("POST", "/v1/memories")]
    [InlineData("GET", "/v1/buckets/b/memories/x/y")]
    public async Task Unknown_routes_answer_404_json(string method, string target)
    {
        using var h = ServerHarness.Start();

        var response = await RawHttp.SendAsync(h.Server.Port, method, target);

        Assert.Equal(404, response.Status);
        Assert.Equal("{\"error\":\"Not found: no such endpoint\",\"code\":\"NOT_FOUND\"}", response.Body);
    }

    [Theory]
    [InlineData("GET", "/v1/query", "POST")]
    [InlineData("PUT", "/v1/query", "POST")]
    [InlineData("PATCH", "/v1/buckets/b/memories", "GET, POST, DELETE")]
    [InlineData("PUT", "/v1/buckets", "GET, POST")]
    [InlineData("POST", "/v1/buckets/b/profile", "GET")]
    [InlineData("GET", "/v1/buckets/b/profile/regenerate", "POST")]
    [InlineData("GET", "/v1/buckets/b/memories/some-id", "DELETE")]
    public async Task A_wrong_method_answers_405_json_with_allow(string method, string target, string allow)
    {
        using var h = ServerHarness.Start();

        var response = await h.SendAsync(new HttpMethod(method), target, method is "GET" ? null : "{}");

        Assert.Equal(405, response.Status);
        Assert.Equal("METHOD_NOT_ALLOWED", response.Json.GetProperty("code").GetString());
        Assert.Equal(allow, response.ContentHeaders.Allow.Count > 0 ? string.Join(", ", response.ContentHeaders.Allow) : response.Header("Allow"));
    }
}
