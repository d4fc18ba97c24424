using Engram.Client;
using Engram.Client.Http;
using Engram.Tests.Unit.Client.Support;
using Xunit;

namespace Engram.Tests.Unit.Client;

/// <summary>The 429 retry policy (wire spec §11, B.21), with recorded instead of real waits.</summary>
public class ClientRetryTests
{
    private static PeerReply TooMany(string? retryAfter = null) =>
        retryAfter == null
            ? Reply.Json(429, """{"error":"Too many concurrent requests"}""")
            : Reply.Json(429, """{"error":"Too many concurrent requests"}""", ("Retry-After", retryAfter));

    private static readonly PeerReply Ok = Reply.Json(200, """{"buckets":[]}""");

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public async Task Without_retry_after_waits_1_2_4_seconds_then_raises_429()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(TooMany(), TooMany(), TooMany(), TooMany());

        var error = await Assert.ThrowsAsync<EngramException>(() => client.Service.ListBucketsAsync());

        Assert.Equal(4, peer.Requests.Count);
        Assert.Equal(new[] { S(1), S(2), S(4) }, client.Delays);
        Assert.Equal(429, error.Status);
        Assert.Equal("Engram API 429: Too many concurrent requests", error.Message);
        Assert.Null(error.RetryAfter);
    }

    [Theory]
    [InlineData("2", 2.0)]
    [InlineData(" 2 ", 2.0)]
    [InlineData("45", 30.0)]
    [InlineData("0", 0.0)]
    [InlineData("1.5", 1.5)]
    [InlineData("-1", 0.0)]
    [InlineData("Wed, 21 Oct 2026 07:28:00 GMT", 10.0)] // PeerClient.Now is 07:27:50
    [InlineData("Wed, 21 Oct 2026 07:00:00 GMT", 0.0)] // in the past: no wait
    [InlineData("Wed, 21 Oct 2026 09:00:00 GMT", 30.0)] // far ahead: capped
    [InlineData("soon", 1.0)] // unreadable: backoff
    [InlineData("", 1.0)]
    public async Task Retry_after_decides_the_single_wait(string header, double expectedSeconds)
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(TooMany(header), Ok);

        var buckets = await client.Service.ListBucketsAsync();

        Assert.Empty(buckets);
        Assert.Equal(2, peer.Requests.Count);
        // A zero wait retries at once, without calling the delay at all.
        Assert.Equal(expectedSeconds == 0 ? Array.Empty<TimeSpan>() : new[] { S(expectedSeconds) }, client.Delays);
    }

    [Fact]
    public async Task Backoff_doubles_even_when_retry_after_was_used()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(TooMany("3"), TooMany(), TooMany("0.25"), TooMany());

        var error = await Assert.ThrowsAsync<EngramException>(() => client.Service.ListBucketsAsync());

        Assert.Equal(new[] { S(3), S(2), S(0.25) }, client.Delays);
        Assert.Equal(429, error.Status);
    }

    [Fact]
    public async Task Final_429_carries_the_retry_after_the_server_asked_for()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer, o => o.MaxRetriesOn429 = 0);
        peer.Enqueue(TooMany("45"));

        var error = await Assert.ThrowsAsync<EngramException>(() => client.Service.ListBucketsAsync());

        Assert.Equal(S(45), error.RetryAfter);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task Zero_or_negative_retries_disable_retrying(int retries)
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer, o => o.MaxRetriesOn429 = retries);
        peer.Enqueue(TooMany("1"), Ok);

        var error = await Assert.ThrowsAsync<EngramException>(() => client.Service.ListBucketsAsync());

        Assert.Equal(429, error.Status);
        Assert.Single(peer.Requests);
        Assert.Empty(client.Delays);
    }

    [Fact]
    public async Task Configured_retry_count_is_honoured()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer, o => o.MaxRetriesOn429 = 5);
        peer.Enqueue(TooMany(), TooMany(), TooMany(), TooMany(), TooMany(), TooMany());

        await Assert.ThrowsAsync<EngramException>(() => client.Service.ListBucketsAsync());

        Assert.Equal(6, peer.Requests.Count);
        Assert.Equal(new[] { S(1), S(2), S(4), S(8), S(16) }, client.Delays);
    }

    [Fact]
    public async Task Retried_posts_resend_identical_bytes()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(TooMany(), TooMany(), Reply.Json(200, """{"id":"m1"}"""));

        var stored = await client.Service.StoreMemoryAsync("work", "résumé + it's", DedupPolicy.Strict);

        Assert.Equal("m1", stored.Id);
        Assert.Equal(3, peer.Requests.Count);
        Assert.All(peer.Requests, r => Assert.Equal(peer.Requests[0].Body, r.Body));
        Assert.All(peer.Requests, r => Assert.Equal("application/json", r.Header("Content-Type")));
    }

    [Fact]
    public async Task Other_errors_are_never_retried()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Text(503, "busy", "text/plain", ("Retry-After", "1")), Ok);

        var error = await Assert.ThrowsAsync<EngramException>(() => client.Service.ListBucketsAsync());

        Assert.Equal(503, error.Status);
        Assert.Single(peer.Requests);
        Assert.Empty(client.Delays);
    }

    [Fact]
    public async Task Cancelling_during_a_retry_wait_stops_without_another_request()
    {
        await using var peer = new ScriptedHttpPeer();
        using var cancel = new CancellationTokenSource();
        var waitStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = new PeerClient(peer, o => o.Delay = async (delay, token) =>
        {
            waitStarted.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, token); // a wait that only cancellation ends
        });
        peer.Enqueue(TooMany("5"), Ok);

        var call = client.Service.ListBucketsAsync(cancel.Token);
        await waitStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(peer.Requests);
    }

    [Fact]
    public async Task Waits_use_the_system_delay_by_default_and_a_zero_retry_after_does_not_wait()
    {
        await using var peer = new ScriptedHttpPeer();
        using var service = new EngramHttpService(new EngramClientOptions { ApiKey = PeerClient.ApiKey, BaseUrl = peer.BaseUrl });
        peer.Enqueue(TooMany("0"), Ok);

        await service.ListBucketsAsync();

        Assert.Equal(2, peer.Requests.Count);
    }

    [Fact]
    public void Retry_after_parsing_rules()
    {
        var now = PeerClient.Now;
        Assert.Null(RetryPolicy.ParseRetryAfter(null, now));
        Assert.Null(RetryPolicy.ParseRetryAfter("   ", now));
        Assert.Null(RetryPolicy.ParseRetryAfter("1e3", now));
        Assert.Null(RetryPolicy.ParseRetryAfter("NaN", now));
        Assert.Null(RetryPolicy.ParseRetryAfter("Infinity", now));
        Assert.Equal(S(2.5), RetryPolicy.ParseRetryAfter("\t2.5 ", now));
        Assert.Equal(TimeSpan.Zero, RetryPolicy.ParseRetryAfter("-0.5", now));
        Assert.Equal(S(70), RetryPolicy.ParseRetryAfter("Wed, 21 Oct 2026 07:29:00 GMT", now)); // uncapped here; the cap applies to waits
        Assert.Equal(TimeSpan.MaxValue, RetryPolicy.ParseRetryAfter("99999999999999999999", now));
    }
}
