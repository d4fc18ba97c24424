using System;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client.Diagnostics;
using Engram.PowerShell.Errors;
using Engram.PowerShell.Runtime;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// What every Engram cmdlet shares: Ctrl+C cancels in-flight work, async work runs off the pipeline
    /// thread while its Verbose/Debug traces are written on it, and failures become ErrorRecords.
    /// </summary>
    public abstract class EngramCmdlet : PSCmdlet, IDisposable
    {
        private const int MaxDebugBodyLength = 4096;

        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly PipelinePump _pump = new PipelinePump();

        /// <summary>Cancelled when the user presses Ctrl+C (StopProcessing).</summary>
        internal CancellationToken StopToken => _stop.Token;

        internal PipelinePump Pump => _pump;

        protected override void StopProcessing()
        {
            try
            {
                _stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The cmdlet already finished.
            }
        }

        /// <summary>Starts <paramref name="work"/> off the pipeline thread, with this cmdlet's trace listeners in its async flow.</summary>
        internal Task<T> Start<T>(Func<CancellationToken, Task<T>> work)
        {
            var token = StopToken;
            return Task.Run(
                async () =>
                {
                    using (ListenForTraces())
                    {
                        return await work(token).ConfigureAwait(false);
                    }
                },
                token);
        }

        internal Task Start(Func<CancellationToken, Task> work) =>
            Start<bool>(async token =>
            {
                await work(token).ConfigureAwait(false);
                return true;
            });

        /// <summary>Waits for <paramref name="task"/> on the pipeline thread, writing its traces meanwhile; rethrows its own exception.</summary>
        internal T Await<T>(Task<T> task)
        {
            try
            {
                _pump.WaitFor(task, StopToken);
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Ctrl+C: stop quietly, the way PowerShell expects a stopped pipeline to end.
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Waits for <paramref name="task"/> to finish, writing its traces meanwhile; leaves its failure to the caller.</summary>
        internal void WaitForCompletion(Task task)
        {
            try
            {
                _pump.WaitFor(task, StopToken);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        internal void Await(Task task) => Await(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default));

        internal T Run<T>(Func<CancellationToken, Task<T>> work) => Await(Start(work));

        internal void Run(Func<CancellationToken, Task> work) => Await(Start(work));

        /// <summary>Writes a non-terminating error for a failed operation; the pipeline goes on.</summary>
        internal void WriteServiceError(Exception exception, object? target) =>
            WriteError(EngramErrorRecords.FromException(exception, target));

        /// <summary>Stops the command with the failure as a terminating error.</summary>
        internal void ThrowServiceError(Exception exception, object? target) =>
            ThrowTerminatingError(EngramErrorRecords.FromException(exception, target));

        /// <summary>True for exceptions that are an operation's failure, false for the pipeline stopping.</summary>
        internal static bool IsOperationFailure(Exception exception) =>
            !(exception is PipelineStoppedException) && !(exception is PipelineClosedException);

        /// <summary>
        /// ShouldProcess where <paramref name="force"/> skips the confirmation prompt but never -WhatIf:
        /// <c>-Force -WhatIf</c> still sends nothing.
        /// </summary>
        internal bool ShouldProcessUnlessForced(string target, string action, bool force)
        {
            if (!force || IsWhatIf() || IsSwitchBound("Confirm"))
            {
                return ShouldProcess(target, action);
            }

            return true;
        }

        internal void WriteProgressStatus(int activityId, string activity, string status, int percent = -1)
        {
            WriteProgress(new ProgressRecord(activityId, activity, status) { PercentComplete = percent });
        }

        internal void CompleteProgress(int activityId, string activity)
        {
            WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }

        /// <summary>
        /// Shows text on the host as it arrives without putting it into the output pipeline: as an information
        /// record tagged PSHOST, exactly like Write-Host, so the console shows it, 6&gt; captures it and
        /// a host without a console still receives it in its information stream.
        /// </summary>
        internal void WriteHostText(string text, bool noNewLine)
        {
            var message = new HostInformationMessage { Message = text, NoNewLine = noNewLine };
            WriteInformation(message, new[] { "PSHOST", "Engram" });
        }

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (disposing)
            {
                _pump.Dispose();
                _stop.Dispose();
            }
        }

        private bool IsWhatIf()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound))
            {
                return LanguagePrimitives.IsTrue(bound);
            }

            return LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
        }

        private bool IsSwitchBound(string name) =>
            MyInvocation.BoundParameters.TryGetValue(name, out var bound) && LanguagePrimitives.IsTrue(bound);

        private IDisposable ListenForTraces()
        {
            var http = EngramTrace.Listen(trace => _pump.Post(() => WriteRequestTrace(trace)));
            var local = TracingEngramService.Operations.Listen(record => _pump.Post(() => WriteLocalTrace(record)));
            return new CombinedDisposable(local, http);
        }

        private void WriteRequestTrace(EngramRequestTrace trace)
        {
            var attempt = trace.Attempt > 1 ? " attempt " + trace.Attempt.ToString(CultureInfo.InvariantCulture) : "";
            WriteVerbose(string.Format(
                CultureInfo.InvariantCulture,
                "{0} {1} -> {2} ({3:0} ms{4})",
                trace.Method,
                trace.Path,
                trace.Status,
                trace.Duration.TotalMilliseconds,
                attempt));
            if (!string.IsNullOrEmpty(trace.RequestBody))
            {
                WriteDebug("Request body: " + Shorten(trace.RequestBody!));
            }

            if (!string.IsNullOrEmpty(trace.ResponseBody))
            {
                WriteDebug("Response body: " + Shorten(trace.ResponseBody!));
            }
        }

        private void WriteLocalTrace(LocalOperationRecord record)
        {
            WriteVerbose(string.Format(
                CultureInfo.InvariantCulture,
                "Local engine {0} {1} -> {2} ({3:0} ms)",
                record.Operation,
                record.Detail,
                record.Outcome,
                record.Duration.TotalMilliseconds));
        }

        private static string Shorten(string body) =>
            body.Length <= MaxDebugBodyLength ? body : body.Substring(0, MaxDebugBodyLength) + "... (" + body.Length.ToString(CultureInfo.InvariantCulture) + " characters)";

        private sealed class CombinedDisposable : IDisposable
        {
            private readonly IDisposable _first;
            private readonly IDisposable _second;

            public CombinedDisposable(IDisposable first, IDisposable second)
            {
                _first = first;
                _second = second;
            }

            public void Dispose()
            {
                _first.Dispose();
                _second.Dispose();
            }
        }
    }
}
