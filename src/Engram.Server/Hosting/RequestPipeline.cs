using System;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Local.Validation;
using Engram.Server.Auth;
using Engram.Server.Endpoints;
using Engram.Server.Routing;
using Engram.Server.Throttling;
using Engram.Server.Transport;
using Engram.Server.Wire;

namespace Engram.Server.Hosting
{
    /// <summary>
    /// One request, start to end: authenticate, route, admit (429 before any work), dispatch, and turn every
    /// failure into a JSON error — never a stack trace, never a key.
    /// </summary>
    internal sealed class RequestPipeline
    {
        private readonly ApiKeyRegistry _keys;
        private readonly TenantConcurrencyLimiter _limiter;
        private readonly Func<string, IEngramService> _serviceForTenant;
        private readonly ServerSettings _settings;

        public RequestPipeline(ApiKeyRegistry keys, TenantConcurrencyLimiter limiter, Func<string, IEngramService> serviceForTenant, ServerSettings settings)
        {
            _keys = keys;
            _limiter = limiter;
            _serviceForTenant = serviceForTenant;
            _settings = settings;
        }

        public async Task ProcessAsync(IHttpExchange exchange, CancellationToken serverStopping)
        {
            var http = new StatusRecordingExchange(exchange);
            var started = System.Diagnostics.Stopwatch.StartNew();
            string? correlationId = null;
            try
            {
                await HandleAsync(http, serverStopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (http.IsClientGone(ex))
            {
                // The client hung up; nothing to answer. Noted after its concurrency slot was released.
                _settings.Trace("client disconnected; request abandoned");
            }
            catch (OperationCanceledException) when (serverStopping.IsCancellationRequested)
            {
                await TrySendErrorAsync(http, EngineErrors.ShuttingDown()).ConfigureAwait(false);
            }
            catch (EngramException ex) when (ex.Status >= 400 && ex.Status <= 499)
            {
                // A refusal the caller can act on (bad input, missing bucket, …): its message and code go out as is.
                await TrySendErrorAsync(http, ex).ConfigureAwait(false);
            }
            catch (Exception ex) when (Engram.Local.Storage.StorageFaults.TryMap(ex, out var storage))
            {
                _settings.Trace("request failed: storage: " + ex.GetType().Name);
                await TrySendErrorAsync(http, storage!).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A real bug. Details stay on the server, under an id the client's answer and the log share;
                // the client learns only that it was not its fault.
                correlationId = Guid.NewGuid().ToString("N").Substring(0, 12);
                _settings.Trace("request failed: " + ex.GetType().FullName);
                _settings.Log(RequestLogLine.Note("request failed: " + FailureSummary.Of(ex), correlationId));
                http.Response.SetHeader("X-Correlation-Id", correlationId);
                await TrySendErrorAsync(http, EngineErrors.Internal()).ConfigureAwait(false);
            }
            finally
            {
                TryClose(http);
                var request = http.Request;
                _settings.Log(RequestLogLine.Request(request.Method, request.RawTarget, http.Status, started.Elapsed,
                    _keys.Authenticate(request.Header("Authorization")), correlationId));
            }
        }

        private async Task HandleAsync(IHttpExchange http, CancellationToken serverStopping)
        {
            var request = http.Request;
            var response = http.Response;
            if (!LoopbackHost.IsAllowed(request.Header("Host")))
            {
                await JsonResponder.SendErrorAsync(response, EngineErrors.MisdirectedHost(), serverStopping).ConfigureAwait(false);
                return;
            }

            var tenant = _keys.Authenticate(request.Header("Authorization"));
            if (tenant == null)
            {
                await JsonResponder.SendErrorAsync(response, EngineErrors.InvalidApiKey(), serverStopping).ConfigureAwait(false);
                return;
            }

            var route = RouteResolver.Resolve(request.Method, request.RawTarget);
            if (route.Outcome == RouteOutcome.Found && route.Endpoint == EngramEndpoint.InstallProfiler && _settings.InstallProfiler == null)
            {
                route = RouteMatch.NotFound(RouteOutcome.UnknownRoute);
            }

            switch (route.Outcome)
            {
                case RouteOutcome.UnknownRoute:
                    await JsonResponder.SendErrorAsync(response, EngineErrors.NoSuchEndpoint(), serverStopping).ConfigureAwait(false);
                    return;
                case RouteOutcome.EmptyBucket:
                    await JsonResponder.SendErrorAsync(response, EngineErrors.NoSuchBucket(), serverStopping).ConfigureAwait(false);
                    return;
                case RouteOutcome.EmptyMemoryId:
                    await JsonResponder.SendErrorAsync(response, EngineErrors.NoSuchMemory(), serverStopping).ConfigureAwait(false);
                    return;
                case RouteOutcome.MethodNotAllowed:
                    response.SetHeader("Allow", route.AllowedMethods ?? "");
                    await JsonResponder.SendErrorAsync(response, EngineErrors.MethodNotAllowed(request.Method, route.AllowedMethods), serverStopping).ConfigureAwait(false);
                    return;
            }

            if (_settings.Faults.TryTake429())
            {
                await SendRateLimitedAsync(response, serverStopping).ConfigureAwait(false);
                return;
            }

            using (var lease = _limiter.TryEnter(tenant))
            {
                if (lease == null)
                {
                    await SendRateLimitedAsync(response, serverStopping).ConfigureAwait(false);
                    return;
                }

                var context = new EndpointContext(new SlotReleasingExchange(http, lease), route, tenant, _serviceForTenant(tenant), _settings, serverStopping);
                await DispatchAsync(context).ConfigureAwait(false);
            }
        }

        private static Task DispatchAsync(EndpointContext context)
        {
            switch (context.Route.Endpoint)
            {
                case EngramEndpoint.StoreMemories: return MemoryEndpoints.StoreAsync(context);
                case EngramEndpoint.ListMemories: return MemoryEndpoints.ListAsync(context);
                case EngramEndpoint.ClearMemories: return MemoryEndpoints.ClearAsync(context);
                case EngramEndpoint.DeleteMemory: return MemoryEndpoints.DeleteAsync(context);
                case EngramEndpoint.Query: return QueryEndpoint.HandleAsync(context);
                case EngramEndpoint.ListBuckets: return BucketEndpoints.ListAsync(context);
                case EngramEndpoint.CreateBucket: return BucketEndpoints.CreateAsync(context);
                case EngramEndpoint.GetBucket: return BucketEndpoints.GetAsync(context);
                case EngramEndpoint.DeleteBucket: return BucketEndpoints.DeleteAsync(context);
                case EngramEndpoint.GetProfile: return ProfileEndpoints.GetAsync(context);
                case EngramEndpoint.RegenerateProfile: return ProfileEndpoints.RegenerateAsync(context);
                case EngramEndpoint.InstallProfiler: return ProfileEndpoints.InstallAsync(context);
                default: throw new InvalidOperationException("Unhandled endpoint " + context.Route.Endpoint);
            }
        }

        /// <summary>A request that arrived while the server drains: 503, nothing done.</summary>
        public static async Task RefuseShuttingDownAsync(IHttpExchange http)
        {
            await TrySendErrorAsync(http, EngineErrors.ShuttingDown()).ConfigureAwait(false);
            TryClose(http);
        }

        /// <summary>429 with an integer Retry-After (wire spec §11); sent only for requests that did nothing.</summary>
        private Task SendRateLimitedAsync(IHttpResponse response, CancellationToken cancellationToken)
        {
            var seconds = Math.Max(0, _settings.Options.RetryAfterSeconds);
            response.SetHeader("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return JsonResponder.SendErrorAsync(response, EngineErrors.TooManyRequests(), cancellationToken);
        }

        private static async Task TrySendErrorAsync(IHttpExchange http, EngramException error)
        {
            try
            {
                await JsonResponder.SendErrorAsync(http.Response, error, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (http.IsClientGone(ex) || ex is InvalidOperationException)
            {
                // Headers were already sent (e.g. an event stream) or the client left: the status cannot change now.
            }
        }

        private static void TryClose(IHttpExchange http)
        {
            try
            {
                http.Response.Close();
            }
            catch (Exception ex) when (http.IsClientGone(ex) || ex is InvalidOperationException)
            {
                // Already closed or the connection is gone.
            }
        }
    }
}
