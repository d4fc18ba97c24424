using Engram.Client;
using Engram.Client.Diagnostics;
using Engram.Tests.Unit.Client.Support;
using Xunit;

namespace Engram.Tests.Unit.Client;

/// <summary>The diagnostics hook behind PowerShell -Verbose / -Debug.</summary>
public class ClientTraceTests
{
    [Fact]
    public async Task Each_attempt_is_reported_with_method_path_status_attempt_and_bodies()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(
            Reply.Json(429, """{"error":"Too many concurrent requests"}"""),
            Reply.Json(200, """{"id":"m1","status":"stored"}"""),
            Reply.Json(200, """{"memories":[],"total":0}"""));
        var traces = new List<EngramRequestTrace>();

        using (EngramTrace.Listen(traces.Add))
        {
            await client.Service.StoreMemoryAsync("my bucket", "fact");
            await client.Service.ListMemoriesAsync("my bucket", 5, 0);
        }

        Assert.Equal(3, traces.Count);
        Assert.Equal(
            new[] { "POST /v1/buckets/my%20bucket/memories 429 1", "POST /v1/buckets/my%20bucket/memories 200 2", "GET /v1/buckets/my%20bucket/memories?limit=5&offset=0 200 1" },
            traces.Select(t => $"{t.Method} {t.Path} {t.Status} {t.Attempt}"));
        Assert.Equal("""{"content":"fact"}""", traces[0].RequestBody);
        Assert.Equal("""{"error":"Too many concurrent requests"}""", traces[0].ResponseBody);
        Assert.Equal("""{"id":"m1","status":"stored"}""", traces[1].ResponseBody);
        Assert.Null(traces[2].RequestBody);
        Assert.All(traces, t => Assert.True(t.Duration >= TimeSpan.Zero));
    }

    [Fact]
    public async Task Transport_failures_and_streams_are_traced_without_response_bodies()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Sse("data: {\"answer\":\"a\"}\n\ndata: [DONE]\n\n"));
        using var refused = new EngramHttpService(new EngramClientOptions { ApiKey = "k", BaseUrl = "http://127.0.0.1:" + ClientErrorTests.FreePort() });
        var traces = new List<EngramRequestTrace>();

        using (EngramTrace.Listen(traces.Add))
        {
            await foreach (var _ in client.Service.QueryStreamAsync(new QueryRequest("q")))
            {
            }

            await Assert.ThrowsAsync<EngramException>(() => refused.ListBucketsAsync());
        }

        Assert.Equal(2, traces.Count);
        Assert.Equal(("POST", "/v1/query", 200), (traces[0].Method, traces[0].Path, traces[0].Status));
        Assert.Contains("\"stream\":true", traces[0].RequestBody);
        Assert.Null(traces[0].ResponseBody);
        Assert.Equal(("GET", "/v1/buckets", 0), (traces[1].Method, traces[1].Path, traces[1].Status));
        Assert.Null(traces[1].ResponseBody);
    }

    [Fact]
    public async Task Listening_is_scoped_to_the_async_flow_and_ends_on_dispose()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        for (var i = 0; i < 5; i++)
        {
            peer.Enqueue(Reply.Json(200, "[]"));
        }

        var first = new List<EngramRequestTrace>();
        var second = new List<EngramRequestTrace>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task Flow(List<EngramRequestTrace> sink, int calls)
        {
            using (EngramTrace.Listen(t => { lock (sink) sink.Add(t); }))
            {
                await gate.Task; // both flows listen at the same time
                for (var i = 0; i < calls; i++)
                {
                    await client.Service.ListBucketsAsync();
                }
            }
        }

        var flows = new[] { Task.Run(() => Flow(first, 1)), Task.Run(() => Flow(second, 2)) };
        gate.SetResult();
        await Task.WhenAll(flows);

        var outside = new List<EngramRequestTrace>();
        var handle = EngramTrace.Listen(outside.Add);
        handle.Dispose();
        await client.Service.ListBucketsAsync();

        Assert.Single(first);
        Assert.Equal(2, second.Count);
        Assert.Empty(outside);
    }

    [Fact]
    public async Task Child_tasks_report_to_the_listener_and_broken_listeners_do_not_break_requests()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200, "[]"));
        var seen = 0;

        using (EngramTrace.Listen(_ => Interlocked.Increment(ref seen)))
        using (EngramTrace.Listen(_ => throw new InvalidOperationException("listener bug")))
        {
            var buckets = await Task.Run(() => client.Service.ListBucketsAsync());
            Assert.Empty(buckets);
        }

        Assert.Equal(1, seen);
    }
}
