using System.Text.RegularExpressions;
using Engram.Client;
using Engram.Client.Http;
using Engram.Tests.Unit.Client.Support;
using Xunit;

namespace Engram.Tests.Unit.Client;

/// <summary>Configuration resolution (wire spec §3.1), base URLs, User-Agent and connection reuse.</summary>
public class ClientConfigurationTests
{
    private static Func<string, string?> Env(string? key = null, string? baseUrl = null) => name => name switch
    {
        "ENGRAM_API_KEY" => key,
        "ENGRAM_BASE_URL" => baseUrl,
        _ => null,
    };

    [Fact]
    public void Explicit_values_win_over_environment_which_wins_over_default()
    {
        var explicitSettings = ClientSettings.Resolve(new EngramClientOptions { ApiKey = "k-explicit", BaseUrl = "http://explicit" }, Env("k-env", "http://env"));
        Assert.Equal(("k-explicit", "http://explicit"), (explicitSettings.ApiKey, explicitSettings.BaseUrl));

        var fromEnvironment = ClientSettings.Resolve(new EngramClientOptions(), Env("k-env", "http://env"));
        Assert.Equal(("k-env", "http://env"), (fromEnvironment.ApiKey, fromEnvironment.BaseUrl));

        var defaults = ClientSettings.Resolve(null, Env("k-env"));
        Assert.Equal("https://api.lumetra.io", defaults.BaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(300), defaults.StreamTimeout);
        Assert.Equal(3, defaults.MaxRetriesOn429);
    }

    [Fact]
    public void Empty_strings_count_as_unset()
    {
        var settings = ClientSettings.Resolve(new EngramClientOptions { ApiKey = "", BaseUrl = "" }, Env("k-env", ""));
        Assert.Equal(("k-env", "https://api.lumetra.io"), (settings.ApiKey, settings.BaseUrl));
    }

    [Fact]
    public void Whitespace_only_strings_count_as_unset()
    {
        var settings = ClientSettings.Resolve(new EngramClientOptions { ApiKey = "  ", BaseUrl = " " }, Env("k-env", "\t"));
        Assert.Equal(("k-env", "https://api.lumetra.io"), (settings.ApiKey, settings.BaseUrl));
        Assert.Throws<InvalidOperationException>(() => ClientSettings.Resolve(new EngramClientOptions { ApiKey = " " }, Env(key: "  ")));
    }

    [Fact]
    public void The_service_reports_the_settings_it_resolved()
    {
        using var defaults = new EngramHttpService(new EngramClientOptions { ApiKey = "k", BaseUrl = "http://127.0.0.1:9/prefix//" });
        Assert.Equal("http://127.0.0.1:9/prefix", defaults.BaseUrl.OriginalString);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), 3), (defaults.Timeout, defaults.StreamTimeout, defaults.MaxRetriesOn429));

        using var given = new EngramHttpService(new EngramClientOptions { ApiKey = "k", BaseUrl = "http://127.0.0.1:9", Timeout = TimeSpan.FromSeconds(7), MaxRetriesOn429 = 0 });
        Assert.Equal((TimeSpan.FromSeconds(7), 0), (given.Timeout, given.MaxRetriesOn429));
        Assert.Equal(0, given.WithTimeouts(TimeSpan.FromSeconds(1)).MaxRetriesOn429);
    }

    [Theory]
    [InlineData("https://api.example.com////", "https://api.example.com")]
    [InlineData("https://api.example.com/", "https://api.example.com")]
    [InlineData("http://localhost:8080/engram/", "http://localhost:8080/engram")]
    [InlineData(" http://localhost:8080 ", "http://localhost:8080")]
    public void Trailing_slashes_are_stripped(string given, string expected)
    {
        Assert.Equal(expected, ClientSettings.Resolve(new EngramClientOptions { ApiKey = "k", BaseUrl = given }, Env()).BaseUrl);
    }

    [Fact]
    public void Missing_key_fails_fast_and_says_how_to_pass_one()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ClientSettings.Resolve(new EngramClientOptions { ApiKey = "" }, Env(key: "")));
        Assert.Contains("ENGRAM_API_KEY", error.Message);
        Assert.Contains("ApiKey", error.Message);
    }

    [Theory]
    [InlineData("api.lumetra.io")]
    [InlineData("ftp://host")]
    [InlineData("http://host/path?x=1")]
    [InlineData("not a url")]
    public void Unusable_base_urls_are_rejected_with_guidance(string baseUrl)
    {
        var error = Assert.Throws<ArgumentException>(() => ClientSettings.Resolve(new EngramClientOptions { ApiKey = "k", BaseUrl = baseUrl }, Env()));
        Assert.Contains("ENGRAM_BASE_URL", error.Message);
    }

    [Fact]
    public void Key_with_a_line_break_is_rejected_without_showing_it()
    {
        const string key = "eng_live_PASTED_WITH_NEWLINE\n";
        var error = Assert.Throws<ArgumentException>(() => ClientSettings.Resolve(new EngramClientOptions { ApiKey = key }, Env()));
        Assert.DoesNotContain("PASTED_WITH_NEWLINE", error.ToString());
    }

    [Fact]
    public void Invalid_timeouts_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ClientSettings.Resolve(new EngramClientOptions { ApiKey = "k", Timeout = TimeSpan.Zero }, Env()));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClientSettings.Resolve(new EngramClientOptions { ApiKey = "k", StreamTimeout = TimeSpan.FromSeconds(-1) }, Env()));
        var infinite = ClientSettings.Resolve(new EngramClientOptions { ApiKey = "k", Timeout = Timeout.InfiniteTimeSpan }, Env());
        Assert.Equal(Timeout.InfiniteTimeSpan, infinite.Timeout);
    }

    [Theory]
    [InlineData("/engram")]
    [InlineData("/engram///")]
    [InlineData("/a/b/")]
    public async Task A_base_url_path_prefix_is_kept(string prefix)
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer, o => o.BaseUrl = peer.BaseUrl + prefix);
        peer.Enqueue(Reply.Json(200, """{"buckets":[]}"""), Reply.Json(200, """{"memories":[]}"""));

        await client.Service.ListBucketsAsync();
        await client.Service.ListMemoriesAsync("work", 5, 1);

        var expectedPrefix = prefix.TrimEnd('/');
        Assert.Equal(expectedPrefix + "/v1/buckets", peer.Requests[0].Target);
        Assert.Equal(expectedPrefix + "/v1/buckets/work/memories?limit=5&offset=1", peer.Requests[1].Target);
        Assert.Equal(new Uri(peer.BaseUrl + expectedPrefix), client.Service.BaseUrl);
    }

    [Fact]
    public async Task User_agent_is_engram_dotnet_with_version_plus_suffix_or_replaced()
    {
        await using var peer = new ScriptedHttpPeer();
        peer.Enqueue(Reply.Json(200, "[]"), Reply.Json(200, "[]"), Reply.Json(200, "[]"));
        using (var plain = new PeerClient(peer))
        {
            await plain.Service.ListBucketsAsync();
        }

        using (var suffixed = new PeerClient(peer, o => o.UserAgentSuffix = "engram-powershell/0.1.0"))
        {
            await suffixed.Service.ListBucketsAsync();
        }

        using (var replaced = new PeerClient(peer, o => { o.UserAgent = "my-agent/2.0"; o.UserAgentSuffix = "ignored/1"; }))
        {
            await replaced.Service.ListBucketsAsync();
        }

        var agents = peer.Requests.Select(r => r.Header("User-Agent")!).ToList();
        Assert.Matches(new Regex(@"^engram-dotnet/\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$"), agents[0]);
        Assert.Equal(agents[0] + " engram-powershell/0.1.0", agents[1]);
        Assert.Equal("my-agent/2.0", agents[2]);
        Assert.Equal("engram-dotnet/" + UserAgent.ClientVersion, agents[0]);
    }

    [Fact]
    public void User_agent_with_a_line_break_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new EngramHttpService(new EngramClientOptions { ApiKey = "k", UserAgentSuffix = "x\r\nInjected: 1" }));
    }

    [Fact]
    public async Task Sequential_calls_reuse_one_connection_even_after_a_429()
    {
        await using var peer = new ScriptedHttpPeer();
        using var client = new PeerClient(peer);
        peer.Enqueue(
            Reply.Json(200, """{"buckets":[]}"""),
            Reply.Json(429, """{"error":"Too many concurrent requests"}""", ("Retry-After", "0")),
            Reply.Json(200, """{"id":"m"}"""),
            Reply.Json(404, """{"error":"Bucket not found"}"""),
            Reply.Empty(204));

        await client.Service.ListBucketsAsync();
        await client.Service.StoreMemoryAsync("b", "c");
        await Assert.ThrowsAsync<EngramException>(() => client.Service.GetProfileAsync("b"));
        await client.Service.DeleteMemoryAsync("b", "m");

        Assert.Equal(5, peer.Requests.Count);
        Assert.Equal(1, peer.ConnectionCount);
        Assert.All(peer.Requests, r => Assert.Equal(1, r.ConnectionId));
    }

    [Fact]
    public async Task A_given_handler_is_used_and_not_disposed()
    {
        await using var peer = new ScriptedHttpPeer();
        var handler = new CountingHandler();
        var client = new PeerClient(peer, o => o.Handler = handler);
        peer.Enqueue(Reply.Json(200, "[]"), Reply.Json(200, "[]"));

        await client.Service.ListBucketsAsync();
        client.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.Service.ListBucketsAsync());

        // Still usable by its owner after the service is gone.
        using var other = new HttpClient(handler, disposeHandler: false);
        var response = await other.GetAsync(peer.BaseUrl + "/v1/buckets");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(2, handler.Calls);
        handler.Dispose();
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        public CountingHandler() : base(new HttpClientHandler()) { }

        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>Tests that change process environment variables run alone (other tests run in parallel).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentVariableCollection
{
    public const string Name = "Process environment variables";
}

[Collection(EnvironmentVariableCollection.Name)]
public class ClientEnvironmentTests
{
    private static async Task WithEnvironment(string? key, string? baseUrl, Func<Task> body)
    {
        var savedKey = Environment.GetEnvironmentVariable("ENGRAM_API_KEY");
        var savedUrl = Environment.GetEnvironmentVariable("ENGRAM_BASE_URL");
        try
        {
            Environment.SetEnvironmentVariable("ENGRAM_API_KEY", key);
            Environment.SetEnvironmentVariable("ENGRAM_BASE_URL", baseUrl);
            await body();
        }
        finally
        {
            Environment.SetEnvironmentVariable("ENGRAM_API_KEY", savedKey);
            Environment.SetEnvironmentVariable("ENGRAM_BASE_URL", savedUrl);
        }
    }

    [Fact]
    public async Task Key_and_base_url_come_from_the_environment_when_not_given()
    {
        await using var peer = new ScriptedHttpPeer();
        peer.Enqueue(Reply.Json(200, "[]"));

        await WithEnvironment("eng_live_from_env", peer.BaseUrl + "/prefix//", async () =>
        {
            using var service = new EngramHttpService();
            await service.ListBucketsAsync();
        });

        Assert.Equal("/prefix/v1/buckets", peer.SingleRequest.Target);
        Assert.Equal("Bearer eng_live_from_env", peer.SingleRequest.Header("Authorization"));
    }

    [Fact]
    public async Task Explicit_options_beat_the_environment()
    {
        await using var peer = new ScriptedHttpPeer();
        peer.Enqueue(Reply.Json(200, "[]"));

        await WithEnvironment("eng_live_from_env", "http://127.0.0.1:1", async () =>
        {
            using var service = new EngramHttpService(new EngramClientOptions { ApiKey = "eng_live_explicit", BaseUrl = peer.BaseUrl });
            await service.ListBucketsAsync();
        });

        Assert.Equal("Bearer eng_live_explicit", peer.SingleRequest.Header("Authorization"));
    }

    [Fact]
    public async Task No_key_anywhere_fails_at_construction_and_defaults_to_the_hosted_url_otherwise()
    {
        await WithEnvironment(null, null, () =>
        {
            var error = Assert.Throws<InvalidOperationException>(() => new EngramHttpService());
            Assert.Contains("ENGRAM_API_KEY", error.Message);
            using var service = new EngramHttpService(new EngramClientOptions { ApiKey = "k" });
            Assert.Equal(new Uri("https://api.lumetra.io"), service.BaseUrl);
            return Task.CompletedTask;
        });
    }
}
