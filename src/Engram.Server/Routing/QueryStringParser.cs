using System;
using System.Collections.Generic;

namespace Engram.Server.Routing
{
    /// <summary>Parses <c>limit=20&amp;offset=0</c>; '+' means space here (form encoding), unlike in the path.</summary>
    internal static class QueryStringParser
    {
        public static IReadOnlyDictionary<string, string> Parse(string rawQuery)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (string.IsNullOrEmpty(rawQuery))
            {
                return result;
            }

            foreach (var pair in rawQuery.Split('&'))
            {
                if (pair.Length == 0)
                {
                    continue;
                }

                var eq = pair.IndexOf('=');
                var name = Decode(eq < 0 ? pair : pair.Substring(0, eq));
                var value = eq < 0 ? "" : Decode(pair.Substring(eq + 1));
                if (!result.ContainsKey(name))
                {
                    result[name] = value;
                }
            }

            return result;
        }

        private static string Decode(string raw) => RouteResolver.DecodeSegment(raw.Replace('+', ' '));
    }
}
