using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Server.Routing;
using Engram.Server.Transport;
using Engram.Server.Wire;

namespace Engram.Server.Endpoints
{
    /// <summary>Everything an endpoint needs for one authenticated, admitted request.</summary>
    /// <param name="Http">The exchange the answer goes to.</param>
    /// <param name="Route">The resolved route, with its decoded segments and query.</param>
    /// <param name="Tenant">The tenant of the request's API key.</param>
    /// <param name="Service">The engine seen through this tenant only.</param>
    /// <param name="Settings">The server-wide parts endpoints share.</param>
    /// <param name="CancellationToken">Cancelled when the server stops.</param>
    internal sealed record EndpointContext(IHttpExchange Http, RouteMatch Route, string Tenant, IEngramService Service,
        ServerSettings Settings, CancellationToken CancellationToken)
    {
        /// <summary>The bucket segment; routing guarantees it is non-empty for routes that have one.</summary>
        public string Bucket => Route.Bucket!;

        public Task<byte[]> ReadBodyAsync() =>
            RequestBodyReader.ReadAsync(Http.Request, Settings.Options.MaxRequestBodyBytes, CancellationToken);

        public Task RespondAsync(int status, byte[] json) =>
            JsonResponder.SendAsync(Http.Response, status, json, CancellationToken);
    }
}
