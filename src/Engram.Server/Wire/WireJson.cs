using System;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Engram.Server.Wire
{
    /// <summary>Writes one compact JSON document to bytes (single line: control characters are always escaped).</summary>
    internal static class WireJson
    {
        private static readonly JsonWriterOptions Options = new JsonWriterOptions
        {
            Indented = false,
            // Response bodies are JSON, never HTML: keep non-ASCII text readable instead of \uXXXX.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        public static byte[] Write(Action<Utf8JsonWriter> write)
        {
            using (var buffer = new MemoryStream())
            {
                using (var writer = new Utf8JsonWriter(buffer, Options))
                {
                    write(writer);
                }

                return buffer.ToArray();
            }
        }
    }
}
