using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Server.Routing;
using Engram.Server.Transport;
using Engram.Server.Wire;

namespace Engram.Server.Endpoints
{
    /// <summary>Everything an endpoint needs for one authenticated, admitted request.</summary>
    internal sealed class EndpointContext
    {
        public EndpointContext(IHttpExchange http, RouteMatch route, string tenant, IEngramService service,
            ServerSettings settings, CancellationToken cancellationToken)
        {
            Http = http;
            Route = route;
            Tenant = tenant;
            Service = service;
            Settings = settings;
            CancellationToken = cancellationToken;
        }

        public IHttpExchange Http { get; }

        public RouteMatch Route { get; }

        public string Tenant { get; }

        /// <summary>The engine seen through this tenant only.</summary>
        public IEngramService Service { get; }

        public ServerSettings Settings { get; }

        /// <summary>Cancelled when the server stops.</summary>
        public CancellationToken CancellationToken { get; }

        /// <summary>The bucket segment; routing guarantees it is non-empty for routes that have one.</summary>
        public string Bucket => Route.Bucket!;

        public Task<byte[]> ReadBodyAsync() =>
            RequestBodyReader.ReadAsync(Http.Request, Settings.Options.MaxRequestBodyBytes, CancellationToken);

        public Task RespondAsync(int status, byte[] json) =>
            JsonResponder.SendAsync(Http.Response, status, json, CancellationToken);
    }
}
