using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;

namespace Engram.Client
{
    /// <summary>One event of a streamed query (wire spec §8.2).</summary>
    public sealed class QueryStreamEvent
    {
        private QueryStreamEvent(QueryStreamEventType type, string? content, QueryResult? final, JsonElement? raw)
        {
            Type = type;
            Content = content;
            Final = final;
            Raw = raw;
        }

        public QueryStreamEventType Type { get; }

        /// <summary>The text of a delta event; null for done.</summary>
        public string? Content { get; }

        /// <summary>The decoded final frame of a done event; null for deltas.</summary>
        public QueryResult? Final { get; }

        /// <summary>The final frame as sent, for fields the typed result does not model.</summary>
        public JsonElement? Raw { get; }

        public static QueryStreamEvent Delta(string content) =>
            new QueryStreamEvent(QueryStreamEventType.Delta, content ?? throw new ArgumentNullException(nameof(content)), null, null);

        public static QueryStreamEvent Done(QueryResult final, JsonElement? raw = null) =>
            new QueryStreamEvent(QueryStreamEventType.Done, null, final ?? throw new ArgumentNullException(nameof(final)), raw);
    }

    /// <summary>
    /// A streamed query's events. Enumerate once; disposing the enumerator early aborts the request.
    /// <see cref="Completed"/> tells, after enumeration, whether the stream ended with its terminator.
    /// </summary>
    public sealed class QueryStream : IAsyncEnumerable<QueryStreamEvent>
    {
        private readonly Func<QueryStream, CancellationToken, IAsyncEnumerable<QueryStreamEvent>> _produce;
        private int _started;

        /// <param name="produce">
        /// Produces the events; it calls <see cref="MarkCompleted"/> when it saw the end-of-stream terminator.
        /// </param>
        public QueryStream(Func<QueryStream, CancellationToken, IAsyncEnumerable<QueryStreamEvent>> produce)
        {
            _produce = produce ?? throw new ArgumentNullException(nameof(produce));
        }

        /// <summary>True once the stream ended with its terminator (<c>data: [DONE]</c> over HTTP).</summary>
        public bool Completed { get; private set; }

        public void MarkCompleted() => Completed = true;

        public IAsyncEnumerator<QueryStreamEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _started, 1) != 0)
            {
                throw new InvalidOperationException("A query stream can be enumerated only once.");
            }

            return _produce(this, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
    }
}
