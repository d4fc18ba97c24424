using System;
using System.Globalization;
using System.Management.Automation;
using Engram.Client;

namespace Engram.PowerShell.Errors
{
    /// <summary>
    /// Turns what the service throws into ErrorRecords with stable ErrorIds, a fitting category and a
    /// recommended action, keeping the original exception so <c>$_.Exception.Status</c> works.
    /// </summary>
    internal static class EngramErrorRecords
    {
        public const string ConnectAdvice =
            "Run 'Connect-Engram -ApiKey <key>' (or set the ENGRAM_API_KEY environment variable) to use Lumetra Engram, " +
            "or 'Connect-Engram -Local' to use the embedded local engine.";

        public static ErrorRecord FromException(Exception exception, object? target)
        {
            switch (exception)
            {
                case EngramException engram:
                    return FromEngram(engram, target);
                case Session.EmbeddingsCompanionMissingException missing:
                    return Create(missing, EngramErrorIds.EmbeddingsNotInstalled, ErrorCategory.NotInstalled, target, "Install-Module Lumetra.Engram.Embeddings");
                case ObjectDisposedException disposed:
                    return Create(disposed, EngramErrorIds.ConnectionClosed, ErrorCategory.ResourceUnavailable, target,
                        "This Engram connection was closed by Disconnect-Engram. " + ConnectAdvice);
                case ArgumentException argument:
                    return Create(argument, EngramErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, target, null);
                case OperationCanceledException canceled:
                    // Not Ctrl+C (that stops the pipeline before getting here): a timeout inside the client.
                    return Create(canceled, EngramErrorIds.Timeout, ErrorCategory.OperationTimeout, target,
                        "Retry, or raise the timeout with Connect-Engram -TimeoutSeconds.");
                case TimeoutException timeout:
                    return Create(timeout, EngramErrorIds.Timeout, ErrorCategory.OperationTimeout, target,
                        "Retry, or raise the timeout with Connect-Engram -TimeoutSeconds.");
                default:
                    return Create(exception, EngramErrorIds.UnexpectedError, ErrorCategory.NotSpecified, target, null);
            }
        }

        public static ErrorRecord NotConnected()
        {
            var exception = new InvalidOperationException("Not connected to Engram. " + ConnectAdvice);
            return Create(exception, EngramErrorIds.NotConnected, ErrorCategory.InvalidOperation, null, ConnectAdvice);
        }

        /// <summary>
        /// The local database file could not be opened or created: the message names the path and the cause
        /// (see StorageFaults); the action says what to try.
        /// </summary>
        public static ErrorRecord DatabaseUnavailable(Exception exception, string? path) =>
            Create(exception, EngramErrorIds.DatabaseUnavailable, ErrorCategory.OpenError, path,
                "Check that the folder exists or can be created and that you may read and write it and the file, or pass another -Path " +
                "(Connect-Engram -Local -InMemory needs no file).");

        public static ErrorRecord Create(Exception exception, string errorId, ErrorCategory category, object? target, string? recommendedAction)
        {
            var record = new ErrorRecord(exception, errorId, category, target);
            if (recommendedAction != null)
            {
                record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = recommendedAction };
            }

            return record;
        }

        private static ErrorRecord FromEngram(EngramException exception, object? target)
        {
            var (category, action) = Classify(exception);
            return Create(exception, IdOf(exception), category, target, action);
        }

        /// <summary>A not-found the server named by its code gets its own id; any other refusal is EngramHttp&lt;status&gt;.</summary>
        private static string IdOf(EngramException exception)
        {
            if (exception.Status == 0)
            {
                return EngramErrorIds.TransportError;
            }

            switch (exception.Code)
            {
                case EngramErrorCodes.BucketNotFound:
                    return EngramErrorIds.BucketNotFound;
                case EngramErrorCodes.MemoryNotFound:
                    return EngramErrorIds.MemoryNotFound;
                default:
                    return EngramErrorIds.HttpStatusPrefix + exception.Status.ToString(CultureInfo.InvariantCulture);
            }
        }

        private static (ErrorCategory Category, string? Action) Classify(EngramException exception)
        {
            switch (exception.Status)
            {
                case 0:
                    return (ErrorCategory.ConnectionError,
                        "Check that the Engram service is reachable at the connection's BaseUrl (Get-EngramConnection), then retry.");
                case 400:
                    return (ErrorCategory.InvalidArgument, "Correct the request as the message says, then retry.");
                case 401:
                    return (ErrorCategory.AuthenticationError,
                        "Check the API key: run 'Connect-Engram -ApiKey <key>' or set ENGRAM_API_KEY to a valid key.");
                case 403:
                    return (ErrorCategory.PermissionDenied, "Use an API key that is allowed to do this.");
                case 404 when exception.Code == EngramErrorCodes.BucketNotFound:
                    return (ErrorCategory.ObjectNotFound,
                        "Check the bucket name (names are case-sensitive): Get-EngramBucket lists the buckets, New-EngramBucket creates one.");
                case 404:
                    return (ErrorCategory.ObjectNotFound, "Check the name or id; Get-EngramBucket lists the buckets, Get-EngramMemory their memories.");
                case 409:
                    return (ErrorCategory.ResourceExists, "Use the existing resource, or pick another name.");
                case 412 when string.Equals(exception.Code, EngramErrorCodes.ProfilerNotInstalled, StringComparison.OrdinalIgnoreCase):
                    return (ErrorCategory.NotEnabled,
                        "Install the Bucket Profiler agent on the bucket first: in the Lumetra dashboard, or on a local connection with 'Update-EngramProfile -Bucket <name> -Install'.");
                case 412:
                    return (ErrorCategory.NotEnabled,
                        "Configure a model provider key (BYOK) for your tenant in the Lumetra portal (Models page), then retry.");
                case 413:
                    return (ErrorCategory.InvalidData, "Split the content into smaller memories (at most 100,000 characters each).");
                case 429:
                    var wait = exception.RetryAfter.HasValue
                        ? " The service asked to wait " + Math.Ceiling(exception.RetryAfter.Value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + " s."
                        : "";
                    return (ErrorCategory.LimitsExceeded,
                        "Too many concurrent requests: retry later, lower -ThrottleLimit, or raise Connect-Engram -MaxRetriesOn429." + wait);
                case 500:
                    return (ErrorCategory.InvalidResult, "The service failed; retry later.");
                default:
                    if (exception.Status >= 500)
                    {
                        return (ErrorCategory.ConnectionError, "The service or a gateway failed; retry later.");
                    }

                    return (ErrorCategory.InvalidOperation, null);
            }
        }
    }
}
