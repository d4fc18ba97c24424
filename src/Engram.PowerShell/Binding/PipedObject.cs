using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace Engram.PowerShell.Binding
{
    /// <summary>
    /// Reads the columns of a piped object (an Import-Csv row, a PSCustomObject, any .NET object or a
    /// hashtable) by name, case-insensitively, the way PowerShell's by-property-name binding does.
    /// </summary>
    internal static class PipedObject
    {
        /// <summary>The properties that hold the memory text, in the order they are looked for.</summary>
        internal static readonly string[] ContentNames = { "Content", "Text", "Memory", "Fact" };

        /// <summary>The properties that name the bucket of a row.</summary>
        internal static readonly string[] BucketNames = { "Bucket", "BucketName" };

        /// <summary>How many property names an error lists at most.</summary>
        private const int MaxNamesShown = 20;

        /// <summary>The object under a PSObject wrapper.</summary>
        public static object? Unwrap(object? input) => input is PSObject ps ? ps.BaseObject : input;

        /// <summary>True for text and numbers: the value is the memory itself, it has no columns.</summary>
        public static bool IsScalar(object? input)
        {
            var value = Unwrap(input);
            return value is string || value is ValueType;
        }

        /// <summary>True when the object has the property (or hashtable key) <paramref name="name"/>.</summary>
        public static bool TryGet(object? input, string name, out object? value)
        {
            value = null;
            var baseObject = Unwrap(input);
            if (baseObject == null || IsScalar(baseObject))
            {
                return false;
            }

            if (baseObject is IDictionary map)
            {
                foreach (DictionaryEntry entry in map)
                {
                    if (string.Equals(entry.Key as string, name, StringComparison.OrdinalIgnoreCase))
                    {
                        value = entry.Value;
                        return true;
                    }
                }

                return false;
            }

            var property = PSObject.AsPSObject(input).Properties[name];
            if (property == null)
            {
                return false;
            }

            value = property.Value;
            return true;
        }

        /// <summary>The first of <paramref name="names"/> the object has.</summary>
        public static bool TryGetFirst(object? input, IEnumerable<string> names, out object? value)
        {
            foreach (var name in names)
            {
                if (TryGet(input, name, out value))
                {
                    return true;
                }
            }

            value = null;
            return false;
        }

        /// <summary>A value as PowerShell turns it into text (null is empty).</summary>
        public static string Text(object? value) =>
            value == null ? "" : (string)LanguagePrimitives.ConvertTo(value, typeof(string), CultureInfo.InvariantCulture);

        /// <summary>The property (or key) names of the object, for an error: never their values, which may be anything.</summary>
        public static string DescribeNames(object? input)
        {
            var baseObject = Unwrap(input);
            IEnumerable<string> names = baseObject is IDictionary map
                ? map.Keys.Cast<object>().Select(k => Convert.ToString(k, CultureInfo.InvariantCulture) ?? "")
                : baseObject == null ? Enumerable.Empty<string>() : PSObject.AsPSObject(input).Properties.Select(p => p.Name);
            var list = names.ToList();
            if (list.Count == 0)
            {
                return "(none)";
            }

            return string.Join(", ", list.Take(MaxNamesShown)) + (list.Count > MaxNamesShown ? ", …" : "");
        }
    }
}
