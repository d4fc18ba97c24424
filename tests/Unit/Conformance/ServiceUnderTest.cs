using Engram.Client;
using Engram.Local;
using Engram.Server;

namespace Engram.Tests.Unit.Conformance;

/// <summary>
/// One way of reaching the engine through <see cref="IEngramService"/>: directly in-process, or over real
/// loopback HTTP (EngramHttpService → LocalEngramServer → the same engine). Both see tenant "t1".
/// </summary>
public abstract class ServiceUnderTest : IDisposable
{
    public const string Tenant = "t1";

    protected ServiceUnderTest()
    {
        Engine = LocalEngine.Open(new LocalEngineOptions { InMemory = true });
    }

    public LocalEngine Engine { get; }

    public abstract IEngramService Service { get; }

    public abstract string Name { get; }

    /// <summary>Installs the bucket profiler the way this path's user would.</summary>
    public abstract Task InstallProfilerAsync(string bucket);

    public static ServiceUnderTest InProcess() => new InProcessService();

    public static ServiceUnderTest OverHttp() => new HttpService();

    public virtual void Dispose() => Engine.Dispose();

    public override string ToString() => Name;

    private sealed class InProcessService : ServiceUnderTest
    {
        private readonly LocalEngramService _service;

        public InProcessService()
        {
            _service = Engine.ForTenant(Tenant);
        }

        public override IEngramService Service => _service;

        public override string Name => "in-process";

        public override Task InstallProfilerAsync(string bucket) => _service.InstallProfilerAsync(bucket);
    }

    private sealed class HttpService : ServiceUnderTest
    {
        private const string Key = "eng_live_conformance_key";
        private readonly LocalEngramServer _server;
        private readonly EngramHttpService _client;
        private readonly HttpClient _admin = new();

        public HttpService()
        {
            var options = new LocalServerOptions();
            options.ApiKeys[Key] = Tenant;
            _server = new LocalEngramServer(Engine, options);
            _server.Start();
            _client = new EngramHttpService(new EngramClientOptions { ApiKey = Key, BaseUrl = _server.BaseUrl.ToString() });
            _admin.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + Key);
        }

        public override IEngramService Service => _client;

        public override string Name => "over-http";

        public override async Task InstallProfilerAsync(string bucket)
        {
            using var response = await _admin.PostAsync(_server.BaseUrl + "_local/buckets/" + Uri.EscapeDataString(bucket) + "/profiler", null);
            response.EnsureSuccessStatusCode();
        }

        public override void Dispose()
        {
            _client.Dispose();
            _admin.Dispose();
            _server.Dispose();
            base.Dispose();
        }
    }
}
