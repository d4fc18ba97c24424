using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Engram.Client;
using Engram.Client.Diagnostics;
using Engram.Tests.Unit.Client.Support;
using Xunit;

namespace Engram.Tests.Unit.Client;

/// <summary>Error statuses, bodies and messages (wire spec §9.2, B.20), timeouts, and keeping the key secret.</summary>
public class ClientErrorTests
{
    [Theory]
    [InlineData(401, """{"error":"Invalid API key"}""", "application/json", "Engram API 401: Invalid API key")]
    [InlineData(412, """{"error":"BYOK not configured"}""", "application/json", "Engram API 412: BYOK not configured")]
    [InlineData(404, """{"error":{"code":"X","message":"Y"}}""", "application/json", """Engram API 404: {"code":"X","message":"Y"}""")]
    [InlineData(404, """{ "error" : { "code" : "X" } }""", "application/json", """Engram API 404: {"code":"X"}""")]
    [InlineData(400, """{"message":"no error key"}""", "application/json", """Engram API 400: {"message":"no error key"}""")]
    [InlineData(400, "\"just a string\"", "application/json", "Engram API 400: just a string")]
    public async Task B20_json_error_bodies(int status, string body, string contentType, string expectedMessage)
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Text(status, body, contentType));

        var error = await Assert.ThrowsAsync<EngramException>(() => client.Service.ListBucketsAsync());

        Assert.Equal(status, error.Status);
        Assert.Equal(expectedMessage, error.Message);
        var parsed = Assert.IsType<JsonElement>(error.Body);
        Assert.Equal(JsonDocument.Parse(body).RootElement.ValueKind, parsed.ValueKind);
    }

    [Theory]
    [InlineData(500, "upstream timeout", "text/plain", "Engram API 500: upstream timeout")]
    [InlineData(500, "<html>500</html>", "text/html", "Engram API 500: <html>500</html>")]
    public async Task B20_text_error_bodies_are_kept_as_strings(int status, string body, string contentType, string expectedMessage)
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Text(status, body, contentType));

        var error = await Assert.ThrowsAsync<EngramException>(() => client.Service.ListBucketsAsync());

        Assert.Equal(status, error.Status);
        Assert.Equal(expectedMessage, error.Message);
        Assert.Equal(body, Assert.IsType<string>(error.Body));
        Assert.Null(error.Code);
    }

    [Fact]
    public async Task B20_empty_error_body_has_no_colon_and_no_body()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Empty(502));

        var error = await Assert.ThrowsAsync<EngramException>(() => client.Service.ListBucketsAsync());

        Assert.Equal(502, error.Status);
        Assert.Equal("Engram API 502", error.Message);
        Assert.Null(error.Body);
    }

    [Fact]
    public async Task Error_code_is_read_from_the_body()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(404, """{"error":"Bucket not found","code":"BUCKET_NOT_FOUND"}"""));

        var error = await Assert.ThrowsAsync<EngramException>(() => client.Service.GetProfileAsync("nope"));

        Assert.Equal("BUCKET_NOT_FOUND", error.Code);
        Assert.Equal("Bucket not found", ((JsonElement)error.Body!).GetProperty("error").GetString());
    }

    [Fact]
    public async Task B20_connection_refused_is_a_status_0_transport_error_with_the_cause()
    {
        var port = FreePort();
        using var service = new EngramHttpService(new EngramClientOptions { ApiKey = PeerClient.ApiKey, BaseUrl = "http://127.0.0.1:" + port });

        var error = await Assert.ThrowsAsync<EngramException>(() => service.ListBucketsAsync());

        Assert.Equal(0, error.Status);
        Assert.StartsWith("Engram API request failed: ", error.Message);
        Assert.True(error.Message.Length > "Engram API request failed: ".Length);
        Assert.Null(error.Body);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out_with_a_status_0_error()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer, o => o.Timeout = TimeSpan.FromMilliseconds(200));
        peer.Enqueue(Reply.Stall());

        var error = await Assert.ThrowsAsync<EngramException>(() => client.Service.ListBucketsAsync());

        Assert.Equal(0, error.Status);
        Assert.Equal("Engram API request failed: request timed out after 0.2s", error.Message);
    }

    [Fact]
    public async Task A_body_that_stalls_midway_also_times_out()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer, o => o.Timeout = TimeSpan.FromMilliseconds(200));
        peer.Enqueue(Reply.StallInBody(100));

        var error = await Assert.ThrowsAsync<EngramException>(() => client.Service.ListBucketsAsync());

        Assert.Equal(0, error.Status);
        Assert.Contains("timed out", error.Message);
    }

    [Fact]
    public async Task Per_call_timeouts_come_from_a_view_sharing_the_connection()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Json(200, """{"buckets":[]}"""), Reply.Stall());

        await client.Service.ListBucketsAsync();
        var quick = client.Service.WithTimeouts(timeout: TimeSpan.FromMilliseconds(150));
        var error = await Assert.ThrowsAsync<EngramException>(() => quick.ListBucketsAsync());
        quick.Dispose(); // a view does not own the connection pool

        Assert.Equal("Engram API request failed: request timed out after 0.15s", error.Message);
        Assert.Equal(TimeSpan.FromSeconds(30), client.Service.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(150), quick.Timeout);
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Service.WithTimeouts(TimeSpan.Zero));
    }

    [Fact]
    public async Task Caller_cancellation_is_cancellation_not_a_timeout()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(Reply.Stall());
        using var cancel = new CancellationTokenSource();

        var call = client.Service.ListBucketsAsync(cancel.Token);
        while (peer.Requests.Count == 0)
        {
            await Task.Delay(10);
        }

        cancel.Cancel();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(cancel.Token, error.CancellationToken);
    }

    [Fact]
    public async Task Already_cancelled_token_sends_nothing()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Service.ListBucketsAsync(new CancellationToken(true)));

        Assert.Empty(peer.Requests);
    }

    [Fact]
    public async Task The_key_never_appears_in_errors_strings_or_traces()
    {
        const string key = "eng_live_SECRET_KEY_7f3a9c";
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer, o => o.ApiKey = key);
        // A careless server that echoes the key back in every kind of error.
        peer.Enqueue(
            Reply.Json(401, "{\"error\":\"Invalid API key " + key + "\"}"),
            Reply.Text(500, "bad auth header Bearer " + key),
            Reply.Sse("data: {\"error\":\"key " + key + " revoked\"}\n\n"));
        var traces = new List<EngramRequestTrace>();
        var texts = new List<string>();

        using (EngramTrace.Listen(t => { lock (traces) traces.Add(t); }))
        {
            var unauthorized = await Assert.ThrowsAsync<EngramException>(() => client.Service.ListBucketsAsync());
            var text = await Assert.ThrowsAsync<EngramException>(() => client.Service.StoreMemoryAsync("b", "c"));
            var streamed = await Assert.ThrowsAsync<EngramException>(async () =>
            {
                await foreach (var _ in client.Service.QueryStreamAsync(new QueryRequest("q")))
                {
                }
            });
            Assert.Equal(401, unauthorized.Status);
            foreach (var e in new[] { unauthorized, text, streamed })
            {
                texts.Add(e.Message);
                texts.Add(e.ToString());
                texts.Add(e.Body is JsonElement json ? json.GetRawText() : e.Body?.ToString() ?? "");
            }
        }

        var refusedOptions = new EngramClientOptions { ApiKey = key, BaseUrl = "http://127.0.0.1:" + FreePort() };
        using (var refused = new EngramHttpService(refusedOptions))
        {
            var transport = await Assert.ThrowsAsync<EngramException>(() => refused.ListBucketsAsync());
            texts.Add(transport.ToString());
            texts.Add(refused.ToString());
        }

        texts.Add(client.Service.ToString());
        texts.Add(client.Options.ToString());
        texts.Add(refusedOptions.ToString());
        texts.AddRange(traces.Select(t => string.Join("|", t.Method, t.Path, t.RequestBody, t.ResponseBody, t.ToString())));

        Assert.Equal(3, traces.Count);
        Assert.All(texts, t => Assert.DoesNotContain(key, t));
        Assert.Contains("***", client.Options.ToString());
        Assert.Contains(peer.BaseUrl, client.Service.ToString());
        // The key did go out where it belongs.
        Assert.All(peer.Requests, r => Assert.Equal("Bearer " + key, r.Header("Authorization")));
    }

    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
