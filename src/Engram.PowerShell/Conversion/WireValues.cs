using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace Engram.PowerShell.Conversion
{
    /// <summary>
    /// Wire values as PowerShell users want them: ISO-8601 text as a DateTimeOffset, JSON text as objects,
    /// and lists that say what they hold when PowerShell turns them into text (Export-Csv, a string).
    /// </summary>
    internal static class WireValues
    {
        /// <summary>The time the server sent; text without an offset is UTC (the wire's convention); null when absent or not a time.</summary>
        public static DateTimeOffset? ToTime(string? text) =>
            !string.IsNullOrWhiteSpace(text) &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                ? time
                : (DateTimeOffset?)null;

        /// <summary>
        /// Opaque profile text (spec §4.11): a JSON object or array (as the hosted profiler writes) becomes
        /// PowerShell objects the way ConvertFrom-Json makes them; any other text stays text.
        /// </summary>
        public static object? ToTextOrObject(string? text)
        {
            var trimmed = text?.Trim();
            if (string.IsNullOrEmpty(trimmed) || (trimmed![0] != '{' && trimmed[0] != '['))
            {
                return text;
            }

            try
            {
                using (var document = JsonDocument.Parse(trimmed))
                {
                    return PSJsonConverter.ToPSValue(document.RootElement);
                }
            }
            catch (JsonException)
            {
                return text;
            }
        }

        /// <summary>Bucket name → profile, as one object with a property per bucket.</summary>
        public static PSObject? ToObject(IReadOnlyDictionary<string, string?>? profiles)
        {
            if (profiles == null)
            {
                return null;
            }

            var result = new PSObject();
            foreach (var pair in profiles)
            {
                result.Properties.Add(new PSNoteProperty(pair.Key, ToTextOrObject(pair.Value)));
            }

            return result;
        }

        public static IReadOnlyList<T> ToList<T>(IEnumerable<T> items) => new ReadableList<T>(items.ToList());

        public static IReadOnlyList<TOut> ToList<TIn, TOut>(IEnumerable<TIn>? items, Func<TIn, TOut> convert) =>
            new ReadableList<TOut>((items ?? Enumerable.Empty<TIn>()).Select(convert).ToList());
    }

    /// <summary>
    /// A read-only list whose text is its items' text ("ops; team"), not its type name: Export-Csv and
    /// string conversion show the data. JSON and Start-Job see an ordinary list.
    /// </summary>
    internal sealed class ReadableList<T> : ReadOnlyCollection<T>
    {
        public ReadableList(IList<T> items)
            : base(items)
        {
        }

        public override string ToString() => string.Join("; ", this.Select(i => i?.ToString()));
    }
}
