using System.Collections.Generic;

namespace Engram.Server.Routing
{
    /// <summary>Outcome of resolving a request path and method.</summary>
    internal sealed class RouteMatch
    {
        private RouteMatch(RouteOutcome outcome, EngramEndpoint endpoint, string? bucket, string? memoryId,
            IReadOnlyDictionary<string, string> query, string? allowedMethods)
        {
            Outcome = outcome;
            Endpoint = endpoint;
            Bucket = bucket;
            MemoryId = memoryId;
            Query = query;
            AllowedMethods = allowedMethods;
        }

        public RouteOutcome Outcome { get; }

        public EngramEndpoint Endpoint { get; }

        /// <summary>The decoded bucket segment, when the route has one.</summary>
        public string? Bucket { get; }

        /// <summary>The decoded memory-id segment, when the route has one.</summary>
        public string? MemoryId { get; }

        /// <summary>Decoded query-string parameters (first occurrence wins).</summary>
        public IReadOnlyDictionary<string, string> Query { get; }

        /// <summary>For <see cref="RouteOutcome.MethodNotAllowed"/>: the value of the Allow header.</summary>
        public string? AllowedMethods { get; }

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
