using System.IO;

namespace Engram.Server.Transport
{
    /// <summary>A request as the server reads it.</summary>
    internal interface IHttpRequest
    {
        string Method { get; }

        /// <summary>
        /// The request target as sent, path and query still percent-encoded: routing splits the raw path
        /// before decoding, so an encoded <c>%2F</c> stays inside its segment (wire spec §3.5).
        /// </summary>
        string RawTarget { get; }

        /// <summary>The declared Content-Length; null when none was sent (chunked or no body).</summary>
        long? ContentLength { get; }

        /// <summary>False when the request carries no body at all.</summary>
        bool HasBody { get; }

        Stream Body { get; }

        /// <summary>The header's value, or null when it was not sent.</summary>
        string? Header(string name);
    }
}
