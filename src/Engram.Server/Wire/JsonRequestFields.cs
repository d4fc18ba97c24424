using System;
using System.Text.Json;
using Engram.Client;
using Engram.Local.Validation;

namespace Engram.Server.Wire
{
    /// <summary>
    /// Typed, forgiving access to request JSON: <c>null</c> counts as absent (wire spec §3.4), unknown
    /// fields are ignored, and a wrong type is a 400 that names the field and what it must be.
    /// </summary>
    internal static class JsonRequestFields
    {
        /// <summary>Parses a body that must be a JSON object.</summary>
        public static JsonDocument ParseObject(byte[] body)
        {
            if (body.Length == 0)
            {
                throw EngineErrors.Invalid("Request body is required: send a JSON object");
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException ex)
            {
                throw EngineErrors.Invalid("Request body is not valid JSON: " + ex.Message);
            }

            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw EngineErrors.Invalid("Request body must be a JSON object");
            }

            return document;
        }

        /// <summary>True when the field is present and not null.</summary>
        public static bool TryGet(JsonElement obj, string name, out JsonElement value)
        {
            if (obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
            {
                return true;
            }

            value = default;
            return false;
        }

        public static string? OptionalString(JsonElement obj, string name)
        {
            if (!TryGet(obj, name, out var value))
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : throw EngineErrors.Invalid(name + " must be a string");
        }

        public static bool? OptionalBool(JsonElement obj, string name)
        {
            if (!TryGet(obj, name, out var value))
            {
                return null;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                default:
                    throw EngineErrors.Invalid(name + " must be true or false");
            }
        }

        public static int? OptionalInt(JsonElement obj, string name) =>
            TryGet(obj, name, out var value) ? AsInt(value, name) : (int?)null;

        public static double? OptionalNumber(JsonElement obj, string name)
        {
            if (!TryGet(obj, name, out var value))
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
                ? number
                : throw EngineErrors.Invalid(name + " must be a number");
        }

        /// <summary>An integer; an integral float such as <c>8.0</c> is accepted, a fraction or string is not.</summary>
        public static int AsInt(JsonElement value, string name)
        {
            if (value.ValueKind == JsonValueKind.Number)
            {
                if (value.TryGetInt32(out var exact))
                {
                    return exact;
                }

                if (value.TryGetDouble(out var number) && Math.Floor(number) == number && number >= int.MinValue && number <= int.MaxValue)
                {
                    return (int)number;
                }
            }

            throw EngineErrors.Invalid(name + " must be an integer");
        }

        /// <summary>Reads an integer query-string parameter; absent means null.</summary>
        public static int? QueryInt(System.Collections.Generic.IReadOnlyDictionary<string, string> query, string name)
        {
            if (!query.TryGetValue(name, out var text) || text.Length == 0)
            {
                return null;
            }

            return int.TryParse(text.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)
                ? n
                : throw EngineErrors.Invalid(name + " must be an integer");
        }
    }
}
