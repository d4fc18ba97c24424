using System;
using System.Threading;

namespace Engram.PowerShell.Runtime
{
    /// <summary>One operation of the in-process engine, as <c>-Verbose</c> shows it.</summary>
    internal sealed class LocalOperationRecord
    {
        public LocalOperationRecord(string operation, string detail, string outcome, TimeSpan duration)
        {
            Operation = operation;
            Detail = detail;
            Outcome = outcome;
            Duration = duration;
        }

        public string Operation { get; }

        public string Detail { get; }

        /// <summary><c>OK</c>, or the HTTP-like status of the engine's error.</summary>
        public string Outcome { get; }

        public TimeSpan Duration { get; }
    }

    /// <summary>
    /// Where <see cref="TracingEngramService"/> reports operations: an async-flow-scoped listener, the
    /// in-process twin of the client's EngramTrace, so a cmdlet only hears its own operations.
    /// </summary>
    internal static class LocalOperationTrace
    {
        private static readonly AsyncLocal<Action<LocalOperationRecord>?> Listener = new AsyncLocal<Action<LocalOperationRecord>?>();

        public static IDisposable Listen(Action<LocalOperationRecord> listener)
        {
            var previous = Listener.Value;
            Listener.Value = listener;
            return new Scope(previous);
        }

        public static void Emit(LocalOperationRecord record) => Listener.Value?.Invoke(record);

        private sealed class Scope : IDisposable
        {
            private readonly Action<LocalOperationRecord>? _previous;

            public Scope(Action<LocalOperationRecord>? previous) => _previous = previous;

            public void Dispose() => Listener.Value = _previous;
        }
    }
}
