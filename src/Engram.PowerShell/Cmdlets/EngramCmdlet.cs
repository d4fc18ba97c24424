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

        /// <summary>Overrides call this first: -Debug shows this cmdlet's traces without asking about each one.</summary>
        protected override void BeginProcessing()
        {
            TracePreferences.ContinueInsteadOfInquire(this);
        }

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

        /// <summary>
        /// The one way a cmdlet runs a service call: off the pipeline thread, writing its traces meanwhile. A
        /// failure becomes a non-terminating error on <paramref name="target"/> and the pipeline goes on;
        /// false tells the caller to skip what depended on the result. Ctrl+C stops the pipeline. The caller
        /// writes the result itself, outside the try, so a later command's failure is never reported as ours.
        /// </summary>
        internal bool TryRun<T>(Func<CancellationToken, Task<T>> work, object? target, out T result)
        {
            try
            {
                result = Run(work);
                return true;
            }
            catch (Exception ex) when (IsOperationFailure(ex))
            {
                WriteServiceError(ex, target);
                result = default!;
                return false;
            }
        }

        /// <inheritdoc cref="TryRun{T}(Func{CancellationToken, Task{T}}, object?, out T)"/>
        internal bool TryRun(Func<CancellationToken, Task> work, object? target) =>
            TryRun(ct => Completed(work(ct)), target, out _);

        /// <summary>Runs <paramref name="work"/> off the pipeline thread and returns its result; its failure is thrown here.</summary>
        internal T Run<T>(Func<CancellationToken, Task<T>> work)
        {
            var task = Start(work);
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

        /// <summary>
        /// Waits on the pipeline thread for <paramref name="task"/> to finish, writing what it posted meanwhile;
        /// leaves its failure to the caller. Ctrl+C ends the wait at once with a stopped pipeline.
        /// </summary>
        internal void WaitFor(Task task)
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

        /// <summary>Queues a write for the pipeline thread: the only way work running elsewhere may write.</summary>
        internal void Post(Action write) => _pump.Post(write);

        /// <summary>Writes a non-terminating error for a failed operation; the pipeline goes on.</summary>
        internal void WriteServiceError(Exception exception, object? target) =>
            WriteError(EngramErrorRecords.FromException(exception, target));

        /// <summary>Stops the command with the failure as a terminating error.</summary>
        internal void ThrowServiceError(Exception exception, object? target) =>
            ThrowTerminatingError(EngramErrorRecords.FromException(exception, target));

        /// <summary>True for exceptions that are an operation's failure, false for the pipeline stopping.</summary>
        internal static bool IsOperationFailure(Exception exception) =>
            !(exception is PipelineStoppedException) && !(exception is PipelineClosedException);

        /// <summary>True when the user gave <paramref name="parameter"/>, so a default the service owns is not sent in its place.</summary>
        internal bool IsBound(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

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

        private static async Task<bool> Completed(Task task)
        {
            await task.ConfigureAwait(false);
            return true;
        }

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
