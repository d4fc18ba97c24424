using System;
using System.Collections.Generic;
using System.Linq;

namespace Engram.Client
{
    /// <summary>
    /// A bucket that does not exist, named by a caller that needed it to (wire spec §17 Q9: reads of a missing
    /// bucket succeed empty, so clients check the bucket list and raise this). <see cref="EngramException.Code"/>
    /// is <see cref="EngramErrorCodes.BucketNotFound"/> and the status 404, as when a server refuses the bucket.
    /// </summary>
    public class EngramBucketNotFoundException : EngramException
    {
        public EngramBucketNotFoundException(string bucket, IEnumerable<string>? closestNames = null)
            : this(bucket, (closestNames ?? Array.Empty<string>()).ToArray())
        {
        }

        private EngramBucketNotFoundException(string bucket, string[] closestNames)
            : base(Describe(bucket, closestNames), 404, null, EngramErrorCodes.BucketNotFound)
        {
            Bucket = bucket;
            ClosestNames = closestNames;
        }

        /// <summary>The name that matched no bucket, exactly as given.</summary>
        public string Bucket { get; }

        /// <summary>Existing bucket names closest to <see cref="Bucket"/>, closest first; empty when none is close.</summary>
        public IReadOnlyList<string> ClosestNames { get; }

        private static string Describe(string bucket, string[] closestNames)
        {
            var message = "Bucket '" + bucket + "' was not found (bucket names are case-sensitive).";
            return closestNames.Length == 0
                ? message
                : message + " Did you mean " + string.Join(", ", closestNames.Select(n => "'" + n + "'")) + "?";
        }
    }
}
