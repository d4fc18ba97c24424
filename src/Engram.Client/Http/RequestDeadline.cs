using System;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using Engram.Client.Errors;

namespace Engram.Client.Http
{
    /// <summary>
    /// The caller's cancellation combined with our own timeout (HttpClient.Timeout is not used), remembering
    /// which one fired so a failure can be reported truthfully: the caller's cancellation surfaces as
    /// <see cref="OperationCanceledException"/>, our timeout as a status-0 <see cref="EngramException"/>.
    /// </summary>
    internal sealed class RequestDeadline : IDisposable
    {
        private readonly CancellationToken _caller;
        private readonly CancellationToken _otherCaller;
        private readonly CancellationTokenSource _timeout;
        private readonly CancellationTokenSource _linked;
        private int _aborted;

        public RequestDeadline(CancellationToken caller, TimeSpan timeout)
            : this(caller, CancellationToken.None, timeout)
        {
        }

        /// <param name="caller">The caller's token.</param>
        /// <param name="otherCaller">A second caller token (a stream's enumerator token).</param>
        /// <param name="timeout">Our deadline; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none.</param>
        public RequestDeadline(CancellationToken caller, CancellationToken otherCaller, TimeSpan timeout)
        {
            _caller = caller;
            _otherCaller = otherCaller;
            Timeout = timeout;
            _timeout = new CancellationTokenSource();
            _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, otherCaller, _timeout.Token);
            // CancelAfter takes at most int.MaxValue ms (~24 days); anything longer is effectively infinite.
            if (timeout != System.Threading.Timeout.InfiniteTimeSpan && timeout.TotalMilliseconds < int.MaxValue)
            {
                _timeout.CancelAfter(timeout);
            }
        }

        public TimeSpan Timeout { get; }

        /// <summary>Cancelled by the caller, by the timeout, or by <see cref="Abort"/>.</summary>
        public CancellationToken Token => _linked.Token;

        public bool TimedOut => _timeout.IsCancellationRequested && !CallerCancelled;

        private bool CallerCancelled => _caller.IsCancellationRequested || _otherCaller.IsCancellationRequested;

        /// <summary>Stops whatever is in flight (an abandoned stream); failures after this count as cancellation.</summary>
        public void Abort()
        {
            Interlocked.Exchange(ref _aborted, 1);
            try
            {
                _linked.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        /// <summary>The exception to surface for a failure of the attempt this deadline guarded.</summary>
        public Exception Translate(Exception failure, SecretRedactor redactor)
        {
            if (failure is EngramException)
            {
                return failure;
            }

            if (CallerCancelled)
            {
                // Report the caller's own token (not our linked one) so `catch when (e.CancellationToken == mine)` works.
                var token = _caller.IsCancellationRequested ? _caller : _otherCaller;
                return failure is OperationCanceledException cancelled && cancelled.CancellationToken == token
                    ? failure
                    : new OperationCanceledException("The Engram request was cancelled.", failure, token);
            }

            if (_timeout.IsCancellationRequested)
            {
                return EngramErrors.TimedOut(Timeout);
            }

            if (Volatile.Read(ref _aborted) != 0)
            {
                return failure as OperationCanceledException ?? new OperationCanceledException("The Engram request was abandoned.", failure);
            }

            if (failure is HttpRequestException || failure is IOException || failure is SocketException || failure is OperationCanceledException)
            {
                return EngramErrors.Transport(failure, redactor);
            }

            return failure;
        }

        public void Dispose()
        {
            _linked.Dispose();
            _timeout.Dispose();
        }
    }
}
