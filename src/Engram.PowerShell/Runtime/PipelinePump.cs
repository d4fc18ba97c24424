using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace Engram.PowerShell.Runtime
{
    /// <summary>
    /// Lets async work run off the pipeline thread while everything it wants to write happens on the
    /// pipeline thread: PowerShell's Write* methods throw when called from any other thread, yet the
    /// client's trace listener and streamed deltas arrive on thread-pool threads.
    /// </summary>
    internal sealed class PipelinePump : IDisposable
    {
        private readonly ConcurrentQueue<Action> _pending = new ConcurrentQueue<Action>();
        private readonly AutoResetEvent _posted = new AutoResetEvent(false);
        private volatile bool _disposed;

        /// <summary>Queues a write for the pipeline thread. Safe from any thread, also after the cmdlet ended.</summary>
        public void Post(Action write)
        {
            if (_disposed)
            {
                return;
            }

            _pending.Enqueue(write);
            try
            {
                _posted.Set();
            }
            catch (ObjectDisposedException)
            {
                // The cmdlet is gone; an abandoned request's late trace has nowhere to go.
            }
        }

        /// <summary>Runs every queued write. Pipeline thread only.</summary>
        public void Drain()
        {
            while (_pending.TryDequeue(out var write))
            {
                write();
            }
        }

        /// <summary>
        /// Pumps queued writes until <paramref name="task"/> completes. Returns early with
        /// <see cref="OperationCanceledException"/> when <paramref name="cancellation"/> fires, so Ctrl+C
        /// stops at once even if the work is slow to notice.
        /// </summary>
        public void WaitFor(Task task, CancellationToken cancellation)
        {
            var handles = new[] { ((IAsyncResult)task).AsyncWaitHandle, _posted, cancellation.WaitHandle };
            while (true)
            {
                Drain();
                if (task.IsCompleted)
                {
                    Drain();
                    return;
                }

                cancellation.ThrowIfCancellationRequested();
                WaitHandle.WaitAny(handles);
            }
        }

        public void Dispose()
        {
            _disposed = true;
            _posted.Dispose();
        }
    }
}
