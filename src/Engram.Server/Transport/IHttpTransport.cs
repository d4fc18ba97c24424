using System;
using System.Threading;
using System.Threading.Tasks;

namespace Engram.Server.Transport
{
    /// <summary>
    /// The HTTP implementation under the server: it listens on one loopback port and hands every request
    /// to the server. Nothing outside this folder knows which implementation it is.
    /// </summary>
    internal interface IHttpTransport
    {
        /// <summary>The bound port.</summary>
        int Port { get; }

        /// <summary>
        /// Hands each request to <paramref name="handleRequest"/> until <paramref name="stopAccepting"/> fires;
        /// a request arriving after that is cut, not served. The returned task is the request's whole work.
        /// </summary>
        void Start(Func<IHttpExchange, Task> handleRequest, CancellationToken stopAccepting);

        /// <summary>
        /// Cuts the connections of requests still running, lets the responses of finished requests reach their
        /// clients (within <paramref name="flushBound"/>, then those are cut too), and completes once nothing more
        /// is handed out.
        /// </summary>
        Task AbortAsync(TimeSpan flushBound);
    }
}
