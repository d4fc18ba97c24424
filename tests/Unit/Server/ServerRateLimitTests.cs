using Engram.Tests.Unit.Server.Support;
using Xunit;

namespace Engram.Tests.Unit.Server;

/// <summary>
/// 429 per wire spec §11: a per-tenant in-flight cap answered before any work with an integer Retry-After,
/// so a client may re-send even a store safely.
/// </summary>
public class ServerRateLimitTests
{
    private const string OtherKey = "eng_live_other_key";

    [Fact]
    public async Task Over_the_cap_a_tenant_gets_429_with_retry_after_and_nothing_is_stored()
    {
        using var h = ServerHarness.Start(o =>
        {
            o.MaxConcurrentRequestsPerTenant = 1;
            o.RetryAfterSeconds = 3;
            o.ApiKeys[OtherKey] = "t2";
            o.Faults.PauseStreamsAfterFirstDelta = true;
            o.PausedStreamKeepAliveInterval = TimeSpan.FromMilliseconds(50);
        });
        await h.PostAsync("/v1/buckets/work/memories", "{\"content\":\"Project Alpha deadline is 2026-10-15, the launch review follows a week later.\"}");

        // Hold one request in flight deterministically: a stream paused after its first delta.
        using var held = await SseFrameReader.OpenAsync(h, "{\"query\":\"When is the Project Alpha deadline and the launch review?\",\"bucket\":\"work\",\"stream\":true}");
        Assert.StartsWith("data: {", await held.NextDataAsync());

        var refused = await h.PostAsync("/v1/buckets/work/memories", "{\"content\":\"written while over the cap\"}");
        var otherTenant = await h.SendAsync(HttpMethod.Post, "/v1/buckets/work/memories", "{\"content\":\"other tenant\"}", key: OtherKey);

        Assert.Equal(429, refused.Status);
        Assert.Equal("3", refused.Header("Retry-After"));
        Assert.Equal("{\"error\":\"Too many concurrent requests\",\"code\":\"RATE_LIMITED\"}", refused.Body);
        Assert.Equal(200, otherTenant.Status);
        Assert.DoesNotContain("written while over the cap", await h.StoredContents("work"));

        h.Options.Faults.ReleasePausedStreams();
        Assert.Equal("data: [DONE]", (await held.RestAsync())[^1]);
        var retried = await h.PostAsync("/v1/buckets/work/memories", "{\"content\":\"written while over the cap\"}");

        Assert.Equal(200, retried.Status);
        Assert.Contains("written while over the cap", await h.StoredContents("work"));
    }

    [Fact]
    public async Task Injected_429s_refuse_exactly_the_next_N_requests_without_doing_them()
    {
        using var h = ServerHarness.Start(o => o.Faults.Next429Count = 2);

        var first = await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"one\"}");
        var second = await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"two\"}");
        var third = await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"three\"}");

        Assert.Equal(429, first.Status);
        Assert.Equal(429, second.Status);
        Assert.Equal("1", first.Header("Retry-After"));
        Assert.Equal(200, third.Status);
        Assert.Equal(new[] { "three" }, await h.StoredContents("b"));
        Assert.Equal(0, h.Options.Faults.Next429Count);
    }

    [Fact]
    public async Task Without_a_cap_concurrent_requests_all_succeed()
    {
        using var h = ServerHarness.Start();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"fact number " + i + "\"}")));

        Assert.All(responses, r => Assert.Equal(200, r.Status));
        Assert.Equal(16, (await h.StoredContents("b")).Count);
    }
}
