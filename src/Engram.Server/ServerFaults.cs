using System.Threading;
using System.Threading.Tasks;
using Engram.Local.Validation;

namespace Engram.Server
{
    /// <summary>
    /// Fault injection knobs, so Engram clients can be tested against failures a healthy engine never
    /// produces (wire spec §16.2.8). All members are thread-safe and take effect on the next request.
    /// </summary>
    public sealed class ServerFaults
    {
        public const string DefaultMidStreamErrorMessage = "Synthesis provider timed out";

        private int _next429Count;
        private volatile bool _byokMissing;
        private volatile bool _midStreamError;
        private volatile string _midStreamErrorMessage = DefaultMidStreamErrorMessage;
        private volatile bool _truncateStream;
        private volatile bool _pauseStreamsAfterFirstDelta;
        private TaskCompletionSource<bool> _pauseRelease = NewRelease();

        /// <summary>Answer the next N authenticated requests 429 with <c>Retry-After</c>, doing nothing else.</summary>
        public int Next429Count
        {
            get => Volatile.Read(ref _next429Count);
            set => Volatile.Write(ref _next429Count, value < 0 ? 0 : value);
        }

        /// <summary>Store and query answer 412 "No model provider key configured" (code BYOK_NOT_CONFIGURED).</summary>
        public bool ByokMissing
        {
            get => _byokMissing;
            set => _byokMissing = value;
        }

        /// <summary>Streamed queries send at most one delta, then an <c>{"error":…}</c> frame, and close without [DONE].</summary>
        public bool MidStreamError
        {
            get => _midStreamError;
            set => _midStreamError = value;
        }

        /// <summary>The message of the injected mid-stream error frame.</summary>
        public string MidStreamErrorMessage
        {
            get => _midStreamErrorMessage;
            set => _midStreamErrorMessage = string.IsNullOrEmpty(value) ? DefaultMidStreamErrorMessage : value;
        }

        /// <summary>Streamed queries close after at most one delta, without final frame or [DONE].</summary>
        public bool TruncateStream
        {
            get => _truncateStream;
            set => _truncateStream = value;
        }

        /// <summary>
        /// Streamed queries stop after their first delta (sending keep-alive comments) until
        /// <see cref="ReleasePausedStreams"/>: lets a test hold a request in flight or read a frame before the rest exists.
        /// </summary>
        public bool PauseStreamsAfterFirstDelta
        {
            get => _pauseStreamsAfterFirstDelta;
            set => _pauseStreamsAfterFirstDelta = value;
        }

        /// <summary>Lets every currently paused stream continue. Streams that pause later wait for the next call.</summary>
        public void ReleasePausedStreams()
        {
            var released = Interlocked.Exchange(ref _pauseRelease, NewRelease());
            released.TrySetResult(true);
        }

        /// <summary>The injected "tenant has no model provider key" refusal of store and query (wire spec §2, §3.7).</summary>
        internal void ThrowIfByokMissing()
        {
            if (ByokMissing)
            {
                throw EngineErrors.ByokMissing();
            }
        }

        /// <summary>Consumes one injected 429, if any are left.</summary>
        internal bool TryTake429()
        {
            while (true)
            {
                var left = Volatile.Read(ref _next429Count);
                if (left <= 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _next429Count, left - 1, left) == left)
                {
                    return true;
                }
            }
        }

        /// <summary>The task a stream pausing now waits for.</summary>
        internal Task PauseReleased => Volatile.Read(ref _pauseRelease).Task;

        private static TaskCompletionSource<bool> NewRelease() =>
            new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
