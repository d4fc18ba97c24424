using System.Net.Sockets;
using Engram.Local;
using Engram.Server;
using Engram.Tests.Unit.Local;
using Engram.Tests.Unit.Server.Support;
using Xunit;

namespace Engram.Tests.Unit.Server;

/// <summary>Start, stop, ports, keys and tenants of <see cref="LocalEngramServer"/>.</summary>
public class ServerLifecycleTests
{
    [Fact]
    public async Task Port_zero_picks_a_free_loopback_port_and_the_base_url_names_it()
    {
        using var engine = LocalEngine.Open(new LocalEngineOptions { InMemory = true });
        using var server = new LocalEngramServer(engine);

        Assert.False(server.IsRunning);
        Assert.Throws<InvalidOperationException>(() => server.BaseUrl);
        server.Start();
        server.Start();

        Assert.True(server.IsRunning);
        Assert.InRange(server.Port, 1, 65535);
        Assert.Equal("http://127.0.0.1:" + server.Port + "/", server.BaseUrl.ToString());
        using var http = new HttpClient();
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + server.ApiKey);
        Assert.Equal(200, (int)(await http.GetAsync(server.BaseUrl + "v1/buckets")).StatusCode);
    }

    [Fact]
    public async Task A_generated_key_is_random_hex_and_belongs_to_the_local_tenant()
    {
        using var engine = LocalEngine.Open(new LocalEngineOptions { InMemory = true });
        using var first = new LocalEngramServer(engine);
        using var second = new LocalEngramServer(engine);
        first.Start();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + first.ApiKey);

        var stored = await http.PostAsync(first.BaseUrl + "v1/buckets/b/memories", new StringContent("{\"content\":\"local fact\"}"));

        Assert.Matches("^eng_local_[0-9a-f]{32}$", first.ApiKey);
        Assert.NotEqual(first.ApiKey, second.ApiKey);
        Assert.Equal(200, (int)stored.StatusCode);
        Assert.Equal("local fact", (await engine.ForTenant(LocalEngine.DefaultTenant).ListMemoriesAsync("b")).Memories.Single().Content);
    }

    [Fact]
    public async Task A_configured_port_is_used_and_the_server_restarts_on_it_with_its_data()
    {
        using var folder = new TempFolder();
        using var engine = Engines.OnFile(folder);
        var options = new LocalServerOptions { Port = FreePort() };
        options.ApiKeys[ServerHarness.Key] = "t1";
        using var server = new LocalEngramServer(engine, options);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + ServerHarness.Key);

        server.Start();
        Assert.Equal(options.Port, server.Port);
        await http.PostAsync(server.BaseUrl + "v1/buckets/b/memories", new StringContent("{\"content\":\"survives a restart\"}"));
        await server.StopAsync();

        Assert.False(server.IsRunning);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(server.BaseUrl + "v1/buckets"));

        server.Start();
        var listed = await http.GetStringAsync(server.BaseUrl + "v1/buckets/b/memories");

        Assert.Equal(options.Port, server.Port);
        Assert.Contains("survives a restart", listed);
    }

    [Fact]
    public async Task A_port_in_use_fails_start_with_a_clear_message()
    {
        var busy = new TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        try
        {
            using var engine = LocalEngine.Open(new LocalEngineOptions { InMemory = true });
            using var server = new LocalEngramServer(engine, new LocalServerOptions { Port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port });

            var error = Assert.Throws<InvalidOperationException>(() => server.Start());

            Assert.Contains("Choose another port", error.Message);
            Assert.False(server.IsRunning);
        }
        finally
        {
            busy.Stop();
        }

        await Task.CompletedTask;
    }

    [Fact]
    public async Task Two_keys_are_two_tenants_that_never_see_each_others_data()
    {
        const string keyB = "eng_live_tenant_b";
        using var h = ServerHarness.Start(o => o.ApiKeys[keyB] = "t2");
        var id = (await h.PostAsync("/v1/buckets/shared/memories", "{\"content\":\"Tenant A secret plan for Project Alpha.\"}")).Json.GetProperty("id").GetString();

        var bBuckets = await h.SendAsync(HttpMethod.Get, "/v1/buckets", key: keyB);
        var bList = await h.SendAsync(HttpMethod.Get, "/v1/buckets/shared/memories", key: keyB);
        var bQuery = await h.SendAsync(HttpMethod.Post, "/v1/query", "{\"query\":\"Project Alpha secret plan\",\"buckets\":[\"shared\"]}", key: keyB);
        var bDelete = await h.SendAsync(HttpMethod.Delete, "/v1/buckets/shared/memories/" + id, key: keyB);
        var bClear = await h.SendAsync(HttpMethod.Delete, "/v1/buckets/shared/memories", key: keyB);
        var bCreate = await h.SendAsync(HttpMethod.Post, "/v1/buckets", "{\"name\":\"shared\"}", key: keyB);

        Assert.Equal("{\"buckets\":[],\"total\":0}", bBuckets.Body);
        Assert.Equal(0, bList.Json.GetProperty("total").GetInt32());
        Assert.Equal(0, bQuery.Json.GetProperty("memories_found").GetInt32());
        Assert.DoesNotContain("secret", bQuery.Body);
        Assert.Equal(404, bDelete.Status);
        Assert.Equal(0, bClear.Json.GetProperty("cleared_count").GetInt32());
        Assert.Equal(201, bCreate.Status);
        Assert.Equal(new[] { "Tenant A secret plan for Project Alpha." }, await h.StoredContents("shared"));
    }

    [Fact]
    public async Task Keys_never_appear_in_any_response_or_in_ToString()
    {
        using var h = ServerHarness.Start();
        var bodies = new List<string>
        {
            (await h.PostAsync("/v1/buckets/b/memories", "{\"content\":\"fact\"}")).Body,
            (await h.GetAsync("/v1/buckets")).Body,
            (await h.GetAsync("/v1/nowhere")).Body,
            (await h.PostAsync("/v1/buckets/b/memories", "{\"content\":")).Body,
            (await h.SendAsync(HttpMethod.Get, "/v1/buckets", key: ServerHarness.Key + "-wrong")).Body,
            (await h.PostAsync("/v1/query", "{\"query\":\"fact\",\"bucket\":\"b\"}")).Body,
        };

        Assert.All(bodies, b => Assert.DoesNotContain(ServerHarness.Key, b));
        Assert.DoesNotContain(ServerHarness.Key, h.Server.ToString());
        Assert.Contains(h.Server.Port.ToString(), h.Server.ToString());

        using var generated = new LocalEngramServer(h.Engine);
        Assert.DoesNotContain(generated.ApiKey, generated.ToString());
        Assert.DoesNotContain("eng_", generated.ToString());
    }

    [Fact]
    public async Task Stop_lets_an_in_flight_stream_finish_within_the_grace_period()
    {
        using var h = ServerHarness.Start(o =>
        {
            o.Faults.PauseStreamsAfterFirstDelta = true;
            o.PausedStreamKeepAliveInterval = TimeSpan.FromMilliseconds(20);
            o.ShutdownGracePeriod = TimeSpan.FromSeconds(60);
        });
        await h.PostAsync("/v1/buckets/work/memories", "{\"content\":\"Project Alpha deadline is 2026-10-15 and the review is one week later.\"}");
        using var held = await SseFrameReader.OpenAsync(h, "{\"query\":\"Project Alpha deadline review\",\"bucket\":\"work\",\"stream\":true}");
        Assert.StartsWith("data: {", await held.NextDataAsync());

        var stopping = h.Server.StopAsync();
        Assert.False(h.Server.IsRunning);
        h.Options.Faults.ReleasePausedStreams();
        var rest = await held.RestAsync();
        await stopping;

        Assert.Equal("data: [DONE]", rest[^1]);
    }

    [Fact]
    public async Task Stop_cuts_a_held_stream_after_the_grace_period_with_an_error_frame_and_no_done()
    {
        using var h = ServerHarness.Start(o =>
        {
            o.Faults.PauseStreamsAfterFirstDelta = true;
            o.PausedStreamKeepAliveInterval = TimeSpan.FromMilliseconds(20);
            o.ShutdownGracePeriod = TimeSpan.Zero;
        });
        await h.PostAsync("/v1/buckets/work/memories", "{\"content\":\"Project Alpha deadline is 2026-10-15 and the review is one week later.\"}");
        using var held = await SseFrameReader.OpenAsync(h, "{\"query\":\"Project Alpha deadline review\",\"bucket\":\"work\",\"stream\":true}");
        Assert.StartsWith("data: {", await held.NextDataAsync());

        await h.Server.StopAsync();
        var rest = string.Join("\n\n", await ReadRestTolerantAsync(held));

        Assert.False(h.Server.IsRunning);
        Assert.Contains("data: {\"error\":\"Server is shutting down\"}", rest);
        Assert.DoesNotContain("[DONE]", rest);
    }

    [Fact]
    public async Task WaitForShutdown_stops_the_server_when_its_token_fires_and_returns_when_stopped_elsewhere()
    {
        using var h = ServerHarness.Start();
        using var cts = new CancellationTokenSource();

        var waiting = h.Server.WaitForShutdownAsync(cts.Token);
        Assert.False(waiting.IsCompleted);
        cts.Cancel();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(h.Server.IsRunning);

        h.Server.Start();
        var second = h.Server.WaitForShutdownAsync(CancellationToken.None);
        await h.Server.StopAsync();
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(h.Server.IsRunning);
    }

    [Fact]
    public void Disposing_a_running_server_stops_it_and_start_afterwards_is_refused()
    {
        using var engine = LocalEngine.Open(new LocalEngineOptions { InMemory = true });
        var server = new LocalEngramServer(engine);
        server.Start();

        server.Dispose();
        server.Dispose();

        Assert.False(server.IsRunning);
        Assert.Throws<ObjectDisposedException>(() => server.Start());
    }

    private static async Task<List<string>> ReadRestTolerantAsync(SseFrameReader reader)
    {
        try
        {
            return await reader.RestAsync();
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // A cut connection is an acceptable end of a held stream.
            return new List<string> { reader.Received.ToString() };
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
