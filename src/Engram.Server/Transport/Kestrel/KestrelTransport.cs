using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Engram.Server.Transport.Kestrel
{
    /// <summary>
    /// <see cref="IHttpTransport"/> over Kestrel (ASP.NET Core 2.3), bound to 127.0.0.1. Kestrel parses HTTP
    /// and enforces the connection, header, keep-alive and body-rate limits; it does not go through http.sys,
    /// so a non-administrator can listen on Windows without a URL reservation.
    /// </summary>
    internal sealed class KestrelTransport : IHttpTransport, IHttpApplication<KestrelExchange>
    {
        private const int BindAttempts = 5;

        private readonly KestrelServer _server;
        private readonly ConnectionLimits _limits;
        private readonly ConcurrentDictionary<KestrelExchange, bool> _open = new ConcurrentDictionary<KestrelExchange, bool>();
        private Func<IHttpExchange, Task> _handleRequest = _ => Task.CompletedTask;
        private CancellationToken _stopAccepting;

        private KestrelTransport(KestrelServer server, ConnectionLimits limits)
        {
            _server = server;
            _limits = limits;
        }

        public int Port { get; private set; }

        /// <summary>
        /// Listens on <paramref name="requestedPort"/>, tried once; or, when it is 0, first on
        /// <paramref name="previousPort"/> (a restarted server keeps its address) and otherwise on a free port.
        /// </summary>
        public static KestrelTransport Bind(int requestedPort, int previousPort, ConnectionLimits limits, Action<string>? log)
        {
            var fixedPort = requestedPort != 0;
            for (var attempt = 1; ; attempt++)
            {
                var port = fixedPort ? requestedPort : (attempt == 1 ? previousPort : 0);
                var transport = new KestrelTransport(CreateServer(port, limits, log), limits);
                try
                {
                    transport.StartServer();
                    return transport;
                }
                catch (Exception ex) when (IsBindFailure(ex))
                {
                    transport._server.Dispose();
                    if (!fixedPort && attempt < BindAttempts)
                    {
                        continue;
                    }

                    throw new InvalidOperationException("Cannot listen on 127.0.0.1:" + port + " (" + ex.Message + "). Choose another port, or 0 to pick a free one.", ex);
                }
            }
        }

        public void Start(Func<IHttpExchange, Task> handleRequest, CancellationToken stopAccepting)
        {
            _stopAccepting = stopAccepting;
            Volatile.Write(ref _handleRequest, handleRequest);
        }

        public async Task AbortAsync(TimeSpan flushBound)
        {
            foreach (var exchange in _open.Keys.ToArray())
            {
                exchange.Abort();
            }

            // Kestrel ends a response (last chunk, flush, close) only after the request's task has returned; a
            // stop with an already-cancelled token dropped that, so a finished answer or a stream's farewell frame
            // could reach its client as a reset. A graceful stop lets those go out; the bound (the write timeout)
            // cuts a client that does not read them.
            using (var bound = new CancellationTokenSource(flushBound))
            {
                await _server.StopAsync(bound.Token).ConfigureAwait(false);
            }

            _server.Dispose();
        }

        KestrelExchange IHttpApplication<KestrelExchange>.CreateContext(IFeatureCollection contextFeatures) =>
            new KestrelExchange(contextFeatures, _limits.WriteTimeout);

        async Task IHttpApplication<KestrelExchange>.ProcessRequestAsync(KestrelExchange exchange)
        {
            if (_stopAccepting.IsCancellationRequested)
            {
                // A request that arrives after the stop is cut, not served.
                exchange.Abort();
                return;
            }

            _open[exchange] = true;
            try
            {
                await Volatile.Read(ref _handleRequest)(exchange).ConfigureAwait(false);
            }
            finally
            {
                _open.TryRemove(exchange, out _);
            }
        }

        void IHttpApplication<KestrelExchange>.DisposeContext(KestrelExchange exchange, Exception exception) => exchange.Dispose();

        private void StartServer()
        {
            // Requests that come before Start(...) are not served: the server only starts listening here,
            // and Start is called right after Bind.
            _server.StartAsync(this, CancellationToken.None).GetAwaiter().GetResult();
            var address = _server.Features.Get<IServerAddressesFeature>().Addresses.First();
            Port = new Uri(address).Port;
        }

        private static KestrelServer CreateServer(int port, ConnectionLimits limits, Action<string>? log)
        {
            var options = new KestrelServerOptions
            {
                AddServerHeader = false,
                ApplicationServices = EmptyServices.Instance,
            };
            options.Limits.MaxConcurrentConnections = limits.MaxConnections;
            options.Limits.MaxConcurrentUpgradedConnections = 0;
            options.Limits.RequestHeadersTimeout = limits.HeadersTimeout;
            options.Limits.KeepAliveTimeout = limits.KeepAliveTimeout;
            options.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersBytes;
            options.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
            options.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5));
            // The server enforces its own body cap (413 as JSON, LocalServerOptions.MaxRequestBodyBytes).
            options.Limits.MaxRequestBodySize = null;
            // Synchronous reads and writes block a thread each; everything here is async.
            options.AllowSynchronousIO = false;
            options.Listen(IPAddress.Loopback, port);

            var loggers = new TransportLoggerFactory(log);
            var sockets = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), new TransportLifetime(), loggers);
            return new KestrelServer(Options.Create(options), sockets, loggers);
        }

        private static bool IsBindFailure(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
            {
                if (e is SocketException || e is System.IO.IOException)
                {
                    return true;
                }
            }

            return false;
        }

        private sealed class EmptyServices : IServiceProvider
        {
            public static readonly EmptyServices Instance = new EmptyServices();

            public object? GetService(Type serviceType) => null;
        }
    }
}
