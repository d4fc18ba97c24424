using System;
using System.Security.Cryptography;
using Engram.Server.Wire;

namespace Engram.Server.Sse
{
    /// <summary>OpenAI <c>chat.completion.chunk</c> frames carrying answer deltas (wire spec §8.1 item 3).</summary>
    internal sealed class CompletionChunks
    {
        private readonly string _id;

        public CompletionChunks()
        {
            var bytes = new byte[12];
            using (var rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(bytes);
            }

            _id = "chatcmpl-" + BitConverter.ToString(bytes).Replace("-", "").ToLowerInvariant();
        }

        public byte[] Delta(string content) => WireJson.Write(w =>
        {
            WriteHead(w);
            w.WriteStartObject("delta");
            w.WriteString("content", content);
            w.WriteEndObject();
            w.WriteNull("finish_reason");
            WriteTail(w);
        });

        /// <summary>The finishing chunk: empty delta, <c>finish_reason: "stop"</c>; clients skip it.</summary>
        public byte[] Stop() => WireJson.Write(w =>
        {
            WriteHead(w);
            w.WriteStartObject("delta");
            w.WriteEndObject();
            w.WriteString("finish_reason", "stop");
            WriteTail(w);
        });

        /// <summary>A mid-stream failure: <c>error</c> is always a string, which every client recognizes.</summary>
        public static byte[] Error(string message) => ResponseShapes.Error(message, null);

        private void WriteHead(System.Text.Json.Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("id", _id);
            w.WriteString("object", "chat.completion.chunk");
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
        }

        private static void WriteTail(System.Text.Json.Utf8JsonWriter w)
        {
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
    }
}
