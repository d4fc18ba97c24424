using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using Engram.PowerShell.Session;

namespace Engram.PowerShell.Binding
{
    /// <summary>
    /// Tab completion of bucket names from the connected service (the command's -Connection, else the
    /// session's). Asks with a short timeout and offers nothing rather than failing or hanging the prompt.
    /// </summary>
    public sealed class BucketNameCompleter : IArgumentCompleter
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var connection = (fakeBoundParameters?["Connection"] is PSObject ps ? ps.BaseObject : fakeBoundParameters?["Connection"]) as EngramConnection
                    ?? EngramSession.Current.Resolve();
                if (connection == null || !connection.IsOpen)
                {
                    return Array.Empty<CompletionResult>();
                }

                var typed = (wordToComplete ?? "").Trim('\'', '"');
                var pattern = WildcardPattern.Get(typed + "*", WildcardOptions.IgnoreCase);
                using (var timeout = new CancellationTokenSource(Timeout))
                {
                    var listing = connection.Service.ListBucketsAsync(timeout.Token);
                    if (!listing.Wait(Timeout))
                    {
                        return Array.Empty<CompletionResult>();
                    }

                    return listing.Result
                        .Select(b => b.Name)
                        .Where(name => pattern.IsMatch(name))
                        .OrderBy(name => name, StringComparer.OrdinalIgnoreCase)
                        .Select(name => new CompletionResult(Quote(name), name, CompletionResultType.ParameterValue, name))
                        .ToList();
                }
            }
            catch (Exception)
            {
                // Completion must never throw at the prompt: no connection, a 401, a timeout all mean "no suggestions".
                return Array.Empty<CompletionResult>();
            }
        }

        private static string Quote(string name) =>
            name.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', ';', ',', '(', ')', '{', '}', '@', '#', '|', '&' }) < 0
                ? name
                : "'" + name.Replace("'", "''") + "'";
    }
}
