using System;

namespace Engram.Server.Transport
{
    /// <summary>
    /// What one client may hold of the server. The defaults suit a laptop and a small team server alike:
    /// they are far above what well-behaved clients use and far below what exhausts a process.
    /// </summary>
    internal sealed record ConnectionLimits
    {
        /// <summary>
        /// Open connections; more are refused at once (closed) so a flood cannot exhaust file descriptors.
        /// 512 stays under the common 1,024 descriptor limit with room for the database and the runtime.
        /// </summary>
        public int MaxConnections { get; init; } = 512;

        /// <summary>Time a client has to send a request's headers (slowloris).</summary>
        public TimeSpan HeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

        /// <summary>Idle time a keep-alive connection may sit between requests.</summary>
        public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(30);

        /// <summary>Time one response write (a whole body, or one stream frame) may take before the connection is cut.</summary>
        public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(15);

        /// <summary>Slowest request body accepted, after a grace period: 240 B/s (Kestrel's default) over 5 s.</summary>
        public double MinRequestBodyBytesPerSecond { get; init; } = 240;

        /// <summary>Largest request line and headers together.</summary>
        public int MaxRequestHeadersBytes { get; init; } = 32 * 1024;

        /// <summary>Most headers in one request.</summary>
        public int MaxRequestHeaderCount { get; init; } = 100;
    }
}
