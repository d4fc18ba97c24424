using System.Text.Json;
using Engram.Client;
using Engram.Tests.Unit.Client.Support;
using Xunit;

namespace Engram.Tests.Unit.Client;

/// <summary>Streamed queries over real loopback HTTP (wire spec §5.7, §8, B.14, B.16).</summary>
public class ClientStreamingTests
{
    private const string B14Body =
        ": keep-alive\n\n" +
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n" +
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"You worked on \"},\"finish_reason\":null}]}\n\n" +
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Project Alpha.\"},\"finish_reason\":null}]}\n\n" +
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n" +
        "data: {\"answer\":\"You worked on Project Alpha.\",\"memories_found\":1,\"usage\":{\"input_tokens\":6,\"output_tokens\":6,\"context_tokens\":30,\"actual_input_tokens\":480,\"actual_output_tokens\":6},\"synthesis_usage\":{\"prompt_tokens\":480,\"completion_tokens\":6,\"total_tokens\":486},\"explanation\":{\"retrieved_memories\":[{\"memory_id\":\"a1\",\"bucket_name\":\"work\",\"content\":\"Project Alpha deadline is 2026-10-15.\",\"raw_score\":0.71,\"weight\":1.0,\"weighted_score\":0.71}],\"context_tokens\":30}}\n\n" +
        "data: [DONE]\n\n";

    private static async Task<List<QueryStreamEvent>> Collect(IAsyncEnumerable<QueryStreamEvent> stream, CancellationToken cancellationToken = default)
    {
        var events = new List<QueryStreamEvent>();
        await foreach (var e in stream.WithCancellation(cancellationToken))
        {
            events.Add(e);
        }

        return events;
    }

    [Fact]
    public async Task B14_happy_path_sends_stream_request_and_yields_deltas_then_done()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Sse(B14Body));

        var stream = client.Service.QueryStreamAsync(new QueryRequest("Summarize what I worked on", "work"));
        Assert.Empty(peer.Requests); // nothing is sent before enumeration
        var events = await Collect(stream);

        var request = peer.SingleRequest;
        Assert.Equal("POST /v1/query", request.Method + " " + request.Target);
        Assert.Equal("text/event-stream", request.Header("Accept"));
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("Bearer " + PeerClient.ApiKey, request.Header("Authorization"));
        Assert.Equal(
            """{"query":"Summarize what I worked on","buckets":["work"],"stream":true,"options":{"top_k":8,"return_explanation":true,"skip_synthesis":false}}""",
            request.BodyText);

        Assert.Equal(3, events.Count);
        Assert.Equal(("You worked on ", "Project Alpha."), (events[0].Content, events[1].Content));
        Assert.All(events.Take(2), e => Assert.Equal(QueryStreamEventType.Delta, e.Type));
        var done = events[2];
        Assert.Equal(QueryStreamEventType.Done, done.Type);
        Assert.Equal("You worked on Project Alpha.", done.Final!.Answer);
        Assert.Equal(6, done.Final.Usage!.OutputTokens);
        Assert.Single(done.Final.Explanation!.RetrievedMemories);
        Assert.Equal(486, done.Final.SynthesisUsage!.Value.GetProperty("total_tokens").GetInt32());
        Assert.Equal(486, done.Raw!.Value.GetProperty("synthesis_usage").GetProperty("total_tokens").GetInt32());
        Assert.True(stream.Completed);
    }

    [Fact]
    public async Task B16_failure_at_open_raises_a_buffered_style_error_before_any_event()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(412, """{"error":"No model provider key configured"}"""));

        var events = new List<QueryStreamEvent>();
        var error = await Assert.ThrowsAsync<EngramException>(async () =>
        {
            await foreach (var e in client.Service.QueryStreamAsync(new QueryRequest("q")))
            {
                events.Add(e);
            }
        });

        Assert.Empty(events);
        Assert.Equal(412, error.Status);
        Assert.Equal("Engram API 412: No model provider key configured", error.Message);
    }

    [Fact]
    public async Task B16_429_twice_then_stream_retries_before_the_body_with_the_asked_waits()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(
            Reply.Json(429, """{"error":"Too many concurrent requests"}""", ("Retry-After", "1")),
            Reply.Json(429, """{"error":"Too many concurrent requests"}""", ("Retry-After", "1")),
            Reply.Sse(B14Body));

        var stream = client.Service.QueryStreamAsync(new QueryRequest("Summarize what I worked on", "work"));
        var events = await Collect(stream);

        Assert.Equal(3, peer.Requests.Count);
        Assert.All(peer.Requests, r => Assert.Equal(peer.Requests[0].BodyText, r.BodyText));
        Assert.Equal(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1) }, client.Delays);
        Assert.Equal(3, events.Count);
        Assert.True(stream.Completed);
    }

    [Fact]
    public async Task Frames_larger_than_64_KiB_arrive_whole_over_http()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        var big = string.Concat(Enumerable.Repeat("explanation text ", 20_000)); // ~340 KB
        peer.Enqueue(Reply.Sse("data: {\"answer\":\"" + big + "\",\"memories_found\":0}\n\ndata: [DONE]\n\n"));

        var stream = client.Service.QueryStreamAsync(new QueryRequest("q"));
        var events = await Collect(stream);

        Assert.Equal(big, Assert.Single(events).Final!.Answer);
        Assert.True(stream.Completed);
    }

    [Fact]
    public async Task Body_cut_off_in_transit_raises_a_transport_error_after_the_delivered_events()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        var partial = "data: {\"choices\":[{\"delta\":{\"content\":\"par\"}}]}\n\ndata: {\"choices\":[{\"de";
        peer.Enqueue(Reply.Truncated(200, "text/event-stream", partial, partial.Length + 500));

        var events = new List<QueryStreamEvent>();
        var stream = client.Service.QueryStreamAsync(new QueryRequest("q"));
        var error = await Assert.ThrowsAsync<EngramException>(async () =>
        {
            await foreach (var e in stream)
            {
                events.Add(e);
            }
        });

        Assert.Equal("par", Assert.Single(events).Content);
        Assert.Equal(0, error.Status);
        Assert.StartsWith("Engram API request failed: ", error.Message);
        Assert.NotNull(error.InnerException);
        Assert.False(stream.Completed);
    }

    [Fact]
    public async Task Connection_closed_before_any_final_frame_is_reported_as_unexpected_end()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Sse("data: {\"choices\":[{\"delta\":{\"content\":\"half an ans\"}}]}\n\n"));

        var events = new List<QueryStreamEvent>();
        var stream = client.Service.QueryStreamAsync(new QueryRequest("q"));
        var error = await Assert.ThrowsAsync<EngramException>(async () =>
        {
            await foreach (var e in stream)
            {
                events.Add(e);
            }
        });

        Assert.Single(events);
        Assert.Equal(0, error.Status);
        Assert.Contains("stream ended unexpectedly", error.Message);
    }

    [Fact]
    public async Task Connection_closed_after_the_final_frame_but_before_done_marker_ends_normally_incomplete()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Sse("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"answer\":\"a\"}\n\n"));

        var stream = client.Service.QueryStreamAsync(new QueryRequest("q"));
        var events = await Collect(stream);

        Assert.Equal(2, events.Count);
        Assert.False(stream.Completed);
    }

    [Fact]
    public async Task Empty_200_stream_yields_nothing_and_is_not_completed()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Sse(""));

        var stream = client.Service.QueryStreamAsync(new QueryRequest("q"));
        var events = await Collect(stream);

        Assert.Empty(events);
        Assert.False(stream.Completed);
    }

    [Fact]
    public async Task Mid_stream_error_frame_raises_status_0_after_the_earlier_deltas()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Sse("data: {\"choices\":[{\"delta\":{\"content\":\"p\"}}]}\n\ndata: {\"error\":\"Synthesis provider timed out\"}\n\n"));

        var events = new List<QueryStreamEvent>();
        var error = await Assert.ThrowsAsync<EngramException>(async () =>
        {
            await foreach (var e in client.Service.QueryStreamAsync(new QueryRequest("q")))
            {
                events.Add(e);
            }
        });

        Assert.Equal("p", Assert.Single(events).Content);
        Assert.Equal(0, error.Status);
        Assert.Equal("Synthesis provider timed out", error.Message);
        Assert.Equal("Synthesis provider timed out", ((JsonElement)error.Body!).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Stopping_early_aborts_the_request_and_closes_the_connection()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.SseThenHold("data: {\"choices\":[{\"delta\":{\"content\":\"first\"}}]}\n\n"));
        var closed = peer.NextConnectionClosed();

        var stream = client.Service.QueryStreamAsync(new QueryRequest("q"));
        await foreach (var e in stream)
        {
            Assert.Equal("first", e.Content);
            break; // disposes the enumerator while the server is still streaming
        }

        // The peer only finishes its reply once it sees the client close the connection.
        await closed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, peer.ClosedConnectionCount);
        Assert.False(stream.Completed);
    }

    [Fact]
    public async Task Cancelling_the_token_given_to_QueryStreamAsync_surfaces_as_cancellation_and_closes_the_connection()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.SseThenHold("data: {\"choices\":[{\"delta\":{\"content\":\"first\"}}]}\n\n"));
        var closed = peer.NextConnectionClosed();
        using var cancel = new CancellationTokenSource();

        var stream = client.Service.QueryStreamAsync(new QueryRequest("q"), cancel.Token);
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in stream)
            {
                cancel.Cancel(); // while the next read waits on the held-open body
            }
        });
        Assert.Equal(cancel.Token, error.CancellationToken);

        await closed.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Cancelling_the_enumerator_token_surfaces_as_cancellation()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.SseThenHold("data: {\"choices\":[{\"delta\":{\"content\":\"first\"}}]}\n\n"));
        using var cancel = new CancellationTokenSource();

        var stream = client.Service.QueryStreamAsync(new QueryRequest("q"));
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in stream.WithCancellation(cancel.Token))
            {
                cancel.Cancel();
            }
        });
        Assert.Equal(cancel.Token, error.CancellationToken);
    }

    [Fact]
    public async Task Stream_deadline_raises_a_status_0_timeout_not_a_cancellation()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer, o => o.StreamTimeout = TimeSpan.FromMilliseconds(300));
        peer.Enqueue(Reply.SseThenHold("data: {\"choices\":[{\"delta\":{\"content\":\"first\"}}]}\n\n"));

        var events = new List<QueryStreamEvent>();
        var error = await Assert.ThrowsAsync<EngramException>(async () =>
        {
            await foreach (var e in client.Service.QueryStreamAsync(new QueryRequest("q")))
            {
                events.Add(e);
            }
        });

        Assert.Single(events);
        Assert.Equal(0, error.Status);
        Assert.Equal("Engram API request failed: request timed out after 0.3s", error.Message);
    }

    [Fact]
    public async Task A_stream_can_be_enumerated_only_once()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Sse("data: [DONE]\n\n"));

        var stream = client.Service.QueryStreamAsync(new QueryRequest("q"));
        await Collect(stream);

        Assert.Throws<InvalidOperationException>(() => stream.GetAsyncEnumerator());
        Assert.Single(peer.Requests);
    }
}
