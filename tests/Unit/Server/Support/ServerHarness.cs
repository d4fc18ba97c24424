using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Engram.Local;
using Engram.Server;

namespace Engram.Tests.Unit.Server.Support;

/// <summary>Which official client a request imitates (wire spec §3.3, §13, §14).</summary>
public enum ClientStyle
{
    /// <summary>Go 0.5.1: Accept application/json; Content-Type only when a body is sent.</summary>
    Go,

    /// <summary>Python 0.4.1: Accept application/json; Content-Type on every request, even without a body.</summary>
    Python,

    /// <summary>JS 0.5.0: no Accept header at all; Content-Type on every request.</summary>
    JavaScript,

    /// <summary>JS under a runtime that fills in <c>Accept: */*</c>.</summary>
    JavaScriptStarAccept,
}

/// <summary>A response as the test saw it on the wire.</summary>
public sealed class WireResponse
{
    public required int Status { get; init; }

    public required string Body { get; init; }

    public required HttpResponseHeaders Headers { get; init; }

    public required HttpContentHeaders ContentHeaders { get; init; }

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Header(string name) =>
        Headers.TryGetValues(name, out var v) ? string.Join(",", v) : ContentHeaders.TryGetValues(name, out var c) ? string.Join(",", c) : null;
}

/// <summary>
/// A real <see cref="LocalEngine"/> (in-memory SQLite or a temp file) behind a started <see cref="LocalEngramServer"/>,
/// plus an HttpClient that sends requests shaped like each official client.
/// </summary>
public sealed class ServerHarness : IDisposable
{
    public const string Key = "eng_live_test_key";

    private ServerHarness(LocalEngine engine, LocalEngramServer server, LocalServerOptions options)
    {
        Engine = engine;
        Server = server;
        Options = options;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
    }

    public LocalEngine Engine { get; }

    public LocalEngramServer Server { get; }

    public LocalServerOptions Options { get; }

    public HttpClient Http { get; }

    public string BaseUrl => Server.BaseUrl.ToString().TrimEnd('/');

    /// <summary>The in-process view of the default test tenant, for checking what the server stored.</summary>
    public LocalEngramService Tenant => Engine.ForTenant("t1");

    public static ServerHarness Start(Action<LocalServerOptions>? configure = null, LocalEngine? engine = null)
    {
        var options = new LocalServerOptions();
        options.ApiKeys[Key] = "t1";
        configure?.Invoke(options);
        engine ??= LocalEngine.Open(new LocalEngineOptions { InMemory = true });
        var server = new LocalEngramServer(engine, options);
        server.Start();
        return new ServerHarness(engine, server, options);
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? body = null, ClientStyle style = ClientStyle.Go, string? key = Key)
    {
        var request = new HttpRequestMessage(method, BaseUrl + path);
        if (key != null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        }

        switch (style)
        {
            case ClientStyle.Go:
                request.Headers.TryAddWithoutValidation("Accept", "application/json");
                request.Headers.TryAddWithoutValidation("User-Agent", "engram-go/0.5.1");
                break;
            case ClientStyle.Python:
                request.Headers.TryAddWithoutValidation("Accept", "application/json");
                request.Headers.TryAddWithoutValidation("User-Agent", "engram-python/0.4.1");
                break;
            case ClientStyle.JavaScript:
                request.Headers.TryAddWithoutValidation("User-Agent", "engram-js/0.5.0");
                break;
            case ClientStyle.JavaScriptStarAccept:
                request.Headers.TryAddWithoutValidation("Accept", "*/*");
                request.Headers.TryAddWithoutValidation("User-Agent", "engram-js/0.5.0");
                break;
        }

        var contentTypeAlways = style != ClientStyle.Go;
        if (body != null || contentTypeAlways)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body ?? ""));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        }

        return request;
    }

    public async Task<WireResponse> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        return new WireResponse
        {
            Status = (int)response.StatusCode,
            Body = await response.Content.ReadAsStringAsync(),
            Headers = response.Headers,
            ContentHeaders = response.Content.Headers,
        };
    }

    public Task<WireResponse> SendAsync(HttpMethod method, string path, string? body = null, ClientStyle style = ClientStyle.Go, string? key = Key) =>
        SendAsync(Request(method, path, body, style, key));

    public Task<WireResponse> GetAsync(string path, ClientStyle style = ClientStyle.Go) => SendAsync(HttpMethod.Get, path, null, style);

    public Task<WireResponse> PostAsync(string path, string body, ClientStyle style = ClientStyle.Go) => SendAsync(HttpMethod.Post, path, body, style);

    public Task<WireResponse> DeleteAsync(string path, ClientStyle style = ClientStyle.Go) => SendAsync(HttpMethod.Delete, path, null, style);

    /// <summary>Contents of a bucket as the engine holds them (in-process), newest first.</summary>
    public async Task<IReadOnlyList<string>> StoredContents(string bucket)
    {
        var page = await Tenant.ListMemoriesAsync(bucket, 100, 0);
        return page.Memories.Select(m => m.Content).ToList();
    }

    public void Dispose()
    {
        Http.Dispose();
        Server.Dispose();
        Engine.Dispose();
    }
}
