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

            try
            {
                RequireValidText(document.RootElement, "body");
            }
            catch
            {
                document.Dispose();
                throw;
            }

            return document;
        }

        /// <summary>
        /// Every string and property name must be valid text: the parser accepts invalid UTF-8 inside strings and
        /// lone surrogate escapes (<c>\ud800</c>) and only fails when one is read. Checked here, once, so any field
        /// an endpoint reads later is known good and such a body is a 400 with nothing stored, never a 500.
        /// </summary>
        private static void RequireValidText(JsonElement element, string where)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    try
                    {
                        _ = element.GetString();
                    }
                    catch (InvalidOperationException)
                    {
                        throw InvalidText(where);
                    }

                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        RequireValidText(item, where + "[" + index++ + "]");
                    }

                    break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        string name;
                        try
                        {
                            name = property.Name;
                        }
                        catch (InvalidOperationException)
                        {
                            throw InvalidText("a property name in " + where);
                        }

                        RequireValidText(property.Value, where == "body" ? name : where + "." + name);
                    }

                    break;
            }
        }

        private static EngramException InvalidText(string where) =>
            EngineErrors.Invalid("Invalid text in " + where + ": strings must be valid UTF-8 without lone surrogates");

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
