using System.Net.Http;

namespace Engram.Client.Http
{
    /// <summary>One logical request: serialized once, re-sent byte for byte on every retry.</summary>
    internal sealed class EngramRequest
    {
        public EngramRequest(HttpMethod method, string path, byte[]? body = null)
        {
            Method = method;
            Path = path;
            Body = body;
        }

        public HttpMethod Method { get; }

        /// <summary>Path and query, appended to the base URL by concatenation.</summary>
        public string Path { get; }

        /// <summary>UTF-8 JSON body, or null for GET/DELETE and the body-less regenerate POST.</summary>
        public byte[]? Body { get; }

        public override string ToString() => Method.Method + " " + Path;
    }
}
