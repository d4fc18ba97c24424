using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using Engram.Client;

namespace Engram.PowerShell.Binding
{
    /// <summary>-TopKPerBucket takes one number for every bucket, or a hashtable of bucket name to number.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class TopKPerBucketTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            switch (value)
            {
                case null:
                    return null;
                case TopKPerBucket already:
                    return already;
                case IDictionary map:
                    var perBucket = new Dictionary<string, int>(StringComparer.Ordinal);
                    foreach (DictionaryEntry entry in map)
                    {
                        var name = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "";
                        perBucket[name] = ToDepth(entry.Value, "'" + name + "'");
                    }

                    return TopKPerBucket.ForEach(perBucket);
                default:
                    return TopKPerBucket.ForAll(ToDepth(value, "-TopKPerBucket"));
            }
        }

        private static int ToDepth(object? value, string what)
        {
            try
            {
                var k = LanguagePrimitives.ConvertTo<int>(value);
                if (k < 1 || k > EngramLimits.MaxTopK)
                {
                    throw new ArgumentTransformationMetadataException(
                        string.Format(CultureInfo.InvariantCulture, "The depth for {0} must be between 1 and {1}.", what, EngramLimits.MaxTopK));
                }

                return k;
            }
            catch (PSInvalidCastException)
            {
                throw new ArgumentTransformationMetadataException(
                    "-TopKPerBucket takes a number (the same depth for every bucket) or a hashtable such as @{ docs = 20; chat = 4 }; the value for " + what + " is not a number.");
            }
        }
    }
}
