using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Text.Json;

namespace Engram.PowerShell.Conversion
{
    /// <summary>
    /// JSON values to and from PowerShell values: answer_json becomes PSCustomObjects and arrays the way
    /// ConvertFrom-Json would make them; a -ResponseSchema hashtable becomes a JSON value.
    /// </summary>
    internal static class PSJsonConverter
    {
        public static object? ToPSValue(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var obj = new PSObject();
                    foreach (var property in element.EnumerateObject())
                    {
                        // Later duplicates win, as in ConvertFrom-Json.
                        obj.Properties.Remove(property.Name);
                        obj.Properties.Add(new PSNoteProperty(property.Name, ToPSValue(property.Value)));
                    }

                    return obj;
                case JsonValueKind.Array:
                    var items = new object?[element.GetArrayLength()];
                    var i = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        items[i++] = ToPSValue(item);
                    }

                    return items;
                case JsonValueKind.String:
                    return element.GetString();
                case JsonValueKind.Number:
                    if (element.TryGetInt32(out var int32))
                    {
                        return int32;
                    }

                    if (element.TryGetInt64(out var int64))
                    {
                        return int64;
                    }

                    return element.GetDouble();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                default:
                    return null;
            }
        }

        /// <summary>JSON text, a hashtable/dictionary, a PSCustomObject or an array, as one JSON value.</summary>
        public static JsonElement ToJsonElement(object? value)
        {
            value = Unwrap(value);
            if (value is string text)
            {
                using (var document = JsonDocument.Parse(text))
                {
                    return document.RootElement.Clone();
                }
            }

            using (var buffer = new MemoryStream())
            {
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    Write(writer, value, depth: 0);
                }

                using (var document = JsonDocument.Parse(buffer.ToArray()))
                {
                    return document.RootElement.Clone();
                }
            }
        }

        private static object? Unwrap(object? value) =>
            value is PSObject ps && !(ps.BaseObject is PSCustomObject) ? ps.BaseObject : value;

        private static void Write(Utf8JsonWriter writer, object? value, int depth)
        {
            if (depth > 64)
            {
                throw new ArgumentException("The value is nested too deeply to convert to JSON (more than 64 levels).");
            }

            value = Unwrap(value);
            switch (value)
            {
                case null:
                    writer.WriteNullValue();
                    return;
                case string s:
                    writer.WriteStringValue(s);
                    return;
                case char c:
                    writer.WriteStringValue(c.ToString());
                    return;
                case bool b:
                    writer.WriteBooleanValue(b);
                    return;
                case SwitchParameter sw:
                    writer.WriteBooleanValue(sw.IsPresent);
                    return;
                case Enum e:
                    writer.WriteStringValue(e.ToString());
                    return;
                case DateTime dt:
                    writer.WriteStringValue(dt.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case DateTimeOffset dto:
                    writer.WriteStringValue(dto.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case byte _:
                case sbyte _:
                case short _:
                case ushort _:
                case int _:
                case uint _:
                case long _:
                    writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    return;
                case ulong ul:
                    writer.WriteNumberValue(ul);
                    return;
                case float _:
                case double _:
                    writer.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                    return;
                case decimal m:
                    writer.WriteNumberValue(m);
                    return;
                case IDictionary dictionary:
                    writer.WriteStartObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
                        Write(writer, entry.Value, depth + 1);
                    }

                    writer.WriteEndObject();
                    return;
                case PSObject custom:
                    writer.WriteStartObject();
                    foreach (var property in custom.Properties)
                    {
                        writer.WritePropertyName(property.Name);
                        Write(writer, property.Value, depth + 1);
                    }

                    writer.WriteEndObject();
                    return;
                case IEnumerable sequence:
                    writer.WriteStartArray();
                    foreach (var item in sequence)
                    {
                        Write(writer, item, depth + 1);
                    }

                    writer.WriteEndArray();
                    return;
                default:
                    writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    return;
            }
        }
    }
}
