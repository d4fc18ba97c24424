using System;
using System.Globalization;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace Engram.Server.Transport.HttpListenerAdapter
{
    /// <summary><see cref="IHttpTransport"/> over <see cref="System.Net.HttpListener"/>, bound to 127.0.0.1.</summary>
    internal sealed class HttpListenerTransport : IHttpTransport
    {
        private const int BindAttempts = 5;

        private readonly System.Net.HttpListener _listener;
        private readonly Action<string>? _trace;
        private Task _acceptLoop = Task.CompletedTask;

        private HttpListenerTransport(System.Net.HttpListener listener, int port, Action<string>? trace)
        {
            _listener = listener;
            Port = port;
            _trace = trace;
        }

        public int Port { get; }

        /// <summary>
        /// Listens on <paramref name="requestedPort"/>, tried once; or, when it is 0, on a free port (first
        /// <paramref name="previousPort"/> when there is one), re-picked when another process grabs it in between.
        /// </summary>
        public static HttpListenerTransport Bind(int requestedPort, int previousPort, Action<string>? trace)
        {
            var fixedPort = requestedPort != 0;
            for (var attempt = 1; ; attempt++)
            {
                var port = fixedPort ? requestedPort : (attempt == 1 && previousPort != 0 ? previousPort : LoopbackPortFinder.FindFreePort());
                var listener = new System.Net.HttpListener { IgnoreWriteExceptions = false };
                listener.Prefixes.Add("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture) + "/");
                try
                {
                    listener.Start();
                    return new HttpListenerTransport(listener, port, trace);
                }
                catch (HttpListenerException) when (!fixedPort && attempt < BindAttempts)
                {
                    listener.Close();
                }
                catch (HttpListenerException ex)
                {
                    listener.Close();
                    throw new InvalidOperationException("Cannot listen on 127.0.0.1:" + port + " (" + ex.Message + "). Choose another port, or 0 to pick a free one.", ex);
                }
            }
        }

        public void Start(Func<IHttpExchange, Task> handleRequest, CancellationToken stopAccepting) =>
            _acceptLoop = Task.Run(() => AcceptLoopAsync(handleRequest, stopAccepting));

        public async Task AbortAsync()
        {
            // HttpListener.Stop would also close every open connection; Abort says so and does not wait.
            _listener.Abort();
            await _acceptLoop.ConfigureAwait(false);
        }

        private async Task AcceptLoopAsync(Func<IHttpExchange, Task> handleRequest, CancellationToken stopAccepting)
        {
            // Aborting the listener does not always complete an accept that started at that very moment
            // (the managed HttpListener can leave it pending), so the loop also ends on the stop signal itself;
            // otherwise a stop could wait for the loop forever.
            var stopSignal = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = stopAccepting.Register(() => stopSignal.TrySetResult(true));
            while (true)
            {
                HttpListenerContext context;
                try
                {
                    var accept = _listener.GetContextAsync();
                    if (await Task.WhenAny(accept, stopSignal.Task).ConfigureAwait(false) != accept)
                    {
                        _ = accept.ContinueWith(
                            t =>
                            {
                                // A connection that arrives after the stop is cut, not served.
                                if (t.Status == TaskStatus.RanToCompletion)
                                {
                                    t.Result.Response.Abort();
                                }

                                _ = t.Exception;
                            },
                            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                        return;
                    }

                    context = await accept.ConfigureAwait(false);
                }
                catch (Exception) when (!_listener.IsListening || stopAccepting.IsCancellationRequested)
                {
                    return;
                }
                catch (HttpListenerException ex)
                {
                    // A single failed accept (e.g. a reset during the handshake) must not stop the server.
                    _trace?.Invoke("accept failed: " + ex.ErrorCode);
                    continue;
                }

                var request = handleRequest(new HttpListenerExchange(context));
                // Observed so a failure the server could not even report never surfaces as unobserved.
                _ = request.ContinueWith(t => _ = t.Exception,
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }
}
