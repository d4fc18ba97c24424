using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Engram.Client;
using Engram.PowerShell.Binding;
using Engram.PowerShell.Errors;
using Engram.PowerShell.Session;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>A cmdlet that talks to Engram: takes -Connection, else the session's connection, else ENGRAM_API_KEY.</summary>
    public abstract class EngramServiceCmdlet : EngramCmdlet
    {
        private EngramConnection? _resolved;
        private IReadOnlyList<string>? _bucketNames;

        /// <summary>The connection to use instead of the session's default (from Connect-Engram -PassThru).</summary>
        [Parameter]
        [ValidateNotNull]
        public EngramConnection? Connection { get; set; }

        /// <summary>
        /// Resolves the connection on the pipeline thread, before any work starts: the session lookup needs the
        /// runspace, which the thread-pool threads running the requests do not have. Overrides call this first.
        /// </summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            var connection = ResolveConnection();
            if (!connection.IsOpen)
            {
                ThrowServiceError(new ObjectDisposedException(nameof(EngramConnection), "This Engram connection is closed."), connection);
            }
        }

        /// <summary>
        /// The service behind the connection BeginProcessing resolved; safe on any thread. A closed connection
        /// throws ObjectDisposedException, which the cmdlets report as EngramConnectionClosed.
        /// </summary>
        internal IEngramService Service =>
            (_resolved ?? throw new InvalidOperationException("BeginProcessing resolves the connection before any work uses it.")).Service;

        /// <summary>
        /// The connection this command uses: -Connection, else the session's. Stops the command with a
        /// terminating EngramNotConnected error when there is none. Pipeline thread only.
        /// </summary>
        internal EngramConnection ResolveConnection()
        {
            if (_resolved != null)
            {
                return _resolved;
            }

            if (Connection != null)
            {
                return _resolved = Connection;
            }

            EngramConnection? connection = null;
            try
            {
                connection = EngramSession.Current.Resolve();
            }
            catch (Exception ex) when (IsOperationFailure(ex))
            {
                ThrowServiceError(ex, null);
            }

            if (connection == null)
            {
                ThrowTerminatingError(EngramErrorRecords.NotConnected());
            }

            return _resolved = connection!;
        }

        /// <summary>
        /// The buckets a bucket parameter's values select (the <see cref="BucketNames"/> rules), each once, in
        /// the order given. A value without wildcards whose bucket does not exist gets a non-terminating
        /// EngramBucketNotFound error naming the closest existing buckets and is left out (servers answer reads
        /// of a missing bucket with an empty success, §17 Q9, so only the bucket list can tell); a wildcard
        /// that matches nothing is no error. <c>default</c> always exists: servers create it on first use
        /// (Q10). When the bucket list cannot be read, names are used as given and wildcards are skipped, with
        /// a warning. Pipeline thread only.
        /// </summary>
        internal IReadOnlyList<string> ResolveBuckets(IEnumerable<string> values)
        {
            var resolved = new List<string>();
            foreach (var value in values)
            {
                var literal = !BucketNames.HasWildcards(value);
                foreach (var name in ResolveBucket(literal ? BucketNames.Unescape(value) : value, literal))
                {
                    if (!resolved.Contains(name, StringComparer.Ordinal))
                    {
                        resolved.Add(name);
                    }
                }
            }

            return resolved;
        }

        /// <summary>True when the bucket named exactly <paramref name="name"/> exists; else writes EngramBucketNotFound, as ResolveBuckets does.</summary>
        internal bool RequireBucket(string name) => ResolveBucket(name, literal: true).Count > 0;

        private IReadOnlyList<string> ResolveBucket(string value, bool literal)
        {
            if (literal && value == EngramLimits.DefaultBucket)
            {
                return new[] { value };
            }

            var existing = ListBucketNames(refresh: false);
            if (existing == null)
            {
                if (!literal)
                {
                    WriteWarning("Skipped '" + value + "': the bucket list could not be read to expand its wildcards.");
                    return Array.Empty<string>();
                }

                return new[] { value };
            }

            var matches = BucketNames.Select(existing, value, literal);
            if (matches.Count > 0 || !literal)
            {
                return matches;
            }

            // Maybe created since this command listed the buckets (by this pipeline or another client).
            existing = ListBucketNames(refresh: true);
            if (existing == null)
            {
                return new[] { value };
            }

            matches = BucketNames.Select(existing, value, literal);
            if (matches.Count == 0)
            {
                WriteServiceError(new EngramBucketNotFoundException(value, BucketNames.Closest(existing, value)), value);
            }

            return matches;
        }

        /// <summary>Lets a command that just listed the buckets resolve names against that list.</summary>
        internal void RememberBuckets(IEnumerable<Bucket> buckets) => _bucketNames = buckets.Select(b => b.Name).ToList();

        /// <summary>The names of the buckets, listed once per command (again with <paramref name="refresh"/>); null, with a warning, when the list failed.</summary>
        private IReadOnlyList<string>? ListBucketNames(bool refresh)
        {
            if (_bucketNames != null && !refresh)
            {
                return _bucketNames;
            }

            try
            {
                var buckets = Run(ct => Service.ListBucketsAsync(ct));
                return _bucketNames = buckets.Select(b => b.Name).ToList();
            }
            catch (Exception ex) when (IsOperationFailure(ex))
            {
                WriteWarning("Could not check which buckets exist, so bucket names are used as given: " + ex.Message);
                return null;
            }
        }
    }
}
