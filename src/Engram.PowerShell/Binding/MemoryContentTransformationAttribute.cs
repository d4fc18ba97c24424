using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;

namespace Engram.PowerShell.Binding
{
    /// <summary>
    /// Takes the memory text out of a piped object (Content, Text, Memory or Fact property, or hashtable key).
    /// Without it, PowerShell's last-resort binding would turn an object that lacks those properties into the
    /// string "@{note=...}" and store that; with it, such an object fails to bind and is reported instead.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class MemoryContentTransformationAttribute : ArgumentTransformationAttribute
    {
        internal static readonly string[] ContentNames = { "Content", "Text", "Memory", "Fact" };

        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            if (value == null || value is string || value is ValueType || (value is IEnumerable && !(value is IDictionary)))
            {
                return inputData;
            }

            if (value is IDictionary map)
            {
                foreach (DictionaryEntry entry in map)
                {
                    if (ContentNames.Any(n => string.Equals(n, entry.Key as string, StringComparison.OrdinalIgnoreCase)))
                    {
                        return entry.Value;
                    }
                }
            }
            else
            {
                var wrapped = PSObject.AsPSObject(inputData);
                foreach (var name in ContentNames)
                {
                    var property = wrapped.Properties[name];
                    if (property != null)
                    {
                        return property.Value;
                    }
                }
            }

            // Name the properties the object has, never their values (they may be anything).
            var names = value is IDictionary keys
                ? keys.Keys.Cast<object>().Select(k => Convert.ToString(k, System.Globalization.CultureInfo.InvariantCulture))
                : PSObject.AsPSObject(inputData).Properties.Select(p => p.Name);
            throw new ArgumentTransformationMetadataException(
                "The input has no Content, Text, Memory or Fact property to store (it has: " + string.Join(", ", names.Take(10)) + "). " +
                "Rename the column, or pipe the text itself.");
        }
    }
}
