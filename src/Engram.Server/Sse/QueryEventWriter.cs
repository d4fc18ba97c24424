using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Server.Wire;

namespace Engram.Server.Sse
{
    /// <summary>A streamed query's events as OpenAI-style chunks and one final frame over <see cref="SseWriter"/>.</summary>
    internal sealed class QueryEventWriter : IQueryEventWriter
    {
        private readonly SseWriter _sse;
        private readonly bool _wantsJsonAnswer;
        private readonly CompletionChunks _chunks = new CompletionChunks();
        private bool _sentDelta;

        public QueryEventWriter(SseWriter sse, bool wantsJsonAnswer)
        {
            _sse = sse;
            _wantsJsonAnswer = wantsJsonAnswer;
        }

        public Task KeepAliveAsync(CancellationToken cancellationToken) => _sse.KeepAliveAsync(cancellationToken);

        public async Task DeltaAsync(string content, CancellationToken cancellationToken)
        {
            await _sse.DataAsync(_chunks.Delta(content), cancellationToken).ConfigureAwait(false);
            _sentDelta = true;
        }

        public async Task FinalAsync(QueryResult result, CancellationToken cancellationToken)
        {
            if (_sentDelta)
            {
                await _sse.DataAsync(_chunks.Stop(), cancellationToken).ConfigureAwait(false);
            }

            await _sse.DataAsync(ResponseShapes.QueryResult(result, _wantsJsonAnswer), cancellationToken).ConfigureAwait(false);
        }

        public Task DoneAsync(CancellationToken cancellationToken) => _sse.DoneAsync(cancellationToken);

        public Task ErrorAsync(string message, CancellationToken cancellationToken) =>
            _sse.LastDataAsync(CompletionChunks.Error(message), cancellationToken);
    }
}
