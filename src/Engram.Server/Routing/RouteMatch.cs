using System.Collections.Generic;

namespace Engram.Server.Routing
{
    /// <summary>Outcome of resolving a request path and method.</summary>
    /// <param name="Outcome">Found, or why not.</param>
    /// <param name="Endpoint">The operation, when found.</param>
    /// <param name="Bucket">The decoded bucket segment, when the route has one.</param>
    /// <param name="MemoryId">The decoded memory-id segment, when the route has one.</param>
    /// <param name="Query">Decoded query-string parameters (first occurrence wins).</param>
    /// <param name="AllowedMethods">For <see cref="RouteOutcome.MethodNotAllowed"/>: the value of the Allow header.</param>
    internal sealed record RouteMatch(RouteOutcome Outcome, EngramEndpoint Endpoint, string? Bucket, string? MemoryId,
        IReadOnlyDictionary<string, string> Query, string? AllowedMethods)
    {
        public static RouteMatch Found(EngramEndpoint endpoint, string? bucket, string? memoryId, IReadOnlyDictionary<string, string> query) =>
            new RouteMatch(RouteOutcome.Found, endpoint, bucket, memoryId, query, null);

        public static RouteMatch NotFound(RouteOutcome outcome) =>
            new RouteMatch(outcome, default, null, null, new Dictionary<string, string>(), null);

        public static RouteMatch MethodNotAllowed(string allowed) =>
            new RouteMatch(RouteOutcome.MethodNotAllowed, default, null, null, new Dictionary<string, string>(), allowed);
    }

    internal enum RouteOutcome
    {
        Found,

        /// <summary>No such route.</summary>
        UnknownRoute,

        /// <summary>The bucket segment is empty (<c>/v1/buckets//memories</c>): never read as <c>default</c>.</summary>
        EmptyBucket,

        /// <summary>The memory-id segment is empty.</summary>
        EmptyMemoryId,

        MethodNotAllowed,
    }
}
