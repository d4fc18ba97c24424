using System.Globalization;
using System.Text.Json;

namespace Engram.Client.Protocol
{
    /// <summary>
    /// Tolerant field access on response JSON (wire spec §16.1.6): a field of the wrong kind reads as absent
    /// instead of failing the whole response, and integers written as <c>12.0</c> are accepted.
    /// </summary>
    internal static class LenientJson
    {
        public static bool TryGet(JsonElement obj, string name, out JsonElement value)
        {
            if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value))
            {
                return true;
            }

            value = default;
            return false;
        }

        /// <summary>A string field; numbers are accepted as their literal text (ids are opaque).</summary>
        public static string? String(JsonElement obj, string name)
        {
            if (!TryGet(obj, name, out var value))
            {
                return null;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return value.GetString();
                case JsonValueKind.Number:
                    return value.GetRawText();
                default:
                    return null;
            }
        }

        /// <summary>The first of several alternative names that is present as a string.</summary>
        public static string? String(JsonElement obj, string name, string fallbackName) =>
            String(obj, name) ?? String(obj, fallbackName);

        public static int? Int(JsonElement obj, string name)
        {
            if (!TryGet(obj, name, out var value) || value.ValueKind != JsonValueKind.Number)
            {
                return null;
            }

            if (value.TryGetInt32(out var exact))
            {
                return exact;
            }

            // 12.0 or 1.2e1: accept when integral and in range (Go's strict int decoding is a known pitfall, §3.4).
            if (value.TryGetDouble(out var d) && d == System.Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue)
            {
                return (int)d;
            }

            return null;
        }

        public static int? Int(JsonElement obj, string name, string fallbackName) =>
            Int(obj, name) ?? Int(obj, fallbackName);

        public static double? Double(JsonElement obj, string name)
        {
            if (!TryGet(obj, name, out var value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d))
            {
                return d;
            }

            if (value.ValueKind == JsonValueKind.String &&
                double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                return parsed;
            }

            return null;
        }

        public static double? Double(JsonElement obj, string name, string fallbackName) =>
            Double(obj, name) ?? Double(obj, fallbackName);

        public static bool? Bool(JsonElement obj, string name)
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
                    return null;
            }
        }

        /// <summary>A detached copy of a field (any kind, JSON null included), or null when absent.</summary>
        public static JsonElement? Clone(JsonElement obj, string name) =>
            TryGet(obj, name, out var value) ? value.Clone() : (JsonElement?)null;

        /// <summary>The array under <paramref name="name"/>, or null when absent or not an array.</summary>
        public static JsonElement? Array(JsonElement obj, string name) =>
            TryGet(obj, name, out var value) && value.ValueKind == JsonValueKind.Array ? value : (JsonElement?)null;

        /// <summary>JavaScript-style truthiness, used for the <c>error</c> key of stream frames (§8.2).</summary>
        public static bool IsTruthy(JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Null:
                case JsonValueKind.Undefined:
                case JsonValueKind.False:
                    return false;
                case JsonValueKind.String:
                    return value.GetString()!.Length > 0;
                case JsonValueKind.Number:
                    return !value.TryGetDouble(out var d) || d != 0;
                default:
                    return true;
            }
        }
    }
}
