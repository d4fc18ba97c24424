using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Local;
using Engram.Server.Auth;
using Engram.Server.Endpoints;
using Engram.Server.Hosting;
using Engram.Server.Throttling;
using Engram.Server.Transport;
using Engram.Server.Transport.Kestrel;

namespace Engram.Server
{
    /// <summary>
    /// The local engine on a loopback port, speaking the Engram REST protocol (wire spec §16.2) so any Engram
    /// client — official Go, Python, TypeScript, or ours — works against it unchanged. Binds 127.0.0.1 only.
    /// </summary>
    public sealed class LocalEngramServer : IDisposable
    {
        private readonly LocalServerOptions _options;
        private readonly RequestPipeline _pipeline;
        private readonly ApiKeyRegistry _keys;
        private readonly object _gate = new object();
        private readonly ConcurrentDictionary<int, Task> _inFlight = new ConcurrentDictionary<int, Task>();

        private IHttpTransport? _transport;
        private CancellationTokenSource? _stopping;
        private CancellationTokenSource? _draining;
        private TaskCompletionSource<bool> _stopped = CompletedSignal();
        private int _port;
        private int _nextRequestId;
        private bool _disposed;

        /// <summary>Serves <paramref name="engine"/> (which it does not own) with one tenant per API key.</summary>
        public LocalEngramServer(LocalEngine engine, LocalServerOptions? options = null)
            : this(
                TenantServices(engine ?? throw new ArgumentNullException(nameof(engine))),
                (tenant, bucket, ct) => engine.ForTenant(tenant).InstallProfilerAsync(bucket, ct),
                options)
        {
        }

        /// <summary>The server core over any per-tenant <see cref="IEngramService"/>.</summary>
        internal LocalEngramServer(Func<string, IEngramService> serviceForTenant,
            Func<string, string, CancellationToken, Task>? installProfiler, LocalServerOptions? options = null)
        {
            if (serviceForTenant == null)
            {
                throw new ArgumentNullException(nameof(serviceForTenant));
            }

            _options = options ?? new LocalServerOptions();
            if (_options.Port < 0 || _options.Port > 65535)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "Port must be 0 (pick a free one) or 1–65535.");
            }

            _keys = new ApiKeyRegistry(_options.ApiKeys, LocalEngine.DefaultTenant);
            _port = _options.Port;
            var settings = new ServerSettings(_options, installProfiler);
            _pipeline = new RequestPipeline(_keys, new TenantConcurrencyLimiter(_options.MaxConcurrentRequestsPerTenant), serviceForTenant, settings);
        }

        /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>; available once the port is known (after <see cref="Start"/> when Port was 0).</summary>
        public Uri BaseUrl
        {
            get
            {
                var port = Port;
                if (port == 0)
                {
                    throw new InvalidOperationException("The port is chosen when the server starts: call Start() first.");
                }

                return new Uri("http://127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        public int Port => Volatile.Read(ref _port);

        /// <summary>The first configured key, or the generated one. Show it to the user once; it is never logged.</summary>
        public string ApiKey => _keys.PrimaryKey;

        public bool IsRunning
        {
            get
            {
                lock (_gate)
                {
                    return _transport != null;
                }
            }
        }

        /// <summary>Starts listening on 127.0.0.1. Does nothing when already running.</summary>
        public void Start()
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    throw new ObjectDisposedException(nameof(LocalEngramServer));
                }

                if (_transport != null)
                {
                    return;
                }

                var transport = KestrelTransport.Bind(_options.Port, _port, _options.Limits, TransportNotes);
                Volatile.Write(ref _port, transport.Port);
                _transport = transport;
                _stopping = new CancellationTokenSource();
                _draining = new CancellationTokenSource();
                _stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                var stopping = _stopping.Token;
                var draining = _draining.Token;
                transport.Start(exchange => HandleRequest(exchange, draining, stopping), stopping);
            }
        }

        /// <summary>Stops accepting, lets in-flight requests finish briefly, then aborts the rest.</summary>
        public Task StopAsync() => StopCoreAsync(_options.ShutdownGracePeriod);

        /// <summary>
        /// Completes when the server stops. When <paramref name="cancellationToken"/> fires first (Ctrl+C in a
        /// foreground process), it stops the server and then completes — it does not throw.
        /// </summary>
        public async Task WaitForShutdownAsync(CancellationToken cancellationToken)
        {
            Task stopped;
            lock (_gate)
            {
                stopped = _stopped.Task;
            }

            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                await Task.WhenAny(stopped, cancelled.Task).ConfigureAwait(false);
            }

            if (!stopped.IsCompleted)
            {
                await StopAsync().ConfigureAwait(false);
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
            }

            StopCoreAsync(TimeSpan.Zero).GetAwaiter().GetResult();
        }

        /// <summary>Never shows keys.</summary>
        public override string ToString()
        {
            var port = Port;
            var where = port == 0 ? "http://127.0.0.1 (port chosen at start)" : "http://127.0.0.1:" + port;
            return "LocalEngramServer " + where + (IsRunning ? " (running)" : " (stopped)");
        }

        private Task HandleRequest(IHttpExchange exchange, CancellationToken draining, CancellationToken stopping)
        {
            // While draining, the listener stays open (closing it would cut in-flight answers), so
            // late arrivals are turned away quickly instead.
            var id = Interlocked.Increment(ref _nextRequestId);
            var task = draining.IsCancellationRequested
                ? Task.Run(() => RequestPipeline.RefuseShuttingDownAsync(exchange))
                : Task.Run(() => _pipeline.ProcessAsync(exchange, stopping));
            _inFlight[id] = task;
            _ = task.ContinueWith(
                t =>
                {
                    // Observed so a failure the pipeline could not even report never surfaces as unobserved.
                    _ = t.Exception;
                    _inFlight.TryRemove(id, out _);
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return task;
        }

        private async Task StopCoreAsync(TimeSpan grace)
        {
            IHttpTransport? transport;
            CancellationTokenSource? stopping;
            CancellationTokenSource? draining;
            TaskCompletionSource<bool> stopped;
            lock (_gate)
            {
                transport = _transport;
                stopping = _stopping;
                draining = _draining;
                stopped = _stopped;
                _transport = null;
                _stopping = null;
                _draining = null;
            }

            if (transport == null || stopping == null || draining == null)
            {
                return;
            }

            // 1. No new work; the transport stays open, so in-flight answers are not cut.
            draining.Cancel();
            var pending = Task.WhenAll(_inFlight.Values.ToArray());
            if (grace > TimeSpan.Zero)
            {
                await Task.WhenAny(pending, Task.Delay(grace)).ConfigureAwait(false);
            }

            // 2. Whatever still runs (a held stream, slow engine work) is cancelled and says so. Cancelled work
            // ends promptly (it honours the token); only a write to a client that does not read can hold it, and
            // the write timeout bounds that. (A fixed 1 s here lost the farewell frame on a loaded machine.)
            // 3. Then finished responses are flushed and every connection is closed.
            stopping.Cancel();
            var writeTimeout = _options.Limits.WriteTimeout;
            await Task.WhenAny(pending, Task.Delay(writeTimeout)).ConfigureAwait(false);
            await transport.AbortAsync(writeTimeout).ConfigureAwait(false);

            await Task.WhenAll(_inFlight.Values.ToArray()).ConfigureAwait(false);
            stopping.Dispose();
            draining.Dispose();
            stopped.TrySetResult(true);
        }

        /// <summary>Kestrel's warnings, to the trace hook and as notes in the log.</summary>
        private void TransportNotes(string note)
        {
            _options.Trace?.Invoke(note);
            try
            {
                _options.Log?.Invoke(RequestLogLine.Note(note));
            }
            catch (Exception)
            {
                // Best effort, as for request lines.
            }
        }

        private static Func<string, IEngramService> TenantServices(LocalEngine engine) => tenant => engine.ForTenant(tenant);

        private static TaskCompletionSource<bool> CompletedSignal()
        {
            var signal = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            signal.TrySetResult(true);
            return signal;
        }
    }
}
