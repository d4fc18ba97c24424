using System;
using System.Collections.Generic;

namespace Engram.Server.Routing
{
    /// <summary>
    /// Maps a raw request target to an endpoint (wire spec §3.5, §17 Q36/Q37/Q39).
    /// The RAW path is split on literal '/' first and each segment is percent-decoded exactly once
    /// afterwards, so an encoded <c>%2F</c> stays inside its bucket name and <c>+</c> stays <c>+</c>.
    /// </summary>
    internal static class RouteResolver
    {
        public const string AdminPrefix = "_local";

        public static RouteMatch Resolve(string method, string rawTarget)
        {
            SplitTarget(rawTarget, out var rawPath, out var rawQuery);

            // One trailing slash is tolerated (Q39) — but not on DELETE, where dropping it would turn
            // "delete memory ''" (…/memories/) into "clear the bucket" or "delete bucket ''" into a miss elsewhere.
            if (rawPath.Length > 1 && rawPath.EndsWith("/", StringComparison.Ordinal) && !IsMethod(method, "DELETE"))
            {
                rawPath = rawPath.Substring(0, rawPath.Length - 1);
            }

            if (!rawPath.StartsWith("/", StringComparison.Ordinal))
            {
                return RouteMatch.NotFound(RouteOutcome.UnknownRoute);
            }

            var rawSegments = rawPath.Substring(1).Split('/');
            var segments = new string[rawSegments.Length];
            for (var i = 0; i < rawSegments.Length; i++)
            {
                segments[i] = DecodeSegment(rawSegments[i]);
            }

            var query = QueryStringParser.Parse(rawQuery);
            return Match(method, segments, query);
        }

        /// <summary>Percent-decodes once; malformed escapes are kept literally (tolerating unencoded names).</summary>
        public static string DecodeSegment(string raw)
        {
            if (raw.IndexOf('%') < 0)
            {
                return raw;
            }

            try
            {
                return Uri.UnescapeDataString(raw);
            }
            catch (UriFormatException)
            {
                return raw;
            }
        }

        private static RouteMatch Match(string method, string[] s, IReadOnlyDictionary<string, string> query)
        {
            if (s.Length >= 2 && s[0] == "v1" && s[1] == "buckets")
            {
                return MatchBuckets(method, s, query);
            }

            if (s.Length == 2 && s[0] == "v1" && s[1] == "query")
            {
                return IsMethod(method, "POST")
                    ? RouteMatch.Found(EngramEndpoint.Query, null, null, query)
                    : RouteMatch.MethodNotAllowed("POST");
            }

            if (s.Length == 4 && s[0] == AdminPrefix && s[1] == "buckets" && s[3] == "profiler")
            {
                if (s[2].Length == 0)
                {
                    return RouteMatch.NotFound(RouteOutcome.EmptyBucket);
                }

                return IsMethod(method, "POST")
                    ? RouteMatch.Found(EngramEndpoint.InstallProfiler, s[2], null, query)
                    : RouteMatch.MethodNotAllowed("POST");
            }

            return RouteMatch.NotFound(RouteOutcome.UnknownRoute);
        }

        private static RouteMatch MatchBuckets(string method, string[] s, IReadOnlyDictionary<string, string> query)
        {
            if (s.Length == 2)
            {
                return ByMethod(method, null, null, query,
                    ("GET", EngramEndpoint.ListBuckets), ("POST", EngramEndpoint.CreateBucket));
            }

            if (s.Length > 6)
            {
                return RouteMatch.NotFound(RouteOutcome.UnknownRoute);
            }

            var bucket = s[2];
            if (s.Length == 3)
            {
                return bucket.Length == 0
                    ? RouteMatch.NotFound(RouteOutcome.EmptyBucket)
                    : ByMethod(method, bucket, null, query, ("GET", EngramEndpoint.GetBucket), ("DELETE", EngramEndpoint.DeleteBucket));
            }

            RouteMatch candidate;
            switch (s[3])
            {
                case "memories" when s.Length == 4:
                    candidate = ByMethod(method, bucket, null, query,
                        ("GET", EngramEndpoint.ListMemories), ("POST", EngramEndpoint.StoreMemories), ("DELETE", EngramEndpoint.ClearMemories));
                    break;
                case "memories" when s.Length == 5:
                    candidate = ByMethod(method, bucket, s[4], query, ("DELETE", EngramEndpoint.DeleteMemory));
                    if (candidate.Outcome == RouteOutcome.Found && s[4].Length == 0 && bucket.Length > 0)
                    {
                        return RouteMatch.NotFound(RouteOutcome.EmptyMemoryId);
                    }

                    break;
                case "profile" when s.Length == 4:
                    candidate = ByMethod(method, bucket, null, query, ("GET", EngramEndpoint.GetProfile));
                    break;
                case "profile" when s.Length == 5 && s[4] == "regenerate":
                    candidate = ByMethod(method, bucket, null, query, ("POST", EngramEndpoint.RegenerateProfile));
                    break;
                default:
                    return RouteMatch.NotFound(RouteOutcome.UnknownRoute);
            }

            // The route exists; an empty bucket name is "Bucket not found", never the default bucket (§3.5).
            return bucket.Length == 0 && candidate.Outcome == RouteOutcome.Found
                ? RouteMatch.NotFound(RouteOutcome.EmptyBucket)
                : candidate;
        }

        private static RouteMatch ByMethod(string method, string? bucket, string? memoryId,
            IReadOnlyDictionary<string, string> query, params (string Method, EngramEndpoint Endpoint)[] routes)
        {
            foreach (var route in routes)
            {
                if (IsMethod(method, route.Method))
                {
                    return RouteMatch.Found(route.Endpoint, bucket, memoryId, query);
                }
            }

            var allowed = new string[routes.Length];
            for (var i = 0; i < routes.Length; i++)
            {
                allowed[i] = routes[i].Method;
            }

            return RouteMatch.MethodNotAllowed(string.Join(", ", allowed));
        }

        private static bool IsMethod(string method, string expected) =>
            string.Equals(method, expected, StringComparison.Ordinal);

        private static void SplitTarget(string rawTarget, out string rawPath, out string rawQuery)
        {
            // A proxy-style absolute target ("http://host/path") is reduced to its path.
            if (rawTarget.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                var pathStart = rawTarget.IndexOf('/', "http://".Length);
                rawTarget = pathStart < 0 ? "/" : rawTarget.Substring(pathStart);
            }

            var fragment = rawTarget.IndexOf('#');
            if (fragment >= 0)
            {
                rawTarget = rawTarget.Substring(0, fragment);
            }

            var question = rawTarget.IndexOf('?');
            rawPath = question < 0 ? rawTarget : rawTarget.Substring(0, question);
            rawQuery = question < 0 ? "" : rawTarget.Substring(question + 1);
        }
    }
}
