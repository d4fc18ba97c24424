using System;
using System.Collections.Generic;

namespace Engram.Server
{
    /// <summary>Settings of a <see cref="LocalEngramServer"/>. Read once, when the server is constructed.</summary>
    public sealed class LocalServerOptions
    {
        /// <summary>Loopback port; 0 picks a free one at <see cref="LocalEngramServer.Start"/>.</summary>
        public int Port { get; set; }

        /// <summary>API key to tenant id. Empty: one key is generated for tenant <c>local</c>.</summary>
        public IDictionary<string, string> ApiKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>In-flight requests allowed per tenant; 0 is unlimited. Over the cap: 429 before any work.</summary>
        public int MaxConcurrentRequestsPerTenant { get; set; }

        /// <summary>The integer <c>Retry-After</c> sent with every 429.</summary>
        public int RetryAfterSeconds { get; set; } = 1;

        /// <summary>Request bodies larger than this are answered 413 without being read whole.</summary>
        public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

        /// <summary>
        /// Answer in the older shapes clients must still accept (wire spec §16.2.8): bare-array bucket list,
        /// store results without <c>status</c>/<c>memory_id</c>, profile <c>{profile}</c> only.
        /// </summary>
        public bool LegacyShapes { get; set; }

        /// <summary>
        /// The server's log: one JSON line per request (method, path without query, status, duration in ms, a hash of
        /// the tenant) and per transport note (refused connections, timed-out clients). Never a key or a memory's content.
        /// Called on request threads; it must be thread-safe.
        /// </summary>
        public Action<string>? Log { get; set; }

        /// <summary>Fault injection for testing clients; may be changed while the server runs.</summary>
        public ServerFaults Faults { get; } = new ServerFaults();

        /// <summary>Connection, header, keep-alive and write limits (README, "Limits").</summary>
        internal Transport.ConnectionLimits Limits { get; set; } = new Transport.ConnectionLimits();

        /// <summary>How long <see cref="LocalEngramServer.StopAsync"/> lets in-flight requests finish before aborting them.</summary>
        internal TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>How often a paused stream writes a keep-alive comment (which also detects a gone client).</summary>
        internal TimeSpan PausedStreamKeepAliveInterval { get; set; } = TimeSpan.FromMilliseconds(250);

        /// <summary>Diagnostic notes (never keys, never bodies): aborted streams, oversized SSE frames.</summary>
        internal Action<string>? Trace { get; set; }
    }
}
