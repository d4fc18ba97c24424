using System.Threading;
using System.Threading.Tasks;
using Engram.Client;

namespace Engram.Server.Sse
{
    /// <summary>What a streamed query sends, event by event (wire spec §8.1).</summary>
    internal interface IQueryEventWriter
    {
        /// <summary>A comment frame; clients ignore it, and a failed write reveals a client that has gone.</summary>
        Task KeepAliveAsync(CancellationToken cancellationToken);

        /// <summary>One non-empty piece of the answer.</summary>
        Task DeltaAsync(string content, CancellationToken cancellationToken);

        /// <summary>The finishing chunk (after any deltas), then the final frame.</summary>
        Task FinalAsync(QueryResult result, CancellationToken cancellationToken);

        /// <summary>The end-of-stream terminator.</summary>
        Task DoneAsync(CancellationToken cancellationToken);

        /// <summary>A mid-stream failure; nothing follows it.</summary>
        Task ErrorAsync(string message, CancellationToken cancellationToken);
    }
}
