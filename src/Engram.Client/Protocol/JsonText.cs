using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Engram.Client.Protocol
{
    /// <summary>Compact JSON writing shared by request bodies and error messages.</summary>
    internal static class JsonText
    {
        /// <summary>
        /// Compact output that keeps apostrophes, '+', '&lt;' and non-ASCII text readable (the default encoder
        /// would write <c>it\u0027s</c>); JSON-mandatory escapes (quotes, backslash, control chars) still apply.
        /// </summary>
        public static readonly JsonWriterOptions WriterOptions = new JsonWriterOptions
        {
            Indented = false,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            SkipValidation = false,
        };

        public static readonly JsonDocumentOptions DocumentOptions = new JsonDocumentOptions
        {
            AllowTrailingCommas = false,
            CommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = 256,
        };

        public static string Compact(JsonElement value)
        {
            using (var buffer = new MemoryStream())
            {
                using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
                {
                    value.WriteTo(writer);
                }

                return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            }
        }

        /// <summary>Parses a whole payload; null when it is not valid JSON.</summary>
        public static JsonDocument? TryParse(string text)
        {
            try
            {
                return JsonDocument.Parse(text, DocumentOptions);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        public static JsonDocument? TryParse(byte[] utf8)
        {
            try
            {
                return JsonDocument.Parse(utf8, DocumentOptions);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
